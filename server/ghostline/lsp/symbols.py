"""textDocument/documentSymbol: the outline of an open document."""

from __future__ import annotations

from lsprotocol import types

from ghostline.engine.document import Document
from ghostline.engine.outline import Symbol, outline
from ghostline.lsp.positions import range_of
from ghostline.lsp.server import GhostlineServer

KINDS = {
    "function": types.SymbolKind.Function,
    "method": types.SymbolKind.Method,
    "class": types.SymbolKind.Class,
}


def register(server: GhostlineServer) -> None:
    """Register the document symbol handler."""

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: GhostlineServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        doc = ls.document(params.text_document.uri)
        return [_symbol(doc, s) for s in outline(doc)] if doc is not None else []


def _symbol(doc: Document, symbol: Symbol) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name,
        kind=KINDS.get(symbol.kind, types.SymbolKind.Function),
        range=range_of(doc, symbol.start, symbol.end),
        selection_range=range_of(doc, symbol.name_start, symbol.name_end),
        children=[_symbol(doc, child) for child in symbol.children],
    )
