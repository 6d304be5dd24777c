"""The completion service: cache first, then the model through the latest-wins scheduler."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ghostline.config import CompletionSettings
from ghostline.engine.completion.cache import SuggestionCache
from ghostline.engine.completion.context import CompletionContext, ContextBuilder
from ghostline.engine.completion.flight import Flight, Pace, typed_through
from ghostline.engine.completion.generate import Suggestion, generate, prompt_for
from ghostline.engine.completion.scheduler import Scheduler
from ghostline.engine.document import Document
from ghostline.model.backend import Backend
from ghostline.model.errors import ModelError

log = logging.getLogger("ghostline")


@dataclass
class Counters:
    """What the service did since it started (for tests, ``ghostline/stats`` and benchmarks)."""

    requests: int = 0
    cache_hits: int = 0
    model_calls: int = 0
    superseded: int = 0
    skipped: int = 0
    """Requests where no suggestion belongs (the cursor sits before existing code on its line)."""
    empty: int = 0
    warmups: int = 0
    prefetches: int = 0
    cut: int = 0
    """Requests answered empty because the budget ran out while the model was still working."""
    background_ready: int = 0
    """Of those, generations that went on and landed with a suggestion (the client was told)."""
    last_evaluated_tokens: int = 0
    last_prompt_tokens: int = 0
    last_generated_tokens: int = 0
    last_engine_ms: float = 0.0
    """The last model call as the engine timed it (context to checked suggestion)."""
    last_model_ms: float = 0.0
    """The last model call as the backend timed it (prompt evaluation and decoding)."""
    last_prompt: str = ""
    partial: int = 0
    """Requests whose budget ran out after whole lines were written: those lines were shown."""
    last_threads: int = 0
    """CPU threads the last model call used (they follow the cores other programs leave free)."""


ADOPT_S = 0.3
"""How long a cancelled request's generation waits for another request to take it up."""


