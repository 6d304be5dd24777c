"""The package's shape: imports point inward across layers, no cycle, third parties where they belong.

Every ``import`` in ``server/ghostline`` (module level or inside a function) is read with ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "server" / "ghostline"
LAYERS: list[set[str]] = [
    {"__init__", "config", "syntax"},
    {"model"},
    {"sandbox"},
    {"engine"},
    {"lsp", "eval", "tune", "harness"},
    {"bench"},
    {"commands"},
    {"cli"},
    {"__main__"},
]
"""Each layer may import from the layers before it and from its own package, never from a later layer nor
from another package of its own layer."""
ONLY_IN = {"pygls": {"lsp", "harness"}, "tree_sitter": {"syntax"}}
"""Third-party packages only these packages may import (the server's and the client's sides of pygls)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def resolve(name: str, known: set[str]) -> str:
    """The module an imported name lives in (``ghostline.x.y`` may be a function ``y`` of ``ghostline.x``)."""
    while name not in known and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def imports() -> dict[str, set[str]]:
    """Module → the Ghostline modules and the top-level third-party packages it imports."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(files)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[module] = {
            resolve(n, known) if n.startswith("ghostline") else n.split(".")[0] for n in found
        } - {module}
    return graph


GRAPH = imports()


def layer_of(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def test_every_package_has_a_layer() -> None:
    packages = {package_of(m) for m in GRAPH}
    assert packages <= set().union(*LAYERS), packages - set().union(*LAYERS)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_inward(module: str) -> None:
    here = package_of(module)
    wrong = []
    for target in sorted(t for t in GRAPH[module] if t.startswith("ghostline")):
        there = package_of(target)
        if there != here and layer_of(there) >= layer_of(here):
            wrong.append(target)
    assert wrong == [], f"{module} imports {wrong} (layer {layer_of(here)}: {LAYERS[layer_of(here)]})"


def test_the_sandbox_is_a_leaf() -> None:
    for module in (m for m in GRAPH if package_of(m) == "sandbox"):
        outside = {t for t in GRAPH[module] if t.startswith("ghostline") and package_of(t) != "sandbox"}
        assert outside == set(), f"{module} imports {outside}"


@pytest.mark.parametrize("third_party", sorted(ONLY_IN))
def test_third_parties_stay_in_their_packages(third_party: str) -> None:
    users = {package_of(m) for m, targets in GRAPH.items() if third_party in targets}
    assert users <= ONLY_IN[third_party], users - ONLY_IN[third_party]


def test_no_import_cycle() -> None:
    ours = {m: {t for t in targets if t in GRAPH} for m, targets in GRAPH.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(ours[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        state[module] = 2
        path.pop()
        return None

    for module in sorted(ours):
        if module not in state:
            cycle = visit(module)
            assert cycle is None, " -> ".join(cycle)
