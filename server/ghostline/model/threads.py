"""How many threads llama.cpp should use now: the cores other programs leave free, adapted to measured speed.

llama.cpp's threads wait for each other at every layer, spinning. When another program takes a core, a
thread that lost its core keeps the others spinning: measured on 2 cores beside one busy program, 2 threads
decoded 6-17 times slower than 1. So the thread count follows the cores that are free, and between two
candidates the faster one measured wins. Only fewer threads than free cores are ever tried (more would spin
against the other program), and a call that decodes far slower than this machine has shown drops a thread at
once, mid-call: a wrong guess costs a few tokens, never a suggestion (a 2-thread try beside a busy loop once
took 20 s to write nothing).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

EXPLORE_EVERY = 12
"""Calls between tries of one thread fewer (speeds change as other programs come and go)."""

SLOW = 3.0
"""A call decoding this many times slower than the best speed known drops a thread."""

CHECK_AFTER = 4
"""Tokens decoded before a call's own speed is judged."""


class CpuMeter:
    """CPU time other processes used since the last reading, in cores (Linux ``/proc``; None elsewhere)."""

    def __init__(self) -> None:
        self._hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._last = self._read()

    def others_busy(self) -> float | None:
        """Cores the rest of the machine kept busy since the previous call."""
        now = self._read()
        last, self._last = self._last, now
        if now is None or last is None or now[0] <= last[0]:
            return None
        seconds = now[0] - last[0]
        others = (now[1] - last[1]) - (now[2] - last[2])
        return max(others / self._hz / seconds, 0.0)

    def _read(self) -> tuple[float, int, int] | None:
        """(time, busy ticks of all CPUs, this process's ticks)."""
        try:
            with open("/proc/stat", encoding="ascii") as f:
                fields = [int(x) for x in f.readline().split()[1:]]
            with open("/proc/self/stat", encoding="ascii") as f:
                own = f.read().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            return None
        busy = sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)  # all but idle and iowait
        return time.monotonic(), busy, int(own[11]) + int(own[12])


@dataclass
class ThreadTuner:
    """Picks the thread count for the next model call and learns from how fast each call decoded."""

    cores: int
    meter: CpuMeter | None = None
    speeds: dict[tuple[int, int], float] = field(default_factory=dict)
    """(free cores as measured, threads) → seconds per generated token (a moving average)."""
    calls: int = 0
    free: int = 0
    """The free cores at the last pick (the condition its speed is filed under)."""

    def pick(self) -> int:
        """Threads for the next call: the free cores, or a neighbour that decoded faster in the same state."""
        busy = self.meter.others_busy() if self.meter is not None else None
        self.free = min(max(int(self.cores - (busy or 0.0) + 0.5), 1), self.cores)
        self.calls += 1
        fewer = self.free - 1
        if self.calls % EXPLORE_EVERY == 0 and fewer >= 1:  # now and then, try one thread fewer
            return fewer
        if (self.free, self.free) not in self.speeds:
            return self.free  # measure the free cores' own count first
        known = {t: speed for (free, t), speed in self.speeds.items() if free == self.free and t <= self.free}
        best = min(known, key=lambda t: known[t])
        return best if known[best] < known[self.free] * 0.9 else self.free

    def crawling(self, threads: int, seconds: float, tokens: int) -> bool:
        """Whether a call with ``threads`` decoding ``tokens`` in ``seconds`` so far should drop a thread.

        True when it runs ``SLOW`` times slower than the best speed ever measured here; the slow speed is
        filed, so the next pick avoids that count too.
        """
        if threads <= 1 or tokens < CHECK_AFTER or not self.speeds:
            return False
        if seconds / tokens < SLOW * min(self.speeds.values()):
            return False
        self.record(threads, seconds, tokens)
        return True

    def record(self, threads: int, seconds: float, tokens: int) -> None:
        """A call with ``threads`` spent ``seconds`` decoding ``tokens`` tokens."""
        if tokens <= 0 or seconds <= 0:
            return
        key, per_token = (self.free, threads), seconds / tokens
        old = self.speeds.get(key)
        self.speeds[key] = per_token if old is None else 0.7 * old + 0.3 * per_token


@dataclass
class CallPace:
    """One call's decoding, judged as it goes: the thread count drops while it crawls."""

    tuner: ThreadTuner
    threads: int
    since: float = field(default_factory=time.perf_counter)
    base: int = 0
    """Tokens generated before the current thread count was set."""

    def tick(self, tokens: int) -> int | None:
        """After ``tokens`` generated in all: a smaller thread count to switch to now, or None."""
        done, seconds = tokens - self.base, time.perf_counter() - self.since
        if done % CHECK_AFTER or not self.tuner.crawling(self.threads, seconds, done):
            return None
        self.threads, self.since, self.base = self.threads - 1, time.perf_counter(), tokens
        return self.threads

    def finish(self, tokens: int) -> None:
        """The call ended: its speed since the last switch is filed."""
        self.tuner.record(self.threads, time.perf_counter() - self.since, tokens - self.base)
