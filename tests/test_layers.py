"""The import graph of the production code: every arrow points down the layers, and no module takes part
in an import cycle.

The layers, from the bottom (`LAYERS`, the one place they are written):

- `domain`: the aggregates as pure deciders.
- `application`: the ports (Protocols) and the services that use them.
- `adapters` and `projections`: one layer of two independent packages. Adapters implement the
  application's ports with a technology; projections follow the event log into read models through the
  connections they are handed. Neither imports the other (none does today), and the test keeps it so: a
  projection that needs something from an adapter needs a port, and an adapter that needs a
  projection's table is a read model that belongs in the projection's package.
- `schema`: the GraphQL types and thin resolvers, over a typed context of application services.
- `web`: the HTTP and WebSocket transport around the schema.
- `fitcoach`: the shell (settings, command line, the composition root in `fitcoach.wiring`), which
  builds the services and hands `web` and `schema` exactly what they need.
- `server`: the ASGI app uvicorn loads. It stands on the shell (settings and wiring); the shell names it
  only as the string `"server:create_app"` it gives uvicorn, never by an import.

An arrow may point to a lower layer or stay inside its own package; one to a higher layer, or sideways
into another package of the same layer, fails. Every import counts, for the layers and for the cycles
alike: at module level, inside functions, and under `if TYPE_CHECKING:` (an import only for the type
checker still makes the lower layer know the upper one, and a cycle through one is still two modules
that cannot be understood apart).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LAYERS: tuple[tuple[str, ...], ...] = (
    ("domain",),
    ("application",),
    ("adapters", "projections"),
    ("schema",),
    ("web",),
    ("fitcoach",),
    ("server",),
)
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}


@dataclass(frozen=True, slots=True)
class Arrow:
    source: str
    target: str
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.source} -> {self.target}"


def _production_files() -> dict[str, Path]:
    """Module name -> file, for every module of the packages in `LAYERS` (a package is its __init__)."""
    modules: dict[str, Path] = {}
    for package in RANK:
        single = ROOT / f"{package}.py"
        if single.is_file():
            modules[package] = single
            continue
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


MODULES = _production_files()


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(module: str, path: Path, source: str) -> Iterator[Arrow]:
    """Every production module this file imports, wherever the import stands in the file."""
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield Arrow(module, alias.name, path, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            origin = _absolute(module, path, node)
            for alias in node.names:
                # `from package import submodule` is an arrow to the submodule, not to the package.
                submodule = f"{origin}.{alias.name}"
                target = submodule if submodule in MODULES else origin
                if target in MODULES:
                    yield Arrow(module, target, path, node.lineno)


def _arrows() -> list[Arrow]:
    return [arrow for module, path in MODULES.items() for arrow in _imports(module, path, path.read_text())]


def _top(module: str) -> str:
    return module.split(".", 1)[0]


def _points_up(arrow: Arrow) -> bool:
    source, target = _top(arrow.source), _top(arrow.target)
    return source != target and RANK[target] >= RANK[source]


def _cycles(arrows: list[Arrow]) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module importing itself),
    by Tarjan's algorithm."""
    graph: dict[str, set[str]] = {}
    for arrow in arrows:
        graph.setdefault(arrow.source, set()).add(arrow.target)
        graph.setdefault(arrow.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in graph[module]:
                components.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return components


def test_the_layer_table_names_every_production_package() -> None:
    packages = {path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file()}
    assert packages - {"tests", "bench"} <= set(RANK), "a production package is missing from LAYERS"
    assert all(_top(module) in RANK for module in MODULES)
    assert len(MODULES) > 100, "the walk found too few modules: is ROOT the repository?"


def test_the_walk_sees_every_kind_of_import() -> None:
    source = """
from typing import TYPE_CHECKING
import web.metrics
from ..context import Info
from schema import errors

if TYPE_CHECKING:
    from fitcoach.wiring.api import Api

def later():
    from fitcoach.settings import Settings
"""
    path = ROOT / "schema" / "plans" / "types.py"
    found = {(arrow.target, arrow.line) for arrow in _imports("schema.plans.types", path, source)}
    assert found == {
        ("web.metrics", 3),
        ("schema.context", 4),
        ("schema.errors", 5),
        ("fitcoach.wiring.api", 8),
        ("fitcoach.settings", 11),
    }


def test_an_arrow_up_or_sideways_is_refused_and_a_cycle_is_found() -> None:
    path = ROOT / "schema" / "build.py"

    def arrow(source: str, target: str) -> Arrow:
        return Arrow(source, target, path, 1)

    assert _points_up(arrow("schema.build", "fitcoach.settings"))
    assert _points_up(arrow("adapters.postgres.store", "projections.runner"))
    assert not _points_up(arrow("web.metrics", "projections.status"))
    assert not _points_up(arrow("server", "fitcoach.wiring.api"))
    assert not _points_up(arrow("schema.plans.types", "schema.accounts.types"))
    triangle = [arrow("schema.a", "schema.b"), arrow("schema.b", "schema.c"), arrow("schema.c", "schema.a")]
    assert _cycles([*triangle, arrow("schema.d", "schema.a")]) == [["schema.a", "schema.b", "schema.c"]]
    assert _cycles(triangle[:2]) == []
    assert _cycles([arrow("schema.a", "schema.a")]) == [["schema.a"]]


def test_no_import_points_up_the_layers() -> None:
    upward = [arrow for arrow in _arrows() if _points_up(arrow)]
    if upward:
        pytest.fail("imports pointing up (or sideways) the layers:\n" + "\n".join(map(str, upward)))


def test_no_modules_import_each_other_in_a_cycle() -> None:
    arrows = _arrows()
    cycles = _cycles(arrows)
    report = []
    for component in cycles:
        members = set(component)
        report.append(" <-> ".join(component))
        report += [f"    {arrow}" for arrow in arrows if arrow.source in members and arrow.target in members]
    if cycles:
        pytest.fail("import cycles:\n" + "\n".join(report))
