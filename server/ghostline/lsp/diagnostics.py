"""Publishing syntax diagnostics: debounced on change, immediate on open, cleared on close."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from ghostline.engine.diagnostics import complexity_diagnostics, syntax_diagnostics
from ghostline.lsp.server import GhostlineServer


def schedule(ls: GhostlineServer, uri: str, delay_ms: int | None = None) -> None:
    """Publish the document's diagnostics after the debounce delay (replacing a pending one)."""
    if (pending := ls.diagnostic_timers.pop(uri, None)) is not None:
        pending.cancel()
    delay = ls.settings.diagnostics.debounce_ms if delay_ms is None else delay_ms
    loop = asyncio.get_running_loop()
    ls.diagnostic_timers[uri] = loop.call_later(max(delay, 0) / 1000, publish, ls, uri)


def publish(ls: GhostlineServer, uri: str) -> None:
    """Publish the current syntax diagnostics of one open document, with its version."""
    ls.diagnostic_timers.pop(uri, None)
    doc = ls.documents.get(uri)
    if doc is None:
        return
    settings = ls.settings
    found = syntax_diagnostics(doc, settings.diagnostics.max_problems) if settings.diagnostics.enabled else []
    if settings.complexity.enabled:
        found += complexity_diagnostics(doc, settings.complexity.threshold)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=doc.version)
    )


def clear(ls: GhostlineServer, uri: str) -> None:
    """Cancel pending work for a closed document and clear its diagnostics."""
    if (pending := ls.diagnostic_timers.pop(uri, None)) is not None:
        pending.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
