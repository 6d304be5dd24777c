"""Pieces of the tuning loop that need no model: schedules, scores, q/k layout, the adapter check."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ghostline.config import CompletionSettings
from ghostline.model import fim
from ghostline.tune.evaluate import edit_similarity
from ghostline.tune.export import permute_rows
from ghostline.tune.prompts import Pair, to_pair, training_settings
from ghostline.tune.train import encode, lr_factor


def test_warmup_then_cosine_or_linear_decay() -> None:
    for schedule in ("cosine", "linear"):
        factors = [lr_factor(s, 100, 10, schedule) for s in range(100)]
        assert factors[0] == pytest.approx(0.1) and factors[9] == pytest.approx(1.0)
        assert all(a >= b for a, b in itertools.pairwise(factors[9:]))
        assert factors[-1] < 0.05
    assert lr_factor(55, 100, 10, "cosine") == pytest.approx(0.5)
    assert lr_factor(55, 100, 10, "linear") == pytest.approx(0.5)


def test_edit_similarity() -> None:
    assert edit_similarity("", "") == 1.0
    assert edit_similarity("return a + b", "return a + b") == 1.0
    assert edit_similarity("abcd", "abed") == pytest.approx(0.75)
    assert edit_similarity("", "abc") == 0.0


def _reverse_permute(weights: np.ndarray, heads: int) -> np.ndarray:
    """What transformers does to llama q/k rows when it reads a GGUF (its LlamaTensorProcessor)."""
    dim = weights.shape[0] // heads // 2
    return weights.reshape(heads, dim, 2, *weights.shape[1:]).swapaxes(2, 1).reshape(weights.shape)


def test_q_k_rows_go_back_to_llama_cpp_layout() -> None:
    b = np.arange(9 * 64 * 8, dtype=np.float32).reshape(9 * 64, 8)
    assert np.array_equal(permute_rows(_reverse_permute(b, 9), 9), b)
    k = np.arange(3 * 64 * 4, dtype=np.float32).reshape(3 * 64, 4)
    assert np.array_equal(_reverse_permute(permute_rows(k, 3), 3), k)
    assert not np.array_equal(permute_rows(k, 3), k)


class CharTokenizer:
    """One token per character; EOS is 0."""

    eos_token_id = 0

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict[str, list[int]]:
        return {"input_ids": [ord(c) for c in text]}


def test_encode_keeps_the_prompt_opening_and_end_and_ends_the_target() -> None:
    e = encode(CharTokenizer(), Pair("<" + "x" * 50 + "abc", "de"), max_length=10, bos=None)
    assert e.ids == [ord("<"), *[ord(c) for c in "xxxabc"], ord("d"), ord("e"), 0]
    assert e.start == 7
    whole = encode(CharTokenizer(), Pair("<abc", "de"), max_length=10, bos=None)
    assert whole.ids == [ord(c) for c in "<abcde"] + [0] and whole.start == 4
    with_bos = encode(CharTokenizer(), Pair("ab", "c"), max_length=10, bos=1)
    assert with_bos.ids == [1, ord("a"), ord("b"), ord("c"), 0] and with_bos.start == 3


def test_training_prompts_fit_the_training_length_with_their_layout() -> None:
    lines = [f"    total = total + item_{i} * weight_{i}\n" for i in range(300)]
    example = {"path": "m.py", "prefix": "def f():\n" + "".join(lines[:200]), "middle": "    x = 1\n"}
    example["suffix"] = "".join(lines[200:])
    qwen = fim.by_name("qwen")
    assert qwen is not None
    for length in (96, 384):
        pair = to_pair(example, qwen, training_settings(length))
        assert pair.prompt.startswith(qwen.prefix) and qwen.suffix in pair.prompt
        assert len(pair.prompt) <= length * 3.5 and pair.target == "    x = 1\n"
    assert len(to_pair(example, qwen, CompletionSettings()).prompt) > 384 * 3.5
