"""Prompt-lookup drafts: guess the next tokens by finding the latest n-gram again earlier in the context."""

from __future__ import annotations

NGRAM = 3
DRAFT = 6
DRAFT_MIN_TOKENS = 64
"""Generations allowed fewer tokens than this decode one token at a time."""
COOLDOWN = 8
"""Tokens decoded one by one after a draft the model rejected outright."""


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


class DraftPolicy:
    """How much to draft next: more after drafts the model confirmed, nothing for a while after a miss.

    On a CPU each drafted token costs a row of logits over the whole vocabulary (about a quarter of a
    decoding step for a small model with a 150k vocabulary), so unconfirmed drafts slow generation down.
    """

    def __init__(self, size: int = DRAFT // 2, most: int = DRAFT) -> None:
        self.size, self.most, self.wait = size, most, 0

    def allowance(self) -> int:
        """Tokens to draft at this step (0: decode one token normally)."""
        if self.wait > 0:
            self.wait -= 1
            return 0
        return self.size

    def update(self, drafted: int, accepted: int) -> None:
        """Record how a draft of ``drafted`` tokens went."""
        if accepted == drafted:
            self.size = min(self.size * 2, self.most)
        elif accepted == 0:
            self.size, self.wait = max(1, self.size // 2), COOLDOWN
        else:
            self.size = max(1, accepted)
