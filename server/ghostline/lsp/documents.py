"""One record per open document: its text and tree, and everything the server keeps for it meanwhile."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from lsprotocol import types

from ghostline.engine.diagnostics import Finding
from ghostline.engine.document import Document


@dataclass
class Review:
    """An AI review running in the background, and its stop flag."""

    task: asyncio.Future[None]
    stop: threading.Event

    def cancel(self) -> None:
        """Stop it (the model call stops within a token)."""
        self.stop.set()
        self.task.cancel()


@dataclass
class OpenDocument:
    """An open document and its pending timers, cached findings and AI review state."""

    doc: Document
    diagnostics_timer: asyncio.TimerHandle | None = None
    complexity_timer: asyncio.TimerHandle | None = None
    complexity: list[Finding] | None = None
    """Last complexity hints (None: compute them with the next publish); refreshed on a slower timer."""
    ai_findings: list[types.Diagnostic] = field(default_factory=list)
    reviewed: set[str] = field(default_factory=set)
    """Fingerprints of the functions the AI review has read."""
    review: Review | None = None
    parse_task: asyncio.Future[None] | None = None
    """A background parse of a large document."""
    stale: bool = False
    """A change could not be applied: the text is not the editor's until a full sync, a save or a reopen."""

    def close(self) -> None:
        """Cancel everything pending for the document (it was closed, or the server shuts down)."""
        for timer in (self.diagnostics_timer, self.complexity_timer):
            if timer is not None:
                timer.cancel()
        self.diagnostics_timer = self.complexity_timer = None
        if self.review is not None:
            self.review.cancel()
            self.review = None
