"""Publishing diagnostics: syntax debounced on change, immediate on open, cleared on close.

Complexity hints cost a whole-file query, so they are refreshed on their own, slower timer and the
last result is reused in between; syntax diagnostics never wait for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from lsprotocol import types

from ghostline.engine.diagnostics import complexity_diagnostics, syntax_diagnostics
from ghostline.lsp.server import GhostlineServer

COMPLEXITY_DELAY_MS = 1000


def schedule(ls: GhostlineServer, uri: str, delay_ms: int | None = None) -> None:
    """Publish the document's diagnostics after the debounce delay (replacing a pending one)."""
    delay = ls.settings.diagnostics.debounce_ms if delay_ms is None else delay_ms
    _later(ls, uri, delay, publish)
    if delay_ms is None and ls.settings.complexity.enabled:
        _later(ls, uri + "#complexity", max(delay, COMPLEXITY_DELAY_MS), _refresh_complexity)
    elif delay_ms is not None:
        ls.complexity.pop(uri, None)  # opened or settings changed: recompute with the next publish


def _later(
    ls: GhostlineServer, key: str, delay_ms: int, action: Callable[[GhostlineServer, str], None]
) -> None:
    if (pending := ls.diagnostic_timers.pop(key, None)) is not None:
        pending.cancel()
    uri = key.split("#", 1)[0]
    ls.diagnostic_timers[key] = asyncio.get_running_loop().call_later(
        max(delay_ms, 0) / 1000,
        action,
        ls,
        uri,
    )


def _refresh_complexity(ls: GhostlineServer, uri: str) -> None:
    ls.diagnostic_timers.pop(uri + "#complexity", None)
    ls.complexity.pop(uri, None)
    publish(ls, uri)


def publish(ls: GhostlineServer, uri: str) -> None:
    """Publish the current diagnostics of one open document, with its version."""
    ls.diagnostic_timers.pop(uri, None)
    doc = ls.documents.get(uri)
    if doc is None:
        return
    settings = ls.settings
    found = syntax_diagnostics(doc, settings.diagnostics.max_problems) if settings.diagnostics.enabled else []
    if settings.complexity.enabled:
        if uri not in ls.complexity:
            ls.complexity[uri] = complexity_diagnostics(doc, settings.complexity.threshold)
        found += ls.complexity[uri]
    if settings.diagnostics.ai != "off":
        found += ls.ai_findings.get(uri, [])
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=doc.version)
    )


def clear(ls: GhostlineServer, uri: str) -> None:
    """Cancel pending work for a closed document and clear its diagnostics."""
    for key in (uri, uri + "#complexity"):
        if (pending := ls.diagnostic_timers.pop(key, None)) is not None:
            pending.cancel()
    ls.complexity.pop(uri, None)
    ls.ai_findings.pop(uri, None)
    ls.reviewed.pop(uri, None)
    if (running := ls.reviews.pop(uri, None)) is not None:
        running[1].set()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
