"""The stay-silent gate: a tiny logistic regression that rates a suggestion's chance to be accepted.

It is trained on this machine only, from cheap facts known when the suggestion is ready (never its text):
how sure the model was, where the cursor is, how long the suggestion is, whether it repeats what follows.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

NAMES = (
    "mean_logprob",
    "min_logprob",
    "first_logprob",
    "sum_logprob",
    "no_logprob",
    "log_tokens",
    "log_chars",
    "lines",
    "truncated",
    "at_line_end",
    "blank_before",
    "after_word",
    "after_dot",
    "after_open",
    "after_operator",
    "column",
    "depth",
    "repeats_suffix",
    "recent_rate",
    "pause",
    "python",
    "javascript",
)
"""The features, in order (all numbers; see ``Facts.vector``)."""

_OPERATORS = "=+-*/%<>!&|^~:"


@dataclass(frozen=True)
class Facts:
    """What is known about a suggestion when it is ready: numbers and flags, no text of any kind."""

    confidence: tuple[float, float, float, int] | None
    """(mean, least, first log-probability, tokens) of the tokens shown (None: the backend gives none)."""
    chars: int
    lines: int
    truncated: bool
    before: str
    """The class of the last character before the cursor: ``blank``, ``word``, ``dot``, ``open``, ``op``,
    ``other``."""
    column: int
    indent: int
    rest_of_line_blank: bool
    repeats_suffix: bool
    recent_rate: float
    pause_s: float
    language: str

    def vector(self) -> list[float]:
        """The features in ``NAMES`` order."""
        mean, least, first, tokens = self.confidence or (0.0, 0.0, 0.0, 0)
        return [
            max(mean, -10.0),
            max(least, -20.0),
            max(first, -20.0),
            max(mean * tokens, -40.0),  # the log-probability of the whole suggestion
            float(self.confidence is None),
            math.log1p(tokens),
            math.log1p(self.chars),
            float(min(self.lines, 10)),
            float(self.truncated),
            float(self.rest_of_line_blank),
            float(self.before == "blank"),
            float(self.before == "word"),
            float(self.before == "dot"),
            float(self.before == "open"),
            float(self.before == "op"),
            min(self.column, 120) / 40,
            min(self.indent, 40) / 4,
            float(self.repeats_suffix),
            self.recent_rate,
            math.log1p(min(self.pause_s, 60.0)),
            float(self.language == "python"),
            float(self.language in ("javascript", "typescript", "tsx")),
        ]


def char_class(line_before: str) -> str:
    """The class of the character before the cursor: blank (none), word, dot, open, op or other."""
    last = line_before.rstrip()[-1:]
    if not last:
        return "blank"
    if last.isalnum() or last == "_":
        return "word"
    if last == ".":
        return "dot"
    if last in "([{,":
        return "open"
    return "op" if last in _OPERATORS else "other"


def facts_of(
    text: str,
    line_before: str,
    suffix: str,
    confidence: tuple[float, float, float, int] | None,
    truncated: bool,
    language: str,
    recent_rate: float,
    pause_s: float,
) -> Facts:
    """The facts of suggestion ``text`` at a cursor with ``line_before`` before it and ``suffix`` after it."""
    rest, _, below = suffix.partition("\n")
    first = text.strip().split("\n", 1)[0].strip()
    following = [line.strip() for line in below.split("\n")[:3]]
    return Facts(
        confidence=confidence,
        chars=len(text),
        lines=text.count("\n") + 1,
        truncated=truncated,
        before=char_class(line_before),
        column=len(line_before),
        indent=len(line_before) - len(line_before.lstrip()),
        rest_of_line_blank=not rest.strip(),
        repeats_suffix=bool(first) and (first in following or (bool(rest.strip()) and first in rest)),
        recent_rate=recent_rate,
        pause_s=pause_s,
        language=language,
    )


@dataclass
class Gate:
    """A logistic regression over standardised features, and the chance below which to stay silent."""

    weights: list[float]
    bias: float
    mean: list[float]
    scale: list[float]
    threshold: float = 0.0
    trained_on: int = 0
    """How many outcomes it learned from."""
    names: list[str] = field(default_factory=lambda: list(NAMES))
    trim_percent: int = 0
    """The cut its suggestions were learned with (``completion.trimPercent``); applied while it is active."""

    def chance(self, features: Sequence[float]) -> float:
        """The estimated probability that a suggestion with these features is accepted."""
        z = self.bias
        for x, w, m, s in zip(features, self.weights, self.mean, self.scale, strict=True):
            z += w * (x - m) / s
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def silent(self, features: Sequence[float]) -> bool:
        """Whether to stay silent on this suggestion."""
        return self.chance(features) < self.threshold

    def save(self, path: Path) -> None:
        """Write the gate as JSON (atomically)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(vars(self), indent=1), encoding="utf-8")
        os.replace(tmp, path)


def load(path: Path) -> Gate | None:
    """The gate saved at ``path`` (None when there is none, it is unreadable or made for other features)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        gate = Gate(**data)
    except (OSError, ValueError, TypeError):
        return None
    if gate.names != list(NAMES) or not len(gate.weights) == len(gate.mean) == len(gate.scale) == len(NAMES):
        return None
    return gate


def train(rows: Sequence[Sequence[float]], labels: Sequence[int], steps: int = 400, l2: float = 1e-3) -> Gate:
    """Fit a logistic regression (full-batch gradient descent with L2) to outcomes; threshold left at 0."""
    x = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(NAMES))
    y = np.asarray(labels, dtype=np.float64)
    mean = x.mean(axis=0) if len(x) else np.zeros(len(NAMES))
    scale = x.std(axis=0) if len(x) else np.ones(len(NAMES))
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    w, b = np.zeros(len(NAMES)), 0.0
    rate = 0.5
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w + b, -40, 40)))
        grad = p - y
        w -= rate * (z.T @ grad / max(len(y), 1) + l2 * w)
        b -= rate * float(grad.mean()) if len(y) else 0.0
    return Gate([float(v) for v in w], b, [float(v) for v in mean], [float(v) for v in scale], 0.0, len(y))


def threshold_keeping(chances: Sequence[float], chars: Sequence[int], keep: float) -> float:
    """The highest threshold that still shows suggestions worth ``keep`` of the accepted characters.

    ``chars``: the characters each suggestion would have given the user (0 when it was not accepted).
    """
    total = sum(chars)
    if total <= 0:
        return 0.0
    kept = 0
    for chance, got in sorted(zip(chances, chars, strict=True), reverse=True):
        kept += got
        if kept >= keep * total:
            return chance
    return 0.0
