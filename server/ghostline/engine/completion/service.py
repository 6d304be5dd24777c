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
from ghostline.engine.completion.context import ContextBuilder
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
    last_evaluated_tokens: int = 0
    last_prompt_tokens: int = 0
    last_generated_tokens: int = 0
    last_engine_ms: float = 0.0
    """The last model call as the engine timed it (context to checked suggestion)."""
    last_model_ms: float = 0.0
    """The last model call as the backend timed it (prompt evaluation and decoding)."""
    last_prompt: str = ""


class CompletionService:
    """Owns the context builder, the cache and the scheduler for one server."""

    def __init__(self) -> None:
        self.builder = ContextBuilder()
        self.cache = SuggestionCache()
        self.scheduler = Scheduler()
        self.counters = Counters()
        self._background: set[asyncio.Future[Any]] = set()

    async def complete(
        self,
        doc: Document,
        offset: int,
        backend: Backend,
        settings: CompletionSettings,
        others: list[Document],
    ) -> Suggestion | None:
        """A suggestion at string index ``offset``; None when a newer request replaced this one."""
        self.counters.requests += 1
        text, version = doc.text, doc.version
        before, after = text[:offset], text[offset:]
        ticket = self.scheduler.take_ticket(doc.uri)
        if (hit := self.cache.lookup(doc.uri, before, after)) is not None:
            self.counters.cache_hits += 1
            return Suggestion(hit, offset, backend.facts.name, cached=True)
        ctx = self.builder.build(doc, offset, settings, others)
        if ctx.mode == "none":
            self.counters.skipped += 1
            return Suggestion("", offset, backend.facts.name)
        deadline = time.perf_counter() + settings.max_latency_ms / 1000

        def job(should_stop: Callable[[], bool]) -> Suggestion:
            return generate(backend, ctx, settings, should_stop, deadline)

        result = await self.scheduler.run(doc.uri, ticket, settings.debounce_ms, job)
        if result is None or doc.version != version:
            self.counters.superseded += 1
            return None
        self.counters.model_calls += 1
        self.counters.last_evaluated_tokens = result.stats.evaluated_tokens
        self.counters.last_prompt_tokens = result.stats.prompt_tokens
        self.counters.last_generated_tokens = result.stats.generated_tokens
        self.counters.last_engine_ms = result.latency_ms
        self.counters.last_model_ms = result.stats.total_ms
        self.counters.last_prompt = result.prompt
        if not result.text:
            self.counters.empty += 1
            return result
        self.cache.remember(doc.uri, before, after, result.text)
        if settings.prefetch:
            self._spawn(self._prefetch(doc, before, after, result.text, backend, settings, others, ticket))
        return result

    def warm(
        self,
        doc: Document,
        offset: int,
        backend: Backend,
        settings: CompletionSettings,
        others: list[Document],
    ) -> None:
        """Evaluate the prompt for ``offset`` in the background; any newer request (any document) stops it."""
        if not settings.warmup:
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
        doc: Document,
        before: str,
        after: str,
        shown: str,
        backend: Backend,
        settings: CompletionSettings,
        others: list[Document],
        ticket: int,
    ) -> None:
        """Compute the suggestion that follows ``shown`` once accepted, and keep it in the cache."""
        await asyncio.sleep(0.05)
        if not self.scheduler.is_latest(doc.uri, ticket):
            return
        future = Document(doc.uri, before + shown + after, doc.version, doc.language, doc.encoding)
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
