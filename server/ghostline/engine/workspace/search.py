"""Fuzzy name search (``workspace/symbol``): exact, prefix, substring, then subsequence; word starts first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

CANDIDATES = 5_000
"""Most names one tier of a search looks at (short queries match almost everything)."""
SCORED = 300
"""Of those, how many (the shortest) are ranked by how well they match."""


@dataclass(frozen=True)
class NameTable:
    """The index's names lower-cased, one per line after a line break (searched by regexes at C speed)."""

    blob: str
    """``"\\n" + "\\n".join(lower-cased names)``."""
    first: dict[str, str]
    """Lower-cased name → a name as written."""
    more: dict[str, list[str]] = field(default_factory=dict)
    """Lower-cased names shared by several names (``Foo``, ``foo``) → all of them."""

    @classmethod
    def of(cls, names: list[str]) -> NameTable:
        """The table of a set of distinct names."""
        lowers = [name.lower() for name in names]
        first = dict(zip(lowers, names, strict=True))
        more: dict[str, list[str]] = {}
        if len(first) < len(names):
            for lower, name in zip(lowers, names, strict=True):
                if first[lower] != name:
                    more.setdefault(lower, [first[lower]]).append(name)
        return cls("\n" + "\n".join(first), first, more)

    def named(self, lower: str) -> list[str]:
        """The names written as ``lower`` once lower-cased."""
        return self.more.get(lower) or ([self.first[lower]] if lower in self.first else [])


def rank(table: NameTable, query: str, enough: int) -> list[str]:
    """Names matching ``query`` best first; stops once ``enough`` names of the best tiers are found."""
    q = "".join(query.lower().split())
    if not q:
        return [n for lower in islice(table.first, enough) for n in table.named(lower)]
    chosen = list(table.named(q))
    taken = {q}
    prefixed, inner = _containing(table.blob, q, taken)
    for tier in (prefixed, inner, None):
        if len(chosen) >= enough:
            break
        found = tier if tier is not None else _subsequences(table.blob, q, taken)
        found.sort(key=len)  # shorter names first; only the shortest are scored closely
        found = found[: max(enough * 3, SCORED)]
        found.sort(key=lambda lower: _score(lower, table.named(lower)[0], q))
        chosen.extend(n for lower in found for n in table.named(lower))
    return chosen


def _containing(blob: str, q: str, taken: set[str]) -> tuple[list[str], list[str]]:
    """The names that start with ``q``, and those that hold it further in (``str.find``: C speed)."""
    prefixed: list[str] = []
    inner: list[str] = []
    at = blob.find(q)
    while at >= 0 and len(prefixed) + len(inner) < CANDIDATES:
        start = blob.rfind("\n", 0, at) + 1
        end = blob.find("\n", at)
        end = len(blob) if end < 0 else end
        lower = blob[start:end]
        if lower not in taken:
            taken.add(lower)
            (prefixed if start == at else inner).append(lower)
        at = blob.find(q, end)
    return prefixed, inner


def _subsequences(blob: str, q: str, taken: set[str]) -> list[str]:
    """The names holding the letters of ``q`` in order (one greedy regex: no backtracking)."""
    pattern = "\n" + "".join(f"[^{re.escape(c)}\n]*{re.escape(c)}" for c in q) + "[^\n]*"
    found = []
    for match in re.finditer(pattern, blob):
        lower = match.group(0)[1:]
        if lower not in taken:
            taken.add(lower)
            found.append(lower)
            if len(found) >= CANDIDATES:
                break
    return found


def _score(lower: str, name: str, q: str) -> tuple[int, int, int, str]:
    """Smaller is better: query letters off word starts, the matched span, the name's length."""
    starts = sorted(_word_starts(name))
    at, misses, first = 0, 0, -1
    for c in q:
        boundary = next((i for i in starts if i >= at and lower[i] == c), -1)
        plain = lower.find(c, at)
        pos = boundary if boundary >= 0 and (plain < 0 or boundary - plain < 8) else plain
        if pos < 0:
            return (len(q), len(lower), len(lower), lower)
        misses += pos not in starts
        first = pos if first < 0 else first
        at = pos + 1
    return (misses, at - first, len(lower), lower)


_STARTS = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]|(?<=[a-z0-9])[A-Z]|[A-Z](?=[a-z])")


def _word_starts(name: str) -> set[int]:
    """Positions that start a word: after a non-alphanumeric, an upper after a lower, ``HTTPServer``'s S."""
    return {0} | {m.start() for m in _STARTS.finditer(name)}
