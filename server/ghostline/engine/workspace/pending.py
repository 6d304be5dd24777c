"""Files waiting for the index's update thread: each once, with its latest state, and never too many."""

from __future__ import annotations

import threading
from enum import Enum
from pathlib import Path


class Added(Enum):
    """What ``Pending.add`` asks of its caller."""

    QUEUED = "queued"
    """Waiting behind others: the running reader takes it."""
    START = "start"
    """Nobody reads the queue: start a reader (``take`` until it returns None)."""
    OVERFLOW = "overflow"
    """Too many were waiting: all were dropped; rescan everything instead."""


class Pending:
    """Changed (or deleted) files in the order first told, the latest state of each; at most ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._files: dict[Path, bool] = {}
        self._lock = threading.Lock()
        self._reading = False

    def add(self, path: Path, removed: bool) -> Added:
        """``path`` changed (``removed``: was deleted); what the caller should do about it."""
        with self._lock:
            if len(self._files) >= self.limit and path not in self._files:
                self._files.clear()
                return Added.OVERFLOW
            self._files[path] = removed
            if self._reading:
                return Added.QUEUED
            self._reading = True
            return Added.START

    def take(self) -> tuple[Path, bool] | None:
        """The file waiting longest and whether it was deleted; None when none waits (the reader stops)."""
        with self._lock:
            if not self._files:
                self._reading = False
                return None
            path = next(iter(self._files))
            return path, self._files.pop(path)

    def __len__(self) -> int:
        with self._lock:
            return len(self._files)
