"""Document synchronisation: didOpen, incremental didChange, didClose."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from lsprotocol import types

from ghostline.engine.document import Document, Pos
from ghostline.lsp import diagnostics
from ghostline.lsp.server import GhostlineServer

log = logging.getLogger("ghostline")


def register(server: GhostlineServer) -> None:
    """Register the text synchronisation handlers."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GhostlineServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.documents[item.uri] = Document(item.uri, item.text, item.version, item.language_id, ls.encoding)
        diagnostics.schedule(ls, item.uri, delay_ms=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GhostlineServer, params: types.DidChangeTextDocumentParams) -> None:
        uri, version = params.text_document.uri, params.text_document.version
        doc = ls.documents.get(uri)
        if doc is None:
            doc = _adopt(ls, uri, version, params.content_changes)
            if doc is None:
                return
        elif version < doc.version:
            log.warning(
                "%s: change for version %d after version %d; applying it anyway",
                uri,
                version,
                doc.version,
            )
        apply_changes(doc, params.content_changes)
        doc.version = version
        diagnostics.schedule(ls, uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GhostlineServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.documents.pop(uri, None) is None:
            log.warning("%s: didClose for a document that is not open", uri)
        diagnostics.clear(ls, uri)


def apply_changes(doc: Document, changes: Sequence[types.TextDocumentContentChangeEvent]) -> None:
    """Apply LSP content changes in order, then reparse once."""
    for change in changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            start, end = change.range.start, change.range.end
            doc.apply_change(change.text, Pos(start.line, start.character), Pos(end.line, end.character))
        else:
            doc.apply_change(change.text)
    doc.reparse()


def _adopt(
    ls: GhostlineServer, uri: str, version: int, changes: Sequence[types.TextDocumentContentChangeEvent]
) -> Document | None:
    """A change for a document never opened: start from a whole-text change, else ignore it."""
    whole = [c for c in changes if isinstance(c, types.TextDocumentContentChangeWholeDocument)]
    if not whole:
        log.warning("%s: incremental change for a document that was never opened; ignored", uri)
        return None
    log.warning("%s: change for a document that was never opened; adopting its full text", uri)
    doc = Document(uri, whole[-1].text, version, None, ls.encoding)
    ls.documents[uri] = doc
    return doc
