"""Publishing diagnostics: syntax debounced on change, immediate on open, cleared on close.

Complexity hints cost a whole-file query, so they are refreshed on their own, slower timer and the
last result is reused in between; syntax diagnostics never wait for them.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types

from ghostline.engine.diagnostics import Finding, complexity_findings, syntax_findings
from ghostline.engine.document import Document
from ghostline.lsp.documents import OpenDocument
from ghostline.lsp.positions import range_of
from ghostline.lsp.server import GhostlineServer

COMPLEXITY_DELAY_MS = 1000
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
}


def to_lsp(doc: Document, finding: Finding) -> types.Diagnostic:
    """An engine finding as an LSP diagnostic of Ghostline's."""
    return types.Diagnostic(
        range=range_of(doc, finding.start, finding.end),
        message=finding.message,
        severity=SEVERITY[finding.severity],
        source="ghostline",
        code=finding.code,
    )


def schedule(ls: GhostlineServer, uri: str, delay_ms: int | None = None) -> None:
    """Publish the document's diagnostics after the debounce delay (replacing a pending one)."""
    record = ls.documents.get(uri)
    if record is None:
        return
    loop = asyncio.get_running_loop()
    delay = ls.settings.diagnostics.debounce_ms if delay_ms is None else delay_ms
    if record.diagnostics_timer is not None:
        record.diagnostics_timer.cancel()
    record.diagnostics_timer = loop.call_later(max(delay, 0) / 1000, publish, ls, uri)
    if delay_ms is None and ls.settings.complexity.enabled:
        if record.complexity_timer is not None:
            record.complexity_timer.cancel()
        wait = max(delay, COMPLEXITY_DELAY_MS) / 1000
        record.complexity_timer = loop.call_later(wait, _refresh_complexity, ls, record)
    elif delay_ms is not None:
        record.complexity = None  # opened or settings changed: recompute with the next publish


def _refresh_complexity(ls: GhostlineServer, record: OpenDocument) -> None:
    record.complexity_timer = None
    record.complexity = None
    publish(ls, record.doc.uri)


def publish(ls: GhostlineServer, uri: str) -> None:
    """Publish the current diagnostics of one open document, with its version."""
    record = ls.documents.get(uri)
    if record is None:
        return
    record.diagnostics_timer = None
    if record.doc.resting:
        return  # its tree was freed (``lsp/trees.py``): what was published stands until it is used again
    doc, settings = record.doc, ls.settings
    found = syntax_findings(doc, settings.diagnostics.max_problems) if settings.diagnostics.enabled else []
    if settings.complexity.enabled:
        if record.complexity is None:
            record.complexity = complexity_findings(doc, settings.complexity.threshold)
        found += record.complexity
    published = [to_lsp(doc, f) for f in found]
    if settings.diagnostics.ai != "off":
        published += record.ai_findings
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=published, version=doc.version)
    )


def clear(ls: GhostlineServer, uri: str) -> None:
    """Clear the diagnostics of a closed document."""
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
