"""A generation in flight: where it was asked for, and whether a later request may wait for it.

Once the model is generating, a request at the same place, or a few characters further along the same line
(the user typed ahead), waits for the same generation instead of starting another: on a slow machine every
keystroke would otherwise restart the model and nothing would ever be shown.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field

from ghostline.engine.completion.context import CompletionContext
from ghostline.engine.completion.finalize import finalize
from ghostline.engine.completion.generate import Suggestion
from ghostline.engine.completion.prompt import unheal

MAX_DEBOUNCE_MS = 1000
MAX_TYPED_AHEAD = 64
"""Characters typed past a generation's place that still wait for it."""
_AFTER = 200


@dataclass
class Flight:
    """One generation: its place (the text before and after the cursor), its task and its stop flag."""

    uri: str
    before: str
    after: str
    version: int
    offset: int
    task: asyncio.Future[Suggestion | None]
    language: str | None = None
    ctx: CompletionContext | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.perf_counter)
    generating: bool = False
    """Past its debounce: the model is working on it."""
    cut: bool = False
    """A request gave up waiting for it (the budget ran out); the client is told when it lands."""
    ahead: tuple[int, int] | None = None
    """(version, offset) of the newest request further on (typed since) that gave up waiting for it: the
    client is told there when it lands, even empty (it asks again from where the user is)."""
    text: str = ""
    """What the model has written so far (set from the model's thread)."""
    waiters: int = 0
    """Requests waiting for it now."""

    def stop_unless_waited(self) -> None:
        """Stop the generation when no request waits for it (one that did was cancelled).

        A generation a request was cut from goes on all the same: the client was promised a
        ``suggestionReady`` and may be holding a request open for it; only a request elsewhere stops it.
        """
        if self.waiters == 0 and not self.cut and not self.task.done():
            self.stop.set()

    def written(self, text: str) -> None:
        """The model's text so far (called from its thread as the generation streams)."""
        self.text = text

    def lines_so_far(self) -> Suggestion | None:
        """The whole lines written so far when they are safe to insert on their own (a ``cut`` answer)."""
        ctx, text = self.ctx, self.text
        if ctx is None or ctx.mode != "multi" or "\n" not in text:
            return None
        lines = unheal(ctx.line_before, text[: text.rfind("\n")])
        line_after = ctx.suffix.split("\n", 1)[0]
        safe = finalize(ctx.language, ctx.text, ctx.offset, lines, line_after, ctx.errors, last_resort=False)
        return Suggestion(safe, self.offset, cut=True) if safe else None

    def covers(self, uri: str, before: str, after: str) -> str | None:
        """What was typed since this flight's place when a request there may wait for it, else None."""
        if not self.generating or self.task.done() or self.stop.is_set() or uri != self.uri:
            return None
        if not before.startswith(self.before) or after[:_AFTER] != self.after[:_AFTER]:
            return None
        typed = before[len(self.before) :]
        return typed if len(typed) <= MAX_TYPED_AHEAD else None


@dataclass
class Pace:
    """The user's typing pace: a moving average of the gaps between requests under a second apart."""

    gap_ms: float = 0.0
    last: tuple[str, float] = ("", 0.0)

    def keystroke(self, uri: str, at: float) -> None:
        """A request came at ``at`` (seconds) for ``uri``."""
        gap = (at - self.last[1]) * 1000
        if uri == self.last[0] and 0 < gap < MAX_DEBOUNCE_MS:
            self.gap_ms = gap if not self.gap_ms else 0.7 * self.gap_ms + 0.3 * gap
        self.last = (uri, at)

    def debounce_ms(self, floor: int) -> int:
        """Wait a little longer than the usual gap between keystrokes, within ``floor`` and a second."""
        return int(min(max(self.gap_ms * 1.2, floor), MAX_DEBOUNCE_MS))


def typed_through(result: Suggestion, typed: str) -> Suggestion | None:
    """``result`` seen from ``typed`` characters further on (None when the user typed something else)."""
    if not typed:
        return result
    if not result.text.startswith(typed) or len(result.text) == len(typed):
        return None
    return Suggestion(result.text[len(typed) :], result.offset + len(typed), result.model, cached=True)
