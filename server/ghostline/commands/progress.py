"""A tqdm progress bar fed by (done, total, message) callbacks."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from tqdm import tqdm


class ProgressBar:
    """Progress on stderr (bytes unless another ``unit`` is given); the message shows as the description."""

    def __init__(self, label: str, unit: str = "B") -> None:
        self.label = label
        self.unit = unit
        self.bar: tqdm[Any] | None = None

    def __enter__(self) -> ProgressBar:
        scale = self.unit == "B"
        self.bar = tqdm(
            total=0, unit=self.unit, unit_scale=scale, desc=self.label, file=sys.stderr, leave=False
        )
        return self

    def update(self, done: int, total: int, message: str) -> None:
        """Move the bar to ``done`` of ``total``."""
        assert self.bar is not None
        if total and self.bar.total != total:
            self.bar.total = total
        self.bar.set_description(f"{self.label}: {message}", refresh=False)
        self.bar.n = done
        self.bar.refresh()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self.bar is not None
        self.bar.close()
