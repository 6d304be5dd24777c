"""Syntax-aligned spans of a source for training data: FIM middles and documented definitions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from ghostline.syntax import queries
from ghostline.syntax.definitions import Definition, find_definitions
from ghostline.syntax.tree import parse

_EXPRESSION = re.compile(
    r"expression|call|invocation|operator|argument_list|arguments|subscript|attribute|"
    r"selector|member|lambda|comprehension|conditional|^list$|^array$|^dictionary$|^object$|^tuple$"
)
_CLOSERS = set(")]}'\"`;:, \t\r")
MAX_NODES = 200_000
"""Files with more nodes than this are not searched for expressions (they are usually data)."""


@dataclass(frozen=True)
class Span:
    """A FIM middle candidate: ``kind`` (line, expression, block, body) and its byte range."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class DocumentedDefinition:
    """A function or method with a doc: byte ranges of the whole, the doc (first to last node)."""

    name: str
    kind: str
    start: int
    end: int
    doc_start: int
    doc_end: int


def fim_spans(language: str, source: bytes) -> list[Span]:
    """Every FIM middle candidate of a source, in document order (duplicates removed)."""
    root = parse(language, source).root_node
    definitions = find_definitions(language, root)
    found = _bodies(definitions)
    bodies = {(d.body.start_byte, d.body.end_byte) for d in definitions if d.body is not None}
    for block in queries.captures(language, "blocks", root).get("block", []):
        if block.parent is None or (block.start_byte, block.end_byte) in bodies:
            continue
        if (inner := _inner(block.named_children)) is not None:
            found.append(Span("block", *inner))
    statements = queries.captures(language, "blocks", root).get("statement", [])
    found.extend(s for s in map(_line_span, statements) if s is not None)
    if root.descendant_count <= MAX_NODES:
        found.extend(_expressions(root, source))
    unique = {(s.start, s.end, s.kind): s for s in found if _ends_line(source, s.end)}
    return sorted(unique.values(), key=lambda s: (s.start, s.end, s.kind))


def documented_definitions(language: str, source: bytes) -> list[DocumentedDefinition]:
    """Functions and methods that carry a docstring or doc comment and have a body."""
    root = parse(language, source).root_node
    out = []
    for d in find_definitions(language, root):
        if d.kind == "class" or d.doc is None or d.body is None:
            continue
        last = d.doc_end or d.doc
        out.append(
            DocumentedDefinition(
                d.name, d.kind, d.node.start_byte, d.node.end_byte, d.doc.start_byte, last.end_byte
            )
        )
    return out


def _bodies(definitions: list[Definition]) -> list[Span]:
    spans = []
    for d in definitions:
        if d.body is None or d.kind == "class":
            continue
        children = [
            c
            for c in d.body.named_children
            if d.doc is None or not (c.start_byte <= d.doc.start_byte < c.end_byte)
        ]
        if (inner := _inner(children)) is not None:
            spans.append(Span("body", *inner))
    return spans


def _inner(children: list[Node]) -> tuple[int, int] | None:
    """From the first to the last statement of a block, comments at either end left out."""
    code = [c for c in children if "comment" not in c.type]
    if not code:
        return None
    return code[0].start_byte, code[-1].end_byte


def _line_span(statement: Node) -> Span | None:
    """A one-line statement cut after its first token: the rest of the line is the middle."""
    if statement.start_point.row != statement.end_point.row:
        return None
    first = statement
    while first.child_count:
        first = first.children[0]
    nxt = first.next_sibling
    node: Node | None = first
    while nxt is None and node is not None and node != statement:
        node = node.parent
        nxt = node.next_sibling if node is not None and node != statement else None
    if nxt is None or nxt.start_byte >= statement.end_byte:
        return None
    return Span("line", nxt.start_byte, statement.end_byte)


def _expressions(root: Node, source: bytes) -> list[Span]:
    """Single-line expressions that do not start their line and are followed only by closers."""
    spans, stack = [], [root]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        if node.start_point.row != node.end_point.row or node.end_byte - node.start_byte < 5:
            continue
        if not _EXPRESSION.search(node.type):
            continue
        line_start = source.rfind(b"\n", 0, node.start_byte) + 1
        if source[line_start : node.start_byte].strip():
            spans.append(Span("expression", node.start_byte, node.end_byte))
    return spans


def _ends_line(source: bytes, end: int) -> bool:
    """Whether only closing brackets, quotes and separators follow ``end`` on its line."""
    line_end = source.find(b"\n", end)
    rest = source[end : line_end if line_end >= 0 else len(source)].decode("utf-8", "replace")
    return set(rest) <= _CLOSERS
