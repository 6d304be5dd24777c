"""Answers without the model: typed-through suggestions and an LRU of recent results."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

KEY_BEFORE, KEY_AFTER = 400, 200


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@dataclass
class _Shown:
    before_len: int
    before_digest: str
    after_digest: str
    text: str


class SuggestionCache:
    """Per document, the suggestion last shown; globally, an LRU keyed by the text around the cursor."""

    def __init__(self, size: int = 256) -> None:
        self._shown: dict[str, _Shown] = {}
        self._lru: OrderedDict[str, str] = OrderedDict()
        self._size = size

    @staticmethod
    def key(before: str, after: str) -> str:
        """LRU key: the text just before and just after the cursor."""
        return _digest(before[-KEY_BEFORE:]) + _digest(after[:KEY_AFTER])

    def remember(self, uri: str, before: str, after: str, suggestion: str) -> None:
        """Record a suggestion shown at the cursor (``before``/``after``: the document split there)."""
        if not suggestion:
            return
        self._shown[uri] = _Shown(len(before), _digest(before), _digest(after[:KEY_AFTER]), suggestion)
        self.put(before, after, suggestion)

    def put(self, before: str, after: str, suggestion: str) -> None:
        """Store a result in the LRU."""
        key = self.key(before, after)
        self._lru[key] = suggestion
        self._lru.move_to_end(key)
        while len(self._lru) > self._size:
            self._lru.popitem(last=False)

    def lookup(self, uri: str, before: str, after: str) -> str | None:
        """A suggestion for this cursor without calling the model, if one is known."""
        shown = self._shown.get(uri)
        if (
            shown is not None
            and len(before) >= shown.before_len
            and _digest(after[:KEY_AFTER]) == shown.after_digest
        ):
            typed = before[shown.before_len :]
            same_start = _digest(before[: shown.before_len]) == shown.before_digest
            if shown.text.startswith(typed) and len(typed) < len(shown.text) and same_start:
                return shown.text[len(typed) :]
        hit = self._lru.get(self.key(before, after))
        if hit is not None:
            self._lru.move_to_end(self.key(before, after))
        return hit

    def forget(self, uri: str) -> None:
        """Drop the shown suggestion of a document."""
        self._shown.pop(uri, None)
