"""Definitions (functions, methods, classes) found by each language's ``definitions.scm``."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ghostline.syntax import queries


@dataclass(frozen=True)
class Definition:
    """One definition: its kind, name, and the nodes of the whole, the body and the doc."""

    kind: str
    name: str
    node: Node
    name_node: Node
    body: Node | None
    doc: Node | None
    doc_end: Node | None = None
    """The last node of the doc (a run of ``///`` comments spans several)."""


def find_definitions(
    language: str, root: Node, byte_range: queries.ByteRange | None = None, chunk: int = 0
) -> list[Definition]:
    """All definitions under ``root`` (meeting ``byte_range``) in document order, one per definition node.

    With ``chunk``, the query runs over ranges of about that many bytes in turn (see ``queries.chunks``).
    """
    found: dict[tuple[int, int], Definition] = {}
    ranges = queries.chunks(root, chunk) if chunk and byte_range is None else [byte_range]
    for part in ranges:
        _collect(language, root, part, found)
    return sorted(found.values(), key=lambda d: (d.node.start_byte, -d.node.end_byte))


def _collect(
    language: str, root: Node, byte_range: queries.ByteRange | None, found: dict[tuple[int, int], Definition]
) -> None:
    for _, caps in queries.matches(language, "definitions", root, byte_range):
        kind = next((k for k in caps if k.startswith("definition.")), None)
        if kind is None or "name" not in caps:
            continue
        node, name = caps[kind][0], caps["name"][0]
        key = (node.start_byte, node.end_byte)
        docs = sorted(caps.get("doc", []), key=lambda n: n.start_byte)
        doc = docs[0] if docs else None
        if key in found and (found[key].doc is not None or doc is None):
            continue
        found[key] = Definition(
            kind.split(".", 1)[1],
            (name.text or b"").decode("utf-8", "replace"),
            node,
            name,
            caps.get("body", [None])[0],
            doc,
            docs[-1] if docs else None,
        )


def definition_at(language: str, root: Node, byte: int) -> Definition | None:
    """The innermost definition (function, method or class) around a byte offset, or None."""
    near = find_definitions(language, root, (max(byte - 1, 0), byte + 1))
    inside = [d for d in near if d.node.start_byte <= byte <= d.node.end_byte]
    return max(inside, key=lambda d: d.node.start_byte) if inside else None
