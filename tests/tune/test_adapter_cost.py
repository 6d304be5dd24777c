"""What an adapter costs, measured on equal work: both weights write exactly the tokens asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from ghostline.bench.adapter import cost_figures, equal_work
from ghostline.model import fetch, registry
from tests.tune.test_merge import random_adapter

pytestmark = pytest.mark.model
pytest.importorskip("gguf")


def test_both_sides_do_the_same_work_in_turn(tmp_path: Path) -> None:
    base = str(fetch.pull(registry.resolve("smollm2-135m")))
    adapter = random_adapter(base, tmp_path / "a.gguf", 0.05, layers=2)
    # SmolLM2 ends its answer here after a few tokens (0 after "hi"): the bias must keep it going
    chat = "<|im_start|>user\nReply with one word: hi<|im_end|>\n<|im_start|>assistant\n"
    work = [(chat + "hi", 24), (chat, 30)]
    cost = equal_work(base, str(adapter), work, rounds=2)
    assert cost["pairs"] == 4 and cost["short_calls"] == 0
    low, high = cost["total_ratio_95"]
    assert 0 < low <= cost["total_ratio"] <= high


def test_the_ratio_and_its_interval_follow_the_pairs() -> None:
    cost = cost_figures([100.0, 200.0, 100.0, 200.0], [110.0, 220.0, 110.0, 220.0])
    assert cost["total_ratio"] == 1.1 and cost["median_pair_ratio"] == 1.1
    assert cost["total_ratio_95"] == [1.1, 1.1] and cost["adapted_p50_ms"] == 165.0
    assert cost_figures([], []) == {"pairs": 0}
