"""How late the event loop runs: a timer due every 10 ms records its delay (``serve --loop-lag``, benchmarks).

The delay is what a request arriving at that moment would have waited before its handler could run.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

INTERVAL_S = 0.01


class LoopLag:
    """The last 10,000 delays of a periodic timer, in milliseconds."""

    def __init__(self) -> None:
        self.delays: deque[float] = deque(maxlen=10_000)
        self._timer: asyncio.TimerHandle | None = None

    def start(self) -> None:
        """Begin measuring on the running loop."""
        loop = asyncio.get_running_loop()
        self._timer = loop.call_at(loop.time() + INTERVAL_S, self._tick, loop.time() + INTERVAL_S)

    def _tick(self, due: float) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        self.delays.append((now - due) * 1000)
        self._timer = loop.call_at(now + INTERVAL_S, self._tick, now + INTERVAL_S)

    def figures(self) -> dict[str, Any]:
        """Count, p50, p95 and max of the delays so far (and start again)."""
        ordered = sorted(self.delays)
        self.delays.clear()
        if not ordered:
            return {"samples": 0}

        def pick(q: float) -> float:
            return round(ordered[min(int(q * len(ordered)), len(ordered) - 1)], 1)

        return {
            "samples": len(ordered),
            "p50_ms": pick(0.5),
            "p95_ms": pick(0.95),
            "max_ms": round(ordered[-1], 1),
        }

    def stop(self) -> None:
        """Stop measuring."""
        if self._timer is not None:
            self._timer.cancel()
