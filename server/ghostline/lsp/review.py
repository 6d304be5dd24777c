"""``diagnostics.ai = "onSave"``: review changed functions in the background after each save."""

from __future__ import annotations

import asyncio
import logging
import threading

from lsprotocol import types

from ghostline.engine import review
from ghostline.engine.actions.edits import ActionFailed
from ghostline.engine.document import Document
from ghostline.lsp import diagnostics
from ghostline.lsp.documents import OpenDocument, Review
from ghostline.lsp.positions import range_of
from ghostline.lsp.server import GhostlineServer
from ghostline.model.errors import ModelError

log = logging.getLogger("ghostline")
SOURCE = "ghostline-ai"


def on_save(ls: GhostlineServer, record: OpenDocument) -> None:
    """Review the saved document's changed functions when the setting asks for it (a newer save restarts)."""
    if ls.settings.diagnostics.ai != "onSave" or ls.model.backend is None or record.stale:
        return
    if record.review is not None:
        record.review.cancel()
    stop = threading.Event()
    record.review = Review(asyncio.ensure_future(_review(ls, record, stop)), stop)


async def _review(ls: GhostlineServer, record: OpenDocument, stop: threading.Event) -> None:
    """Review each changed function; any completion request (or a newer save) interrupts it."""
    doc, backend = record.doc, ls.model.backend
    if backend is None:
        return
    version, ticket = doc.version, ls.completions.scheduler.newest
    reviewed = record.reviewed

    def interrupted() -> bool:
        return stop.is_set() or ls.completions.scheduler.newest != ticket or doc.version != version

    for definition in review.changed_functions(doc, reviewed):
        try:
            found = await asyncio.to_thread(review.review_function, doc, definition, backend, interrupted)
        except (InterruptedError, ActionFailed, ModelError) as exc:
            log.info("AI review of %s stopped: %s", doc.uri, exc or "interrupted")
            return
        if interrupted():
            return
        first, last = definition.node.start_point[0], definition.node.end_point[0]
        kept = [d for d in record.ai_findings if not first <= d.range.start.line <= last]
        record.ai_findings = kept + [_diagnostic(doc, f) for f in found]
        reviewed.add(review.fingerprint(definition))
        ls.reviewed_functions += 1
        diagnostics.publish(ls, doc.uri)


def _diagnostic(doc: Document, finding: review.Finding) -> types.Diagnostic:
    start, end = review.line_span(doc, finding)
    rng = range_of(doc, start, end)
    return types.Diagnostic(
        rng, finding.message, severity=types.DiagnosticSeverity.Information, source=SOURCE
    )
