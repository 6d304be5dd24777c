"""Document synchronisation: didOpen, incremental didChange, didClose."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from lsprotocol import types

from ghostline.engine.document import Document, Pos
from ghostline.lsp import diagnostics
from ghostline.lsp.documents import OpenDocument
from ghostline.lsp.positions import offset_of
from ghostline.lsp.server import GhostlineServer

log = logging.getLogger("ghostline")


def register(server: GhostlineServer) -> None:
    """Register the text synchronisation handlers."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GhostlineServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        if (previous := ls.documents.get(item.uri)) is not None:
            previous.close()
        doc = Document(item.uri, item.text, item.version, item.language_id, ls.encoding)
        ls.documents[item.uri] = OpenDocument(doc)
        diagnostics.schedule(ls, item.uri, delay_ms=0)
        _warm(ls, doc, len(doc.text))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GhostlineServer, params: types.DidChangeTextDocumentParams) -> None:
        uri, version = params.text_document.uri, params.text_document.version
        doc = ls.document(uri)
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
        last = params.content_changes[-1] if params.content_changes else None
        if isinstance(last, types.TextDocumentContentChangePartial) and "\n" in last.text:
            # The cursor moved to a new line (Enter was typed): evaluate that line's prompt while idle.
            _warm(ls, doc, offset_of(doc, last.range.start) + len(last.text))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GhostlineServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        record = ls.documents.pop(uri, None)
        if record is None:
            log.warning("%s: didClose for a document that is not open", uri)
        else:
            record.close()
            ls.completions.forget(record.doc)
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


def _warm(ls: GhostlineServer, doc: Document, offset: int) -> None:
    """Evaluate the prompt at ``offset`` in the background while the user is idle."""
    if ls.model.backend is None or doc.language is None:
        return
    ls.completions.warm(doc, offset, ls.model.backend, ls.settings.completion, ls.others(doc))


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
    ls.documents[uri] = OpenDocument(doc)
    return doc
