"""The session's recent edits: ``didChange`` hunks coalesced per place, shown to the model as diffs."""

from __future__ import annotations

import difflib
import itertools
import time
from collections import deque
from dataclasses import dataclass, field

COALESCE_S = 5.0
"""Edits on the same or an adjacent line within this many seconds are one hunk."""
MAX_HUNKS = 32
EXPECTED = 64
"""Edits Ghostline offered (next edits) that are remembered, to tell them from the user's when applied."""
MAX_HUNK_CHARS = 4_000
"""A hunk that grows past this (a paste, a reformat) is no longer kept: it tells the model little."""
_ids = itertools.count(1)


@dataclass
class Hunk:
    """Whole lines of one document as they were before a run of nearby edits, and as they are now."""

    uri: str
    start: int
    """String index of the hunk's first line in the document as it is now."""
    before: str
    after: str
    first_at: float
    last_at: float
    line: int = 0
    """The (0-based) line of ``start``, kept up to date as edits above it add or remove lines."""
    own: bool = False
    """Ghostline applied it (an accepted suggestion or code action), not the user."""
    id: int = field(default_factory=lambda: next(_ids))

    @property
    def end(self) -> int:
        """String index just past the hunk in the document as it is now."""
        return self.start + len(self.after)

    def changed(self) -> bool:
        """Whether the lines differ by more than whitespace."""
        return _squeeze(self.before) != _squeeze(self.after)


