"""Token healing: a prompt's last punctuation token comes off, the first token generated restores it."""

from __future__ import annotations

import numpy as np
import pytest

from ghostline.model.heal import first_chars, first_token, heal, unhealed
from ghostline.model.llama import LlamaBackend

VOCAB = ["<|fim_middle|>", "client", ".", ".as", ".get", "as", "Range", "Ġreturn", "(", "()", "x"]
FIRSTS = first_chars(VOCAB)


def text_of(token: int) -> str:
    return VOCAB[token]


def test_only_a_last_one_character_mark_is_healed() -> None:
    assert heal([1, 2], text_of) == ([1], ".")
    assert heal([1, 8], text_of) == ([1], "(")
    assert heal([1, 5], text_of) == ([1, 5], "")  # a word
    assert heal([1, 0], text_of) == ([1, 0], "")  # a special token ends the prompt
    assert heal([1, 7], text_of) == ([1, 7], "")  # a word with its blank
    assert heal([2], text_of) == ([2], "")  # nothing would be left to evaluate


def test_the_first_token_starts_with_the_mark() -> None:
    logits = np.array([9.0, 8.0, 1.0, 3.0, 2.0, 7.0, 6.0, 5.0, 4.0, 0.0, 10.0])
    token, masked = first_token(logits, FIRSTS, ".", 0.0, 0)
    assert VOCAB[token] == ".as" and masked[10] < -1e20  # not "x", the likeliest of all
    drawn = {VOCAB[first_token(logits, FIRSTS, ".", 1.0, seed)[0]] for seed in range(40)}
    assert drawn <= {".", ".as", ".get"} and len(drawn) > 1
    assert VOCAB[first_token(logits, FIRSTS, "(", 0.0, 0)[0]] == "("


class Healing:
    healing = True


def test_unhealed_turns_healing_off_for_the_block_only() -> None:
    backend = Healing()
    with unhealed(backend):
        assert backend.healing is False
    assert backend.healing is True
    with unhealed(object()):  # a backend that never heals is left alone
        pass


@pytest.mark.model
def test_a_member_completion_after_a_dot_is_healed(qwen: LlamaBackend) -> None:
    prompt = "import os\n\n\ndef config_path(name):\n    return os."
    healed = qwen.generate(prompt, max_tokens=8, stop=["\n"])
    text = healed.text()
    assert text[:1].isalpha() and text.startswith("path.")  # the dot is the prompt's, not written twice
    assert healed.stats.prompt_tokens == len(qwen.tokenize(prompt)) - 1
    with unhealed(qwen):
        plain = qwen.generate(prompt, max_tokens=8, stop=["\n"])
        plain.text()
    assert plain.stats.prompt_tokens == len(qwen.tokenize(prompt))
