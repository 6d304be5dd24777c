"""textDocument/documentSymbol: the outline of an open document."""

from __future__ import annotations

from lsprotocol import types

from ghostline.engine.outline import document_symbols
from ghostline.lsp.server import GhostlineServer


def register(server: GhostlineServer) -> None:
    """Register the document symbol handler."""

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: GhostlineServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        doc = ls.documents.get(params.text_document.uri)
        return document_symbols(doc) if doc is not None else []
