"""Latest-wins scheduling per document: debounce, supersede, cancel within one token."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Scheduler:
    """Runs at most one model job per document; a newer request stops the older one."""

    def __init__(self) -> None:
        self._tickets = itertools.count(1)
        self._newest = 0
        self._latest: dict[str, int] = {}
        self._stops: dict[str, threading.Event] = {}
        self.superseded = 0
        self.cancelled = 0
        self.running = 0
        """Jobs whose thread is working now (one cancelled goes on until its next token)."""
        self._count = threading.Lock()

    def is_latest(self, key: str, ticket: int) -> bool:
        """Whether ``ticket`` is still the newest request for ``key``."""
        return self._latest.get(key) == ticket

    @property
    def newest(self) -> int:
        """The last ticket handed out, for any document (background work yields to any newer request)."""
        return self._newest

    def take_ticket(self, key: str, stop: bool = True) -> int:
        """Register a new request for ``key``; its running job is told to stop (unless ``stop`` is False)."""
        ticket = self._newest = next(self._tickets)
        self._latest[key] = ticket
        if stop and (running := self._stops.get(key)) is not None:
            running.set()
        return ticket

    async def run(
        self,
        key: str,
        ticket: int,
        debounce_ms: int,
        job: Callable[[Callable[[], bool]], T],
        superseded: bool = True,
    ) -> T | None:
        """Debounce, then run ``job(should_stop)`` in a thread; None when a newer request came.

        With ``superseded=False`` a job that ran to its end keeps its result even if newer requests came
        meanwhile (they may be waiting for it).
        """
        if debounce_ms > 0:
            await asyncio.sleep(debounce_ms / 1000)
        if not self.is_latest(key, ticket):
            self.superseded += 1
            return None
        stop = threading.Event()
        self._stops[key] = stop
        try:
            result = await asyncio.to_thread(self._counted, job, stop.is_set)
        except asyncio.CancelledError:
            stop.set()
            self.cancelled += 1
            raise
        finally:
            if self._stops.get(key) is stop:
                del self._stops[key]
        if superseded and not self.is_latest(key, ticket):
            self.superseded += 1
            return None
        return result

    def _counted(self, job: Callable[[Callable[[], bool]], T], should_stop: Callable[[], bool]) -> T:
        """Run ``job`` (in its thread), counted in ``running`` while it works."""
        with self._count:
            self.running += 1
        try:
            return job(should_stop)
        finally:
            with self._count:
                self.running -= 1

    def forget(self, key: str) -> None:
        """Drop what is kept for ``key`` (its running job, if any, is told to stop)."""
        self._latest.pop(key, None)
        if (running := self._stops.pop(key, None)) is not None:
            running.set()

    def stop_all(self) -> None:
        """Tell every running job to stop."""
        for stop in self._stops.values():
            stop.set()
