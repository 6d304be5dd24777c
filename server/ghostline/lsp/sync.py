"""Document synchronisation: didOpen, incremental didChange, didClose."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from lsprotocol import types

from ghostline.engine.document import Document, Pos
from ghostline.engine.edits import EditLog
from ghostline.engine.uris import to_path
from ghostline.engine.workspace.walk import read_regular
from ghostline.lsp import diagnostics, review, trees, workspace
from ghostline.lsp.documents import OpenDocument
from ghostline.lsp.framing import MAX_FRAME
from ghostline.lsp.positions import offset_of
from ghostline.lsp.server import GhostlineServer

log = logging.getLogger("ghostline")
_RUNNING: set[asyncio.Future[Any]] = set()
"""Background trainings of the stay-silent gate (referenced until they finish)."""
BACKGROUND_PARSE_CHARS = 200_000
"""Documents larger than this are parsed in a worker thread, so other requests are answered meanwhile."""
MAX_SYNTAX_CHARS = 4_000_000
MAX_LINE_CHARS = 100_000
_LONG_LINE = re.compile(f"[^\\n]{{{MAX_LINE_CHARS}}}")


def register(server: GhostlineServer) -> None:
    """Register the text synchronisation handlers."""
    server.parse_woken = lambda record: _parse_woken(server, record)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GhostlineServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        if (previous := ls.documents.get(item.uri)) is not None:
            previous.close()
        big = len(item.text) > BACKGROUND_PARSE_CHARS
        odd = _too_odd_to_parse(item.text) if big else None
        doc = Document(
            item.uri, item.text, item.version, item.language_id, ls.encoding, parse=not big, syntax=not odd
        )
        record = ls.documents[item.uri] = OpenDocument(doc)
        if odd and doc.language is not None:
            name = item.uri.rsplit("/", 1)[-1]
            ls.window_log_message(
                types.LogMessageParams(
                    types.MessageType.Info, f"Ghostline: no syntax features for {name}: {odd}"
                )
            )
        if big and doc.syntax is not None:
            parse_in_background(ls, record)
        else:
            diagnostics.schedule(ls, item.uri, delay_ms=0)
        trees.use(ls.documents, item.uri, ls.parse_woken)  # the newest; older ones may rest
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
        big = doc.syntax is not None and (doc.parsing or len(doc.text) > BACKGROUND_PARSE_CHARS)
        apply_changes(doc, params.content_changes, reparse=not big, edits=ls.edits)
        doc.version = version
        if big and (record := ls.documents.get(uri)) is not None:
            parse_in_background(ls, record)
        else:
            diagnostics.schedule(ls, uri)
        workspace.changed(ls, uri)
        if ls.settings.completion.gate and ls.learner.changed(uri, doc.text):
            task = asyncio.ensure_future(asyncio.to_thread(ls.learner.retrain))  # numpy, off the event loop
            _RUNNING.add(task)
            task.add_done_callback(_RUNNING.discard)
        last = params.content_changes[-1] if params.content_changes else None
        if isinstance(last, types.TextDocumentContentChangePartial) and "\n" in last.text:
            # The cursor moved to a new line (Enter was typed): evaluate that line's prompt while idle.
            _warm(ls, doc, offset_of(doc, last.range.start) + len(last.text))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: GhostlineServer, params: types.DidSaveTextDocumentParams) -> None:
        record = ls.documents.get(params.text_document.uri)
        if record is None:
            return
        if record.stale:
            _resync_from_disk(ls, record, params.text)
        record = trees.use(ls.documents, params.text_document.uri, ls.parse_woken) or record
        review.on_save(ls, record)
        workspace.saved(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GhostlineServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        record = ls.documents.pop(uri, None)
        if record is None:
            log.warning("%s: didClose for a document that is not open", uri)
        else:
            record.close()
            ls.completions.forget(record.doc)
        ls.learner.tracker.closed(uri)
        diagnostics.clear(ls, uri)
        workspace.closed(ls, uri)


def apply_changes(
    doc: Document,
    changes: Sequence[types.TextDocumentContentChangeEvent],
    reparse: bool = True,
    edits: EditLog | None = None,
) -> None:
    """Apply LSP content changes in order, then reparse once (unless a background parse will).

    ``edits`` (the session's edit log) is told of each change.
    """
    for change in changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = Pos(change.range.start.line, change.range.start.character)
            end = Pos(change.range.end.line, change.range.end.character)
            if edits is not None:
                edits.record(doc.uri, doc.text, doc.offset_at(start), doc.offset_at(end), change.text)
            doc.apply_change(change.text, start, end)
        else:
            if edits is not None:
                edits.record(doc.uri, doc.text, *changed_span(doc.text, change.text))
            doc.apply_change(change.text)
    if reparse:
        doc.reparse()


def changed_span(old: str, new: str) -> tuple[int, int, str]:
    """The one replacement that turns ``old`` into ``new``: (start, end in ``old``, inserted text).

    Common prefix and suffix are found by bisection over slice comparisons (C speed on big documents).
    """
    limit = min(len(old), len(new))
    head = _agree(limit, lambda n: old[:n] == new[:n])
    rest = limit - head
    tail = _agree(rest, lambda n: old[len(old) - n :] == new[len(new) - n :])
    return head, len(old) - tail, new[head : len(new) - tail]


def _agree(limit: int, same: Callable[[int], bool]) -> int:
    """The largest n ≤ limit for which ``same(n)`` holds (``same`` holds up to a point, then never)."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if same(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _parse_woken(ls: GhostlineServer, record: OpenDocument) -> None:
    """Parse a document woken from rest: here when small, in a worker thread when large."""
    if len(record.doc.text) > BACKGROUND_PARSE_CHARS:
        parse_in_background(ls, record)
    else:
        record.doc.reparse()


def parse_in_background(ls: GhostlineServer, record: OpenDocument) -> None:
    """Parse a large document in a worker thread (edits made meanwhile follow), then publish diagnostics."""
    if record.doc.parsing or (record.parse_task is not None and not record.parse_task.done()):
        return  # the parse running (or about to) takes the new edits when it is done

    async def run() -> None:
        doc = record.doc
        job = doc.parse_job()
        while True:
            tree = await asyncio.to_thread(job)
            if ls.documents.get(doc.uri) is not record:
                return  # closed (or reopened) meanwhile
            if not doc.adopt(tree):
                break
            job = doc.parse_job()
        diagnostics.schedule(ls, doc.uri, delay_ms=0)

    record.parse_task = task = asyncio.ensure_future(run())
    task.add_done_callback(_report_failure)


def _report_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("background parse failed: %s", exc, exc_info=exc)


def _too_odd_to_parse(text: str) -> str | None:
    """Why a document gets no syntax tree (too large, or minified/generated with huge lines), or None."""
    if len(text) > MAX_SYNTAX_CHARS:
        return f"{len(text) / 1e6:.1f} MB is more than {MAX_SYNTAX_CHARS / 1e6:.0f} MB"
    if _LONG_LINE.search(text):
        return f"a line is longer than {MAX_LINE_CHARS:,} characters (generated or minified code)"
    return None


def _warm(ls: GhostlineServer, doc: Document, offset: int) -> None:
    """Evaluate the prompt at ``offset`` in the background while the user is idle."""
    if ls.model.backend is None or doc.language is None:
        return
    ls.completions.warm(doc, offset, ls.model.backend, ls.settings.completion, ls.others(doc))


def _adopt(
    ls: GhostlineServer, uri: str, version: int, changes: Sequence[types.TextDocumentContentChangeEvent]
) -> Document | None:
    """A change for a document never opened (or out of sync): start from its whole text, else ignore it."""
    whole = [i for i, c in enumerate(changes) if isinstance(c, types.TextDocumentContentChangeWholeDocument)]
    record = ls.documents.get(uri)
    if not whole:
        if record is None:
            log.warning("%s: incremental change for a document that was never opened; ignored", uri)
        return None
    if record is None:
        log.warning("%s: change for a document that was never opened; adopting its full text", uri)
    last = changes[whole[-1]]
    assert isinstance(last, types.TextDocumentContentChangeWholeDocument)
    language = record.doc.language if record is not None else None
    doc = Document(uri, last.text, version, language, ls.encoding)
    ls.documents[uri] = OpenDocument(doc)
    return doc  # the caller applies the changes (the whole text again, then what follows it)


def _resync_from_disk(ls: GhostlineServer, record: OpenDocument, text: str | None) -> None:
    """Take the saved text (sent with didSave, else read from disk) as the document's truth again."""
    uri = record.doc.uri
    if text is None:
        path = to_path(uri)
        data = read_regular(path, MAX_FRAME) if path else None  # never a FIFO or a device
        try:
            text = data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError as exc:
            log.warning("%s: could not read it back from disk: %s", uri, exc)
            return
        if text is None:
            log.warning("%s: could not read it back from disk (not a regular file, or too large)", uri)
    if text is None:
        return
    doc = Document(uri, text, record.doc.version, record.doc.language, ls.encoding)
    ls.documents[uri] = OpenDocument(doc)
    log.info("%s: in sync again (read back on save)", uri)
    diagnostics.schedule(ls, uri, delay_ms=0)
