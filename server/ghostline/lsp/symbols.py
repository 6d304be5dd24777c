"""textDocument/documentSymbol: the outline of an open document."""

from __future__ import annotations

import asyncio
import json

from lsprotocol import converters, types

from ghostline.engine.document import Document
from ghostline.engine.outline import Symbol, outline
from ghostline.lsp.positions import range_of
from ghostline.lsp.protocol import Prepared
from ghostline.lsp.server import GhostlineServer
from ghostline.syntax.definitions import find_definitions

LARGE_BYTES = 256 * 1024
"""Larger documents are outlined in a worker thread, a slice at a time, while other requests are answered."""
SLICE_BYTES = 16 * 1024
MAX_DEPTH = 64
"""Symbols nested deeper than this are left out of the outline."""

KINDS = {
    "function": types.SymbolKind.Function,
    "method": types.SymbolKind.Method,
    "class": types.SymbolKind.Class,
}


def register(server: GhostlineServer) -> None:
    """Register the document symbol handler."""

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(
        ls: GhostlineServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | Prepared:
        doc = ls.document(params.text_document.uri)
        if doc is None or doc.syntax is None or doc.language is None:
            return []
        if len(doc.source) <= LARGE_BYTES:
            return [_symbol(doc, s) for s in outline(doc)]
        return Prepared(await asyncio.to_thread(_outline_json, doc.snapshot()))


def _outline_json(doc: Document) -> str:
    """The whole answer for a large document, made in a worker thread a slice at a time."""
    assert doc.syntax is not None and doc.language is not None
    found = find_definitions(doc.language, doc.syntax.root, None, SLICE_BYTES)
    converter = converters.get_converter()
    parts = (json.dumps(converter.unstructure(_symbol(doc, s))) for s in outline(doc, found))
    return "[" + ",".join(parts) + "]"  # one symbol at a time: other threads run in between


def _symbol(doc: Document, symbol: Symbol, depth: int = 0) -> types.DocumentSymbol:
    """``symbol`` as LSP's; below ``MAX_DEPTH`` levels its children are left out.

    No client shows them, and the converter's recursion could not serialize the answer.
    """
    children = [_symbol(doc, c, depth + 1) for c in symbol.children] if depth < MAX_DEPTH else []
    return types.DocumentSymbol(
        name=symbol.name,
        kind=KINDS.get(symbol.kind, types.SymbolKind.Function),
        range=range_of(doc, symbol.start, symbol.end),
        selection_range=range_of(doc, symbol.name_start, symbol.name_end),
        children=children,
    )
