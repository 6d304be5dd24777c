"""Prompt-lookup drafts: guess the next tokens by finding the latest n-gram again earlier in the context."""

from __future__ import annotations

NGRAM = 3
DRAFT = 6


class NgramIndex:
    """Where each n-gram of a token history last started, kept up to date as tokens are appended."""

    def __init__(self, tokens: list[int], n: int = NGRAM) -> None:
        self.n = n
        self.tokens: list[int] = []
        self._last: dict[tuple[int, ...], int] = {}
        for token in tokens:
            self.append(token)

    def append(self, token: int) -> None:
        """Add one token; the n-gram it completes is indexed once the next token exists."""
        self.tokens.append(token)
        k = len(self.tokens) - self.n - 1  # the n-gram ending just before the newest token
        if k >= 0:
            self._last[tuple(self.tokens[k : k + self.n])] = k

    def draft(self, size: int = DRAFT) -> list[int]:
        """The tokens that followed the newest n-gram the last time it occurred (empty when never)."""
        if len(self.tokens) < self.n:
            return []
        start = self._last.get(tuple(self.tokens[-self.n :]))
        if start is None:
            return []
        follow = start + self.n
        return self.tokens[follow : min(follow + size, len(self.tokens) - self.n)]
