"""LSP positions and ranges ↔ string offsets, in the position encoding negotiated with the client.

The only place where an LSP ``Position`` becomes an offset or an offset a ``Position``: handlers convert
at the edge and pass offsets to the engine.
"""

from __future__ import annotations

from lsprotocol import types

from ghostline.engine.document import Document, Pos


def offset_of(doc: Document, position: types.Position) -> int:
    """String index of an LSP position (clamped into the document)."""
    return doc.offset_at(Pos(position.line, position.character))


def position_of(doc: Document, offset: int) -> types.Position:
    """LSP position of a string index."""
    pos = doc.position_at(offset)
    return types.Position(pos.line, pos.character)


def range_of(doc: Document, start: int, end: int) -> types.Range:
    """LSP range of ``text[start:end]``."""
    return types.Range(position_of(doc, start), position_of(doc, end))


def span_of(doc: Document, rng: types.Range) -> tuple[int, int]:
    """String indices (start ≤ end) of an LSP range."""
    start, end = offset_of(doc, rng.start), offset_of(doc, rng.end)
    return (start, end) if start <= end else (end, start)
