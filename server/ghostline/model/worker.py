"""One thread that owns a model: every call into it runs there, one at a time, in order."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from ghostline.model.errors import ModelError

T = TypeVar("T")
Job = tuple[Callable[[], None], Callable[[BaseException], None]]


class ModelWorker:
    """Runs jobs on its own thread; once closed, jobs fail at once with ``model/closed``."""

    def __init__(self, name: str = "ghostline-model") -> None:
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self.closed = False
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        """Whether the thread still runs."""
        return self._thread.is_alive()

    def submit(self, run: Callable[[], None], fail: Callable[[BaseException], None]) -> None:
        """Queue a job; once closed, fail it at once instead."""
        if self.closed:
            fail(ModelError("the model was unloaded", "model/closed"))
            return
        self._jobs.put((run, fail))
        if self.closed:
            self._fail_pending()

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the thread and wait for its result (or its exception)."""
        future: Future[T] = Future()

        def job() -> None:
            try:
                future.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                future.set_exception(exc)

        self.submit(job, future.set_exception)
        return future.result()

    def close(self) -> None:
        """Stop taking jobs and end the thread; jobs still queued fail."""
        self.closed = True
        self._jobs.put(None)
        self._thread.join(timeout=10)
        self._fail_pending()

    def _loop(self) -> None:
        while (item := self._jobs.get()) is not None:
            item[0]()
        self._fail_pending()

    def _fail_pending(self) -> None:
        while True:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                item[1](ModelError("the model was unloaded", "model/closed"))