class CompletionService:
    """Owns the context builder, the cache and the scheduler for one server."""

    def __init__(self) -> None:
        self.builder = ContextBuilder()
        self.cache = SuggestionCache()
        self.scheduler = Scheduler()
        self.counters = Counters()
        self._background: set[asyncio.Future[Any]] = set()
        self.pace = Pace()
        """How fast the user types (the adaptive debounce follows it)."""
        self._flight: Flight | None = None
        """The last generation started (the model runs one at a time)."""
        self.on_ready: Callable[[str, int, int], None] = lambda uri, version, offset: None
        """Told (uri, version, offset) when a suggestion whose request gave up waiting is ready."""

    async def complete(
        self,
        doc: Document,
        offset: int,
        backend: Backend,
        settings: CompletionSettings,
        others: list[Document],
    ) -> Suggestion | None:
        """A suggestion at string index ``offset``; None when a newer request replaced this one.

        When the budget runs out the answer is empty (``cut``) and the generation goes on; once it lands,
        ``on_ready`` tells the client and the next request at that place is answered from the cache.
        """
        self.counters.requests += 1
        started = time.perf_counter()
        self.pace.keystroke(doc.uri, started)
        before, after = doc.text[:offset], doc.text[offset:]
        flight = self._flight if self._flight is not None and not self._flight.task.done() else None
        typed = flight.covers(doc.uri, before, after) if flight is not None else None
        ticket = self.scheduler.take_ticket(doc.uri, stop=typed is None)
        if flight is not None and typed is None:
            flight.stop.set()  # a request at another place needs the model
        if (hit := self.cache.lookup(doc.uri, before, after)) is not None:
            self.counters.cache_hits += 1
            return Suggestion(hit, offset, backend.facts.name, cached=True)
        budget = started + settings.max_latency_ms / 1000
        if flight is not None and typed is not None:
            here = (doc.version, offset) if typed else None
            waited = await self._wait(flight, budget, ticket, doc.uri, here)
            if waited is None or (waited.cut and not waited.text):
                return waited  # superseded, or the budget ran out (the generation goes on)
            if not waited.text and not flight.stop.is_set() and not typed:
                return waited  # the model had nothing to say here
            if (seen := typed_through(waited, typed)) is not None:
                return seen
            if waited.cut:  # whole lines written so far, but the user typed something else
                return Suggestion("", offset, backend.facts.name, cut=True)
            # typed something else, or the generation was stopped under us: this place gets its own
        ctx = self.builder.build(doc, offset, settings, others)
        if ctx.mode == "none":
            self.counters.skipped += 1
            return Suggestion("", offset, backend.facts.name)
        flight = self._launch(doc, offset, ctx, backend, settings, others, ticket)
        return await self._wait(flight, budget, ticket, doc.uri)

    def _launch(
        self,
        doc: Document,
        offset: int,
        ctx: CompletionContext,
        backend: Backend,
        settings: CompletionSettings,
        others: list[Document],
        ticket: int,
    ) -> Flight:
        """Start a generation for ``ctx``: after the debounce, in the model's thread, until it lands."""
        text = doc.text
        flight = Flight(
            doc.uri, text[:offset], text[offset:], doc.version, offset, asyncio.Future(), doc.language, ctx
        )
        limit = (settings.max_latency_ms + settings.background_ms) / 1000

        def job(should_stop: Callable[[], bool]) -> Suggestion:
            flight.generating = True
            stop = lambda: should_stop() or flight.stop.is_set()  # noqa: E731
            return generate(backend, ctx, settings, stop, flight.started + limit, on_text=flight.written)

        async def fly() -> Suggestion | None:
            debounce = (
                self.pace.debounce_ms(settings.debounce_ms)
                if settings.adaptive_debounce
                else settings.debounce_ms
            )
            result = await self.scheduler.run(doc.uri, ticket, debounce, job, superseded=False)
            if result is None:
                log.debug("flight at %d dropped after a %d ms debounce: a newer request", offset, debounce)
            if result is not None:
                self._land(flight, result, backend, settings, others, ticket)
            return result

        flight.task = asyncio.ensure_future(fly())
        self._flight = flight
        return flight

    async def _wait(
        self, flight: Flight, budget: float, ticket: int, uri: str, ahead: tuple[int, int] | None = None
    ) -> Suggestion | None:
        """The flight's result within the budget; an empty ``cut`` answer when it runs out first.

        ``ahead``: (version, offset) of a request further on than the flight's place (the user typed since).

        A request the client cancels stops the generation unless another request takes it up within
        ``ADOPT_S`` (editors cancel the previous request on each keystroke, then ask again further on).
        """
        flight.waiters += 1
        try:
            done, _ = await asyncio.wait({flight.task}, timeout=max(budget - time.perf_counter(), 0))
        except asyncio.CancelledError:
            self.scheduler.cancelled += 1
            asyncio.get_running_loop().call_later(ADOPT_S, self._abandon, flight, uri, ticket)
            raise
        finally:
            flight.waiters -= 1
        if not self.scheduler.is_latest(uri, ticket):
            self.counters.superseded += 1
            return None  # the client has moved on
        if not done:
            flight.cut = True
            flight.ahead = ahead or flight.ahead  # the client is told there, the newest place waiting
            if (partial := flight.lines_so_far()) is not None:
                self.counters.partial += 1
                return partial  # whole lines already written and safe: shown now, the rest when it lands
            self.counters.cut += 1
            return Suggestion("", flight.offset, cut=True)
        result = flight.task.result()
        if result is None:
            self.counters.superseded += 1
        return result

    def _abandon(self, flight: Flight, uri: str, ticket: int) -> None:
        """A cancelled request's generation stops unless a newer request came (it waited or stopped it)."""
        if self.scheduler.is_latest(uri, ticket):
            flight.stop_unless_waited()

    def _land(
        self,
        flight: Flight,
        result: Suggestion,
        backend: Backend,
        settings: CompletionSettings,
        others: list[Document],
        ticket: int,
    ) -> None:
        """A generation finished: count it, cache it, prefetch what follows, tell the client if it waited."""
        self.counters.model_calls += 1
        self.counters.last_evaluated_tokens = result.stats.evaluated_tokens
        self.counters.last_prompt_tokens = result.stats.prompt_tokens
        self.counters.last_generated_tokens = result.stats.generated_tokens
        self.counters.last_engine_ms = result.latency_ms
        self.counters.last_model_ms = result.stats.total_ms
        self.counters.last_prompt = result.prompt
        self.counters.last_threads = result.stats.threads
        log.debug(
            "landed at %s:%d (%s): %d chars, cut=%s, stopped by %s, %.0f ms, %d threads",
            flight.uri.rsplit("/", 1)[-1],
            flight.offset,
            "stopped" if flight.stop.is_set() else "ran",
            len(result.text),
            flight.cut,
            result.stats.stopped_by,
            result.latency_ms,
            result.stats.threads,
        )
        if not result.text:
            self.counters.empty += 1
            if flight.cut and flight.ahead:  # nothing here, but a request further on was promised an answer:
                self.on_ready(flight.uri, *flight.ahead)  # the client asks again from there
            return
        self.cache.remember(flight.uri, flight.before, flight.after, result.text)
        if flight.cut:
            self.counters.background_ready += 1
            self.on_ready(flight.uri, *(flight.ahead or (flight.version, flight.offset)))
        if settings.prefetch:
            self._spawn(self._prefetch(flight, result.text, backend, settings, others, ticket))

    def warm(
        self,
        doc: Document,
        offset: int,
        backend: Backend,
        settings: CompletionSettings,
        others: list[Document],
    ) -> None:
        """Evaluate the prompt for ``offset`` in the background; any newer request (any document) stops it.

        Only while the model is idle: a suggestion in flight (maybe promised to the client) goes on.
        """
        if not settings.warmup or (self._flight is not None and not self._flight.task.done()):
            return
        ticket = self.scheduler.take_ticket(doc.uri)
        ctx = self.builder.build(doc, offset, settings, others)
        prompt = prompt_for(backend, ctx)

        def job(should_stop: Callable[[], bool]) -> None:
            try:
                backend.warm(prompt, lambda: should_stop() or self.scheduler.newest != ticket)
            except ModelError as exc:  # unloaded meanwhile (shutdown, model change)
                log.info("warm-up skipped: %s", exc)

        self.counters.warmups += 1
        self._spawn(self.scheduler.run(doc.uri, ticket, 150, job))

    async def _prefetch(
        self,
        flight: Flight,
        shown: str,
        backend: Backend,
        settings: CompletionSettings,
        others: list[Document],
        ticket: int,
    ) -> None:
        """Compute the suggestion that follows ``shown`` once accepted, and keep it in the cache."""
        await asyncio.sleep(0.05)
        if not self.scheduler.is_latest(flight.uri, ticket):
            return
        before, after = flight.before, flight.after
        future = Document(flight.uri, before + shown + after, flight.version, flight.language)
        ctx = self.builder.build(future, len(before) + len(shown), settings, others)
        deadline = time.perf_counter() + settings.max_latency_ms / 1000

        def stale() -> bool:  # any newer request, for any document, wins over a guess
            return self.scheduler.newest != ticket

        try:
            result = await asyncio.to_thread(generate, backend, ctx, settings, stale, deadline)
        except ModelError:  # unloaded meanwhile
            return
        if result.text and not stale():
            self.counters.prefetches += 1
            self.cache.put(before + shown, after, result.text)

    def forget(self, doc: Document) -> None:
        """A document closed: drop everything kept for it (its text stays a recent cross-file source)."""
        self.builder.forget(doc)
        self.cache.forget(doc.uri)
        self.scheduler.forget(doc.uri)

    def _spawn(self, coro: Awaitable[object]) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
