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
        doc = Document(item.uri, item.text, item.version, item.language_id, ls.encoding)
        ls.documents[item.uri] = doc
        diagnostics.schedule(ls, item.uri, delay_ms=0)
        if ls.backend is not None and doc.language is not None:
            others = [d for d in ls.documents.values() if d is not doc]
            ls.completions.warm(
                doc, doc.position_at(len(doc.text)), ls.backend, ls.settings.completion, others
            )

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
        _warm_new_line(ls, doc, params.content_changes)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GhostlineServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = ls.documents.pop(uri, None)
        if doc is None:
            log.warning("%s: didClose for a document that is not open", uri)
        else:
            ls.completions.builder.forget(doc)
            ls.completions.cache.forget(uri)
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


def _warm_new_line(
    ls: GhostlineServer, doc: Document, changes: Sequence[types.TextDocumentContentChangeEvent]
) -> None:
    """The cursor moved to a new line (Enter was typed): evaluate that line's prompt while idle."""
    last = changes[-1] if changes else None
    if (
        ls.backend is None
        or not isinstance(last, types.TextDocumentContentChangePartial)
        or "\n" not in last.text
    ):
        return
    start = doc.offset_at(Pos(last.range.start.line, last.range.start.character))
    others = [d for d in ls.documents.values() if d is not doc]
    ls.completions.warm(
        doc, doc.position_at(start + len(last.text)), ls.backend, ls.settings.completion, others
    )


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