class EditLog:
    """The last ``MAX_HUNKS`` hunks across documents, most recent last (bounded in number and size)."""

    def __init__(self, clock: object = time.monotonic) -> None:
        self._clock = clock
        self.hunks: deque[Hunk] = deque(maxlen=MAX_HUNKS)
        self.dropped = 0
        """Hunks let go (too many, too big, or overwritten by an edit that is not theirs)."""
        self._expected: deque[tuple[str, int, int, str]] = deque(maxlen=EXPECTED)
        self.lost: set[str] = set()
        """Documents some of whose hunks were let go: their text before the session can no longer be told."""

    def record(self, uri: str, text: str, start: int, end: int, new: str, own: bool = False) -> None:
        """Note that ``text[start:end]`` of ``uri`` (the text before the change) becomes ``new``.

        ``own``: Ghostline made the edit; so is one that ``expect`` announced.
        """
        now = float(self._clock())  # type: ignore[operator]
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        if start > end:
            start, end = end, start
        if (uri, start, end, new) in self._expected:
            self._expected.remove((uri, start, end, new))
            own = True
        if text[start:end] == new:
            return  # nothing changed
        lo, hi = _line_bounds(text, start, end)
        last = self.hunks[-1] if self.hunks else None
        recent = last is not None and last.uri == uri and now - last.last_at <= COALESCE_S
        if last is not None and recent and _touches(text, last, start, end):  # typing on beside it: one hunk
            lo, hi = _line_bounds(text, min(lo, last.start), max(hi, last.end))
        merged = self._absorb(uri, text, lo, hi)
        if merged:
            lo, hi = _line_bounds(
                text, min(lo, *(h.start for h in merged)), max(hi, *(h.end for h in merged))
            )
        before = text[lo:hi]
        for h in sorted(merged, key=lambda h: h.start, reverse=True):  # the older hunks' lines as they were
            before = before[: h.start - lo] + h.before + before[h.end - lo :]
        after = text[lo:start] + new + text[end:hi]
        for h in merged:
            self.hunks.remove(h)
        self._shift(uri, text, start, end, new)
        if len(before) + len(after) > MAX_HUNK_CHARS:
            self._lose(uri)
            return
        line = text.count("\n", 0, lo)
        if merged:  # the newest of them goes on, as the newest hunk
            hunk = merged[-1]
            hunk.start, hunk.before, hunk.after, hunk.line, hunk.last_at = lo, before, after, line, now
            hunk.first_at = min(h.first_at for h in merged)
            hunk.own = own and all(h.own for h in merged)
        else:
            hunk = Hunk(uri, lo, before, after, now, now, line, own)
        if len(self.hunks) == self.hunks.maxlen:
            self._lose(self.hunks[0].uri)
        self.hunks.append(hunk)

    def _absorb(self, uri: str, text: str, lo: int, hi: int) -> list[Hunk]:
        """The hunks of ``uri`` on the lines of ``text[lo:hi]`` (and those they reach), oldest first."""
        found: list[Hunk] = []
        while True:
            mine = (h for h in self.hunks if h.uri == uri and h not in found)
            more = [h for h in mine if h.start <= hi and lo <= h.end]
            if not more:
                return [h for h in self.hunks if h in found]
            found += more
            lo, hi = _line_bounds(text, min(lo, *(h.start for h in more)), max(hi, *(h.end for h in more)))

    def expect(self, uri: str, start: int, end: int, new: str) -> None:
        """Ghostline offered this edit: if the client makes it next, it is Ghostline's, not the user's."""
        if (uri, start, end, new) not in self._expected:
            self._expected.append((uri, start, end, new))

    def forget(self, uri: str) -> None:
        """Drop a document's hunks (it was replaced wholesale or deleted)."""
        kept = [h for h in self.hunks if h.uri != uri]
        self.hunks.clear()
        self.hunks.extend(kept)
        self.lost.discard(uri)

    def original(self, uri: str, text: str) -> str | None:
        """``uri``'s text before the hunks kept (``text`` is the text now), or None when some were let go."""
        if uri in self.lost:
            return None
        for hunk in sorted((h for h in self.hunks if h.uri == uri), key=lambda h: h.start, reverse=True):
            text = text[: hunk.start] + hunk.before + text[hunk.end :]
        return text

    def _lose(self, uri: str) -> None:
        self.dropped += 1
        self.lost.add(uri)

    def recent(self, count: int, exclude: Hunk | None = None) -> list[Hunk]:
        """The last ``count`` hunks that change more than whitespace, oldest first."""
        found = [h for h in reversed(self.hunks) if h is not exclude and h.changed()]
        return list(reversed(found[:count]))

    def last(self, uri: str) -> Hunk | None:
        """The most recent hunk of ``uri``, if any."""
        return next((h for h in reversed(self.hunks) if h.uri == uri), None)

    def active(self, uri: str, offset: int) -> Hunk | None:
        """The hunk being typed: the most recent one, when it is in ``uri`` and holds ``offset``."""
        last = self.hunks[-1] if self.hunks else None
        if last is not None and last.uri == uri and last.start <= offset <= last.end + 1:
            return last
        return None

    def _shift(self, uri: str, text: str, start: int, end: int, new: str, skip: Hunk | None = None) -> None:
        """Hunks below an edit move with it; one the edit overlaps no longer matches the text: dropped."""
        delta = len(new) - (end - start)
        lines = new.count("\n") - text.count("\n", start, end)
        stale = []
        for h in self.hunks:
            if h.uri != uri or h is skip:
                continue
            below = h.start > end or (new.endswith("\n") and (end == 0 or text[end - 1] == "\n"))
            if h.start >= end and below:
                h.start += delta
                h.line += lines
            elif h.end >= start:
                stale.append(h)
        for h in stale:
            self.hunks.remove(h)
            self._lose(h.uri)


def unified(hunk: Hunk, path: str, max_lines: int = 12) -> str:
    """A hunk as a unified diff (long sides are cut)."""
    line = hunk.line + 1
    old, new = hunk.before.splitlines(), hunk.after.splitlines()
    body = [
        d for d in difflib.unified_diff(old, new, lineterm="", n=1) if not d.startswith(("---", "+++", "@@"))
    ]
    if len(body) > max_lines:
        body = body[:max_lines]
    header = f"--- a/{path}\n+++ b/{path}\n@@ -{line},{len(old)} +{line},{len(new)} @@\n"
    return header + "".join(d + "\n" for d in body)


def _touches(text: str, hunk: Hunk, start: int, end: int) -> bool:
    """Whether an edit at ``start:end`` is on the hunk's lines or the line just above or below them."""
    above = text.rfind("\n", 0, max(hunk.start - 1, 0)) + 1 if hunk.start > 0 else 0
    below = text.find("\n", hunk.end + 1)
    below = len(text) if below < 0 else below
    return above <= end and start <= below


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole lines (without the final line break) that hold ``text[start:end]``."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, len(text) if hi < 0 else hi


def _squeeze(text: str) -> str:
    return "".join(text.split())
