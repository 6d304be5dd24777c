"""``diagnostics.ai = "onSave"``: review changed functions in the background after each save."""

from __future__ import annotations

import asyncio
import logging
import threading

from lsprotocol import types

from ghostline.engine import review
from ghostline.engine.actions.edits import ActionFailed
from ghostline.engine.document import Document, Pos
from ghostline.lsp import diagnostics
from ghostline.lsp.server import GhostlineServer
from ghostline.model.errors import ModelError

log = logging.getLogger("ghostline")
SOURCE = "ghostline-ai"


def register(server: GhostlineServer) -> None:
    """Review on didSave when the setting asks for it."""

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: GhostlineServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.settings.diagnostics.ai != "onSave" or ls.backend is None or uri not in ls.documents:
            return
        if (running := ls.reviews.pop(uri, None)) is not None:
            running[1].set()
            running[0].cancel()
        stop = threading.Event()
        task = asyncio.ensure_future(_review(ls, uri, stop))
        ls.reviews[uri] = (task, stop)


async def _review(ls: GhostlineServer, uri: str, stop: threading.Event) -> None:
    """Review each changed function; any completion request (or a newer save) interrupts it."""
    doc, backend = ls.documents.get(uri), ls.backend
    if doc is None or backend is None:
        return
    version, ticket = doc.version, ls.completions.scheduler.newest
    reviewed = ls.reviewed.setdefault(uri, set())

    def interrupted() -> bool:
        return stop.is_set() or ls.completions.scheduler.newest != ticket or doc.version != version

    for definition in review.changed_functions(doc, reviewed):
        try:
            found = await asyncio.to_thread(review.review_function, doc, definition, backend, interrupted)
        except (InterruptedError, ActionFailed, ModelError) as exc:
            log.info("AI review of %s stopped: %s", uri, exc or "interrupted")
            return
        if interrupted():
            return
        first, last = definition.node.start_point[0], definition.node.end_point[0]
        kept = [d for d in ls.ai_findings.get(uri, []) if not first <= d.range.start.line <= last]
        ls.ai_findings[uri] = kept + [_diagnostic(doc, f) for f in found]
        reviewed.add(review.fingerprint(definition))
        ls.reviewed_functions += 1
        diagnostics.publish(ls, uri)


def _diagnostic(doc: Document, finding: review.Finding) -> types.Diagnostic:
    start, end = review.line_span(doc, finding)
    a = doc.position_at(doc.offset_at(Pos(finding.line, 0)) + start)
    b = doc.position_at(doc.offset_at(Pos(finding.line, 0)) + end)
    rng = types.Range(types.Position(a.line, a.character), types.Position(b.line, b.character))
    return types.Diagnostic(
        rng, finding.message, severity=types.DiagnosticSeverity.Information, source=SOURCE
    )
