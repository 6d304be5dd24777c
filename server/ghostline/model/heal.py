"""Token healing: a prompt ending in a punctuation mark is evaluated without it; the first token restores it.

Tokenizers glue a mark to the word after it (Qwen's ``client.asRange`` is ``client`` + ``.asRange``), so a
prompt ending in ``.`` asks for a split that training never showed: the 0.5B model then answered member
completions with odd names (``structuredTextToInlayHints`` where raw FIM after the whole line wrote
``asInlayHints``). The mark comes off the prompt, the first token is chosen among those that start with it,
and the mark is dropped from the output again, so callers see the continuation of the prompt they gave.
"""

from __future__ import annotations

import contextlib
import string
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np


def first_chars(vocabulary: list[str]) -> Any:
    """Each token's first character as the vocabulary spells it (a numpy array)."""
    return np.array([text[:1] for text in vocabulary])


def heal(tokens: list[int], text_of: Callable[[int], str]) -> tuple[list[int], str]:
    """The prompt's tokens without a last one-character punctuation token, and that mark ('' when kept).

    The mark is a token of the vocabulary itself, so ``first_token`` always has one to choose.
    """
    if len(tokens) < 2:
        return tokens, ""
    last = text_of(tokens[-1])
    if len(last) != 1 or last not in string.punctuation:
        return tokens, ""
    return tokens[:-1], last


def first_token(logits: Any, firsts: Any, mark: str, temperature: float, seed: int) -> tuple[int, Any]:
    """The likeliest token starting with ``mark`` (a draw at ``temperature`` > 0), and the logits used.

    The returned logits have every other token at a very low value (for the token's log-probability).
    """
    masked = np.where(firsts == mark, np.asarray(logits, dtype=np.float64), -1e30)
    if temperature <= 0:
        return int(np.argmax(masked)), masked
    weights = np.exp((masked - masked.max()) / temperature)
    return int(np.random.default_rng(seed).choice(len(weights), p=weights / weights.sum())), masked


@contextlib.contextmanager
def unhealed(backend: object) -> Iterator[None]:
    """The backend without token healing while the block runs (a plain FIM call has none)."""
    healing = getattr(backend, "healing", None)
    if healing is not None:
        setattr(backend, "healing", False)  # noqa: B010 - only backends that heal have the attribute
    try:
        yield
    finally:
        if healing is not None:
            setattr(backend, "healing", healing)  # noqa: B010
