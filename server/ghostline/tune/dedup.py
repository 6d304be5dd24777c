"""Exact and near-duplicate detection: normalized tokens, word shingles, MinHash with LSH bands."""

from __future__ import annotations

import hashlib
import re

import numpy as np

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+|\S")
PRIME = (1 << 61) - 1
MASK = (1 << 32) - 1


def tokens(text: str) -> list[str]:
    """Code tokens, whitespace and layout ignored."""
    return _TOKEN.findall(text)


def shingles(words: list[str], size: int = 5) -> set[str]:
    """Overlapping runs of ``size`` tokens (the whole text when it is shorter)."""
    if len(words) <= size:
        return {" ".join(words)}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b| (1.0 for two empty sets)."""
    return len(a & b) / len(a | b) if a or b else 1.0


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class Deduplicator:
    """Remembers what it has seen; ``add`` says whether a text is new (not an exact or near duplicate).

    Near duplicates share at least ``threshold`` of their shingles (Jaccard); candidates come from
    MinHash signatures split into LSH bands and are confirmed on the exact shingle sets.
    """

    def __init__(self, threshold: float = 0.85, permutations: int = 64, bands: int = 16) -> None:
        self.threshold = threshold
        self.bands, self.rows = bands, permutations // bands
        rng = np.random.default_rng(20240607)
        self._a = rng.integers(1, MASK, size=permutations, dtype=np.uint64)
        self._b = rng.integers(0, MASK, size=permutations, dtype=np.uint64)
        self._exact: set[str] = set()
        self._buckets: dict[tuple[int, bytes], list[int]] = {}
        self._sets: list[set[str]] = []
        self.exact_duplicates = 0
        self.near_duplicates = 0

    def add(self, text: str) -> bool:
        """True (and remembered) when ``text`` is new; False for a duplicate."""
        words = tokens(text)
        key = hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
        if key in self._exact:
            self.exact_duplicates += 1
            return False
        grams = shingles(words)
        keys = self._band_keys(grams)
        candidates = {i for k in keys for i in self._buckets.get(k, [])}
        if any(jaccard(grams, self._sets[i]) >= self.threshold for i in sorted(candidates)):
            self.near_duplicates += 1
            return False
        self._exact.add(key)
        index = len(self._sets)
        self._sets.append(grams)
        for k in keys:
            self._buckets.setdefault(k, []).append(index)
        return True

    def _band_keys(self, grams: set[str]) -> list[tuple[int, bytes]]:
        hashes = np.array(sorted(_hash(g) & MASK for g in grams), dtype=np.uint64)
        # (a * h + b) mod p for every permutation and shingle; the minimum per permutation is the signature.
        signature = ((np.outer(self._a, hashes) + self._b[:, None]) % PRIME).min(axis=1)
        return [
            (band, signature[band * self.rows : (band + 1) * self.rows].tobytes())
            for band in range(self.bands)
        ]
