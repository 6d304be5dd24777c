"""Cyclomatic complexity per function from each language's ``complexity.scm`` (radon's rules for Python)."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ghostline.syntax import queries
from ghostline.syntax.definitions import Definition, find_definitions


@dataclass(frozen=True)
class Complexity:
    """A function or method and its cyclomatic complexity (1 + decision points)."""

    definition: Definition
    value: int


def complexities(language: str, root: Node, byte_range: queries.ByteRange | None = None) -> list[Complexity]:
    """Complexity of every function and method (meeting ``byte_range``); nested ones count on their own."""
    definitions = find_definitions(language, root, byte_range)
    found = queries.captures(language, "complexity", root, byte_range)
    skip = [(n.start_byte, n.end_byte) for n in found.get("nobranch", [])]
    counts = {id(d): 1 for d in definitions}
    seen: set[tuple[int, int, str]] = set()
    for branch in found.get("branch", []):
        key = (branch.start_byte, branch.end_byte, branch.type)
        if key in seen or any(a <= branch.start_byte and branch.end_byte <= b for a, b in skip):
            continue
        seen.add(key)
        owner = _innermost(definitions, branch)
        if owner is not None:
            counts[id(owner)] += 1
    return [Complexity(d, counts[id(d)]) for d in definitions if d.kind != "class"]


def _innermost(definitions: list[Definition], node: Node) -> Definition | None:
    """The innermost definition containing ``node`` (definitions are sorted by start)."""
    best = None
    for d in definitions:
        if d.node.start_byte > node.start_byte:
            break
        if node.end_byte <= d.node.end_byte:
            best = d
    return best
