"""The index's queue of changed files: each file once with its latest state, in order, and bounded."""

from __future__ import annotations

import threading
from pathlib import Path

from ghostline.engine.workspace.pending import Added, Pending


def drained(pending: Pending) -> list[tuple[Path, bool]]:
    out = []
    while (item := pending.take()) is not None:
        out.append(item)
    return out


def test_a_file_told_again_and_again_waits_once_with_its_latest_state() -> None:
    pending = Pending(10)
    a, b = Path("/w/a.py"), Path("/w/b.py")
    assert pending.add(a, False) is Added.START  # nobody reads yet: the caller starts a reader
    assert pending.add(b, False) is Added.QUEUED
    for _ in range(1000):
        assert pending.add(a, False) is Added.QUEUED
    assert pending.add(b, True) is Added.QUEUED
    assert len(pending) == 2
    assert drained(pending) == [(a, False), (b, True)]  # the order first told, the latest state
    assert pending.add(a, False) is Added.START  # the reader stopped when it found none: start another


def test_too_many_at_once_drops_them_all_for_a_rescan() -> None:
    pending = Pending(3)
    for i in range(3):
        pending.add(Path(f"/w/{i}.py"), False)
    assert pending.add(Path("/w/0.py"), True) is Added.QUEUED  # already waiting: no growth
    assert pending.add(Path("/w/new.py"), False) is Added.OVERFLOW
    assert len(pending) == 0 and drained(pending) == []


def test_one_reader_at_a_time_however_many_threads_tell() -> None:
    pending, starts = Pending(100_000), []

    def tell(k: int) -> None:
        for i in range(2000):
            if pending.add(Path(f"/w/{k}/{i % 500}.py"), False) is Added.START:
                starts.append(k)

    threads = [threading.Thread(target=tell, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(starts) == 1 and len(drained(pending)) == 4 * 500
