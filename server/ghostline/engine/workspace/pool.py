"""Reading many files' definitions: in a child process for big scans (tree-sitter holds the GIL to parse)."""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from ghostline.engine.workspace.entry import Entry
from ghostline.engine.workspace.extract import extract
from ghostline.engine.workspace.limits import IndexLimits
from ghostline.engine.workspace.walk import language_of, read_source

log = logging.getLogger("ghostline")
BATCH = 64
"""Files per job sent to the child process."""
Found = tuple[str, tuple[Entry, ...] | None]
"""A file and its definitions (None: unreadable, binary, huge or minified)."""


def entries_of(path: str, text: str, limits: IndexLimits) -> tuple[Entry, ...]:
    """The definitions of one source (none when it cannot be parsed: one odd file never ends a scan)."""
    try:
        return tuple(extract(path, language_of(path) or "", text, limits.max_entries_per_file))
    except Exception:  # a grammar or query failure on one odd file
        log.warning("workspace index: could not read the definitions of %s", path, exc_info=True)
        return ()


def read_files(paths: list[str], limits: IndexLimits) -> list[Found]:
    """Read and extract each file in turn (what the child process runs)."""
    out: list[Found] = []
    for path in paths:
        text = read_source(path, limits)
        out.append((path, entries_of(path, text, limits) if text is not None else None))
    return out


def extracted(
    paths: list[str], limits: IndexLimits, stop: Callable[[], bool], child: bool
) -> Iterator[Found]:
    """Each file's definitions in order: read here, or by a child process (``child``; here if it fails)."""
    done = 0
    if child:
        try:
            for found in _in_child(paths, limits, stop):
                done += 1
                yield found
            return
        except Exception as exc:  # noqa: BLE001 - no child process here (sandbox, no semaphores): read here
            log.warning("workspace index: reading in this process (no child process: %s)", exc)
    for path in paths[done:]:
        if stop():
            return
        yield from read_files([path], limits)


def _in_child(paths: list[str], limits: IndexLimits, stop: Callable[[], bool]) -> Iterator[Found]:
    batches = deque(paths[i : i + BATCH] for i in range(0, len(paths), BATCH))
    context = multiprocessing.get_context("spawn")  # forking a threaded server is unsafe
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        pending: deque[Future[list[Found]]] = deque()
        try:
            while batches or pending:
                while batches and len(pending) < 2:  # one job runs while the next waits
                    pending.append(pool.submit(read_files, batches.popleft(), limits))
                yield from pending.popleft().result()
                if stop():
                    return
        finally:
            for job in pending:
                job.cancel()
