"""Document outline: nested definitions (methods inside classes) from tree-sitter, as string offsets."""

from __future__ import annotations

from dataclasses import dataclass, field

from ghostline.engine.document import Document
from ghostline.syntax.definitions import Definition, find_definitions


@dataclass
class Symbol:
    """One definition: its name, kind, the whole range, the name's range and what it contains."""

    name: str
    kind: str
    """``function``, ``method`` or ``class``."""
    start: int
    end: int
    name_start: int
    name_end: int
    children: list[Symbol] = field(default_factory=list)


def outline(doc: Document, definitions: list[Definition] | None = None) -> list[Symbol]:
    """Nested symbols of a document: methods inside classes, inner functions inside functions.

    ``definitions`` may come from a query run elsewhere (a worker thread, for a large document).
    """
    if doc.syntax is None or doc.language is None:
        return []
    if definitions is None:
        definitions = find_definitions(doc.language, doc.syntax.root)
    roots: list[Symbol] = []
    stack: list[tuple[int, Symbol]] = []
    for d in definitions:
        symbol = Symbol(
            d.name or "<anonymous>",
            d.kind,
            doc.offset_of_point(*d.node.start_point),
            doc.offset_of_point(*d.node.end_point),
            doc.offset_of_point(*d.name_node.start_point),
            doc.offset_of_point(*d.name_node.end_point),
        )
        while stack and stack[-1][0] <= d.node.start_byte:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(symbol)
        stack.append((d.node.end_byte, symbol))
    return roots
