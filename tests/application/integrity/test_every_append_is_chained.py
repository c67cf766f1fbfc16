"""Every append to the event store in the production code chains its events first.

An `EventStore.append` call is spotted by its shape, `x.append(stream, events, expected_version)`: a
list's `append` takes one argument. Each module making one must be in `CHAINED_APPENDERS` and must call
`chain_events`; a new writer that skips the chain fails here (or its author adds it after chaining).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = ("domain", "application", "adapters", "projections", "schema", "web", "fitcoach")
CHAINED_APPENDERS = {
    "application/handler.py": "the command path: chained to the last event it loaded",
    "application/user_claims.py": "email and identity claims: chained to the holder's event",
}


def _store_appends(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "append"
        and (
            len(node.args) + len(node.keywords) >= 3
            or any(k.arg == "expected_version" for k in node.keywords)
        )
    ]


def _production_files() -> list[Path]:
    files = [path for package in PRODUCTION for path in sorted((ROOT / package).rglob("*.py"))]
    return [*files, ROOT / "server.py"]


def test_only_the_known_writers_append_to_the_store() -> None:
    appenders = {
        str(path.relative_to(ROOT)): lines for path in _production_files() if (lines := _store_appends(path))
    }
    assert set(appenders) == set(CHAINED_APPENDERS), appenders


def test_each_known_writer_chains_its_events() -> None:
    for module in CHAINED_APPENDERS:
        calls = {
            node.func.id
            for node in ast.walk(ast.parse((ROOT / module).read_text()))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert "chain_events" in calls, module
