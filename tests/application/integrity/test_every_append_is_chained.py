"""Every append to the event store in the production code chains its events first, or keeps the hashes
its events already carry for a stated reason.

An `EventStore.append` call is spotted by its shape, `x.append(stream, events, expected_version)`: a
list's `append` takes one argument; an `EventStore.append_many` call by its name. Each module making one
must be in `CHAINED_APPENDERS` and call `chain_events`, or be in `HASH_PRESERVING_APPENDERS` and not call
it (re-chaining there would replace hashes that were computed when the events were first written). A new
writer in neither list fails here.
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
HASH_PRESERVING_APPENDERS = {
    "application/replay/append_queue.py": (
        "`fitcoach replay import`: writes exported events with the chain hashes they were exported with, so"
        " the imported log verifies against the same chain (the hash covers no position nor time)"
    ),
    "application/privacy/opened_store.py": (
        "hands the caller's events, already sealed and chained by the command path, to the store underneath"
    ),
    "adapters/memory/store.py": "`append_many` is its own `append` of the caller's events, in order",
    "adapters/postgres/store.py": (
        "`append_many` sends the caller's events, hashes included, in one transaction; on a refusal it"
        " falls back to its own `append` of each"
    ),
    "adapters/kurrentdb/store.py": "`append_many` is its own `append` of the caller's events, in order",
}


def _store_appends(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and (
            node.func.attr == "append_many"
            or (
                node.func.attr == "append"
                and (
                    len(node.args) + len(node.keywords) >= 3
                    or any(k.arg == "expected_version" for k in node.keywords)
                )
            )
        )
    ]


def _production_files() -> list[Path]:
    files = [path for package in PRODUCTION for path in sorted((ROOT / package).rglob("*.py"))]
    return [*files, ROOT / "server.py"]


def test_only_the_known_writers_append_to_the_store() -> None:
    appenders = {
        str(path.relative_to(ROOT)): lines for path in _production_files() if (lines := _store_appends(path))
    }
    assert set(appenders) == set(CHAINED_APPENDERS) | set(HASH_PRESERVING_APPENDERS), appenders


def test_no_writer_is_both_chaining_and_preserving() -> None:
    assert not set(CHAINED_APPENDERS) & set(HASH_PRESERVING_APPENDERS)


def _called_names(module: str) -> set[str]:
    return {
        node.func.id
        for node in ast.walk(ast.parse((ROOT / module).read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def test_each_chaining_writer_chains_its_events() -> None:
    for module in CHAINED_APPENDERS:
        assert "chain_events" in _called_names(module), module


def test_each_preserving_writer_keeps_the_hashes_it_was_given() -> None:
    for module in HASH_PRESERVING_APPENDERS:
        assert "chain_events" not in _called_names(module), module
