"""textDocument/hover: cyclomatic complexity over a function's name."""

from __future__ import annotations

from lsprotocol import types

from ghostline.engine.diagnostics import complexity_at
from ghostline.lsp.positions import offset_of, range_of
from ghostline.lsp.server import GhostlineServer


def register(server: GhostlineServer) -> None:
    """Register the hover handler."""

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: GhostlineServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        found = complexity_at(doc, offset_of(doc, params.position))
        if found is None:
            return None
        name, value, start, end = found
        text = f"**{name}**: cyclomatic complexity {value} (threshold {ls.settings.complexity.threshold})"
        markup = types.MarkupContent(types.MarkupKind.Markdown, text)
        return types.Hover(contents=markup, range=range_of(doc, start, end))
