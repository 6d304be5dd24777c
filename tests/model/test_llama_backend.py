"""The embedded llama.cpp backend with real models: determinism, FIM facts, KV reuse, stopping."""

from __future__ import annotations

from pathlib import Path

import pytest

from ghostline.model.backend import Backend, GenerationStats
from ghostline.model.llama import LlamaBackend

pytestmark = pytest.mark.model
PROMPT = "def is_even(n):\n    "


def test_backends_satisfy_the_protocol(smollm: LlamaBackend, qwen: LlamaBackend) -> None:
    assert isinstance(smollm, Backend) and isinstance(qwen, Backend)


@pytest.mark.parametrize("name", ["smollm", "qwen"])
def test_greedy_generation_is_deterministic(name: str, request: pytest.FixtureRequest) -> None:
    backend: LlamaBackend = request.getfixturevalue(name)
    first = backend.generate(PROMPT, max_tokens=24).text()
    backend.generate("class Other:\n", max_tokens=4).text()  # change what the KV cache holds
    second = backend.generate(PROMPT, max_tokens=24).text()
    assert first.strip()
    assert first == second


def test_fim_detected_from_vocabulary(smollm: LlamaBackend, qwen: LlamaBackend) -> None:
    assert qwen.facts.fim is not None and qwen.facts.fim.name == "qwen"
    assert "<|fim_pad|>" in qwen.facts.fim.stops and "<|file_sep|>" in qwen.facts.fim.stops
    assert smollm.facts.fim is None
    assert smollm.facts.fim_mode.startswith("prefix-only")
    assert qwen.facts.architecture == "qwen2" and smollm.facts.architecture == "llama"


def test_fim_generation_fills_the_middle(qwen: LlamaBackend) -> None:
    assert qwen.facts.fim is not None
    prompt = qwen.facts.fim.build("def add(a, b):\n    return ", "\n\nprint(add(1, 2))\n")
    generation = qwen.generate(prompt, max_tokens=16, stop=["\n"])
    assert "a + b" in generation.text()
    assert generation.stats.stopped_by in ("stop", "eos")


@pytest.mark.parametrize("name", ["smollm", "qwen"])
def test_extending_the_prompt_evaluates_only_new_tokens(name: str, request: pytest.FixtureRequest) -> None:
    backend: LlamaBackend = request.getfixturevalue(name)
    base = 'import os\n\n\ndef list_python_files(root):\n    """Return every .py file under root."""\n'
    backend.generate("unrelated prompt\n", max_tokens=1).text()
    cold = backend.warm(base)
    assert cold.reused_tokens == 0 and cold.evaluated_tokens == cold.prompt_tokens
    extended = base + "    result = []\n"
    warm = backend.generate(extended, max_tokens=2)
    warm.text()
    new_tokens = len(backend.tokenize(extended)) - len(backend.tokenize(base))
    assert warm.stats.reused_tokens >= cold.prompt_tokens - 1
    assert warm.stats.evaluated_tokens <= new_tokens + 1
    assert warm.stats.evaluated_tokens + warm.stats.reused_tokens == warm.stats.prompt_tokens


def test_should_stop_stops_within_one_token(qwen: LlamaBackend) -> None:
    box: dict[str, GenerationStats] = {}

    def three_made() -> bool:  # asked before every token
        return "stats" in box and box["stats"].generated_tokens >= 3

    generation = qwen.generate(
        "# a long list of fruit names\nfruits = [", max_tokens=200, should_stop=three_made
    )
    box["stats"] = generation.stats
    generation.text()
    assert generation.stats.stopped_by == "should_stop"
    assert generation.stats.generated_tokens == 3


def test_closing_the_stream_early_cancels(smollm: LlamaBackend) -> None:
    generation = smollm.generate("Once upon a time", max_tokens=300)
    iterator = iter(generation)
    next(iterator)
    iterator.close()  # type: ignore[attr-defined]
    again = smollm.generate("def f():", max_tokens=3)  # the worker is free again
    again.text()
    assert generation.stats.generated_tokens < 300
    assert again.stats.generated_tokens >= 1


def test_stop_strings_are_never_emitted(smollm: LlamaBackend) -> None:
    text = smollm.generate(
        "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n", max_tokens=64, stop=["\n\n"]
    ).text()
    assert "\n\n" not in text


def test_calls_after_close_fail_fast(smollm_path: object) -> None:
    from ghostline.model.errors import ModelError

    backend = LlamaBackend(str(smollm_path), n_ctx=256)
    backend.close()
    with pytest.raises(ModelError, match="unloaded"):
        backend.warm("def f():")
    with pytest.raises(ModelError, match="unloaded"):
        backend.generate("def f():", max_tokens=2).text()


def test_prompt_lookup_drafts_are_verified_and_save_steps(smollm_path: Path) -> None:
    prompt = (
        "def first():\n    return [" + ", ".join(str(i) for i in range(40)) + "]\n\n\n"
        "def second():\n    return [0, 1, 2, 3"
    )
    texts, stats = [], []
    for speculative in (False, True):
        backend = LlamaBackend(str(smollm_path), n_ctx=1024, speculative=speculative)
        generation = backend.generate(prompt, max_tokens=64)
        texts.append(generation.text())
        stats.append(generation.stats)
        short = backend.generate(prompt, max_tokens=16)  # a rest of line: drafts would not pay off
        short.text()
        assert short.stats.drafted_tokens == 0
        backend.close()
    assert stats[0].drafted_tokens == 0
    assert stats[1].accepted_draft_tokens > 0 and stats[1].drafted_tokens >= stats[1].accepted_draft_tokens
    assert stats[1].generated_tokens == stats[0].generated_tokens == 64
    assert texts[1] == texts[0]  # a list this regular has no near-ties: the same greedy text
    assert texts[1].startswith(", 4, 5, 6")


def test_each_chosen_token_has_its_log_probability(qwen: LlamaBackend) -> None:
    """How sure the model was, token by token (the stay-silent gate's main cue), drafted tokens included."""
    for max_tokens in (8, 64):  # 64: prompt-lookup drafting is on, drafted tokens are scored in their batch
        generation = qwen.generate(
            "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n", max_tokens=max_tokens
        )
        text = "".join(generation)
        stats = generation.stats
        assert len(stats.token_ends) == stats.generated_tokens
        assert len(stats.token_logprobs) >= stats.generated_tokens  # the end token is scored too
        assert all(lp <= 0.0 for lp in stats.token_logprobs)
        assert stats.token_ends == sorted(stats.token_ends) and stats.token_ends[-1] >= len(text)
        mean, least, first, count = stats.confidence(len(text)) or (0.0, 0.0, 0.0, 0)
        assert least <= mean <= 0.0 and least <= first and 0 < count <= stats.generated_tokens
        assert mean > -1.0  # greedy, on code it has seen the like of: mostly sure
        assert max_tokens < 64 or stats.accepted_draft_tokens > 0
    assert stats.confidence(1) is not None and stats.confidence(1)[3] == 1  # type: ignore[index]
