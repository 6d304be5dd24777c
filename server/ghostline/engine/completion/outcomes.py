"""What became of each suggestion (accepted, partly accepted, typed over, dismissed), kept on this machine.

Each outcome is stored as the gate's features, the label and a count of characters: never text. The
store is a JSON-lines file in Ghostline's state folder, cut back to its newest ``MAX_ROWS`` lines.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from ghostline.engine.completion.acceptance import stats_path

MAX_ROWS = 20_000
ACCEPTED, PARTIAL, TYPED_OVER, DISMISSED = "accepted", "partial", "typed_over", "dismissed"
TAKEN = frozenset({ACCEPTED, PARTIAL})
"""Outcomes the gate learns as wanted."""


def outcomes_path() -> Path:
    """``outcomes.jsonl`` beside the acceptance counts."""
    return stats_path().parent / "outcomes.jsonl"


def gate_path() -> Path:
    """``gate.json`` beside the acceptance counts: the trained gate."""
    return stats_path().parent / "gate.json"


@dataclass(frozen=True)
class Outcome:
    """One suggestion's features, what became of it, and the characters the user took from it."""

    features: list[float]
    kind: str
    chars: int
    source: str = "live"
    """``live`` (an editor) or ``replay`` (a repository typed back to bootstrap the gate)."""
    gated: bool = False
    """The gate kept it from being shown (its outcome is what the user typed anyway)."""

    @property
    def label(self) -> int:
        """1 when the user took it (or typed it themselves), else 0."""
        return int(self.kind in TAKEN)


class OutcomeStore:
    """Outcomes appended to a JSON-lines file; the oldest dropped past ``MAX_ROWS``."""

    def __init__(self, path: Path | None = None, max_rows: int = MAX_ROWS) -> None:
        self.path = path or outcomes_path()
        self.max_rows = max_rows
        self._lines: int | None = None

    def add(self, outcome: Outcome) -> None:
        """Append one outcome (the file is cut back to the newest rows when it holds twice too many)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(vars(outcome), separators=(",", ":")) + "\n")
        self._lines = (self._lines if self._lines is not None else len(self._read())) + 1
        if self._lines > 2 * self.max_rows:
            keep = self._read()[-self.max_rows :]
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text("".join(line + "\n" for line in keep), encoding="utf-8")
            os.replace(tmp, self.path)
            self._lines = len(keep)

    def all(self) -> list[Outcome]:
        """The stored outcomes, oldest first (unreadable lines skipped)."""
        out = []
        for line in self._read()[-self.max_rows :]:
            try:
                out.append(Outcome(**json.loads(line)))
            except (ValueError, TypeError):
                continue
        return out

    def _read(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []


@dataclass
class Pending:
    """A suggestion offered (or kept back by the gate) whose outcome is not known yet."""

    offset: int
    text: str
    features: list[float]
    length: int
    """The document's length when it was offered (what the user typed since is the difference)."""
    gated: bool


@dataclass
class Tracker:
    """Per document, the suggestion last offered; resolved by the next edits, an accept, or a new one."""

    store: OutcomeStore
    pending: dict[str, Pending] = field(default_factory=dict)
    recent: deque[int] = field(default_factory=lambda: deque(maxlen=20))
    last_edit: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Per document: (time of the last edit, seconds between the last two edits)."""
    counts: dict[str, int] = field(default_factory=dict)

    def recent_rate(self) -> float:
        """The share of the last 20 shown suggestions the user took (0.3 before any)."""
        return sum(self.recent) / len(self.recent) if self.recent else 0.3

    def pause(self, uri: str) -> float:
        """Seconds between the document's last two edits (the typing pace; 1 s when unknown)."""
        return self.last_edit.get(uri, (0.0, 1.0))[1]

    def offered(
        self, uri: str, offset: int, text: str, features: list[float], length: int, gated: bool
    ) -> None:
        """A suggestion was shown (or kept back); the previous one of the document is resolved first.

        The rest of a suggestion the user is typing along with is the same suggestion, not a new one.
        """
        old = self.pending.get(uri)
        if old is not None and self.continues(old, offset, text):
            return
        if old is not None:
            self._resolve(uri, DISMISSED, 0)
        self.pending[uri] = Pending(offset, text, features, length, gated)

    @staticmethod
    def continues(old: Pending, offset: int, text: str) -> bool:
        """Whether ``text`` at ``offset`` is ``old`` itself or the rest of it once its start was typed."""
        return 0 <= offset - old.offset < len(old.text) and old.text[offset - old.offset :] == text

    def changed(self, uri: str, text: str) -> None:
        """The document changed: the pending suggestion is taken, partly taken, typed over, or still typed."""
        now = time.monotonic()
        last = self.last_edit.get(uri)
        self.last_edit[uri] = (now, min(now - last[0], 60.0) if last else 1.0)
        old = self.pending.get(uri)
        if old is None:
            return
        typed = len(text) - old.length
        got = text[old.offset : old.offset + max(typed, 0)]
        if typed >= len(old.text) and got.startswith(old.text):
            self._resolve(uri, ACCEPTED, len(old.text))
        elif typed > 0 and old.text.startswith(got):
            return  # typing along: not decided yet
        else:
            same = _common(got, old.text)
            word = same > 0 and (same == len(old.text) or not old.text[same - 1].isalnum())
            self._resolve(uri, PARTIAL if word else TYPED_OVER, same if word else 0)

    def accepted(self, uri: str) -> None:
        """The client said the document's suggestion was accepted (a Tab, an accept command)."""
        old = self.pending.get(uri)
        if old is not None and not old.gated:
            self._resolve(uri, ACCEPTED, len(old.text))

    def closed(self, uri: str) -> None:
        """The document closed: its pending suggestion was dismissed."""
        if uri in self.pending:
            self._resolve(uri, DISMISSED, 0)
        self.last_edit.pop(uri, None)

    def _resolve(self, uri: str, kind: str, chars: int) -> None:
        old = self.pending.pop(uri)
        outcome = Outcome(old.features, kind, chars, "live", old.gated)
        if not old.gated:
            self.recent.append(outcome.label)
        key = f"gated_{kind}" if old.gated else kind
        self.counts[key] = self.counts.get(key, 0) + 1
        with contextlib.suppress(OSError):  # a read-only or full disk loses the outcome, not the suggestion
            self.store.add(outcome)


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
