"""Suggestions cut before the first token the real model was unsure of (``completion.trimPercent``)."""

from __future__ import annotations

import dataclasses
import json
import math
import time
from pathlib import Path

import pytest

from ghostline.cli import main
from ghostline.config import CompletionSettings
from ghostline.engine.completion import gate as gates
from ghostline.engine.completion.context import ContextBuilder
from ghostline.engine.completion.generate import Suggestion, generate
from ghostline.engine.document import Document
from ghostline.eval.gatereplay import STUDY_CUTS
from ghostline.model.llama import LlamaBackend

SOURCE = '''def describe(user):
    """A line about ``user`` for the log."""
    name = user.name.strip().title()
    return f"{name} joined on {user.joined:%Y-%m-%d} and has {len(user.posts)} posts"


def shout(message, times):
    text = message.upper() + "!"
    return '''


def suggest(backend: LlamaBackend, percent: int) -> Suggestion:
    doc = Document("file:///t/trim.py", SOURCE + "\n", language_id="python")
    settings = dataclasses.replace(CompletionSettings(max_latency_ms=60_000), trim_percent=percent)
    ctx = ContextBuilder().build(doc, len(SOURCE), settings, [])
    return generate(backend, ctx, settings, lambda: False, time.perf_counter() + 60)


def test_the_cut_keeps_what_the_model_was_sure_of(qwen: LlamaBackend) -> None:
    whole = suggest(qwen, 0)
    assert whole.text and not whole.untrimmed and whole.raw.strip().startswith(whole.text.strip())
    every = suggest(qwen, 100)  # every token after the first is below 100 %: only the first is left
    assert (
        every.untrimmed == whole.text and every.text.strip() == every.raw[: every.stats.token_ends[0]].strip()
    )
    assert every.text and whole.text.startswith(every.text)
    cuts = 0
    for percent in (10, 50, 98):
        cut = suggest(qwen, percent)  # judged by its own log-probabilities (they vary a little run to run)
        lps, ends = cut.stats.token_logprobs, cut.stats.token_ends
        assert len(lps) >= 2 and len(ends) == len(lps) and (cut.untrimmed or cut.text) == whole.text
        floor = math.log(percent / 100)
        unsure = next((i for i, lp in enumerate(lps) if i > 0 and lp < floor), None)
        if unsure is None or ends[unsure - 1] >= len(cut.raw.rstrip()):
            assert cut.text == whole.text and not cut.untrimmed  # nothing unsure in what is shown
        else:
            cuts += 1
            assert cut.untrimmed == whole.text and cut.text.strip() == cut.raw[: ends[unsure - 1]].strip()
            assert all(lp >= floor for lp in lps[1:unsure]) and whole.text.startswith(cut.text)
    assert cuts >= 1


def test_eval_gate_replays_with_the_gates_cut_and_dumps_numbers_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real default model typed back over a small repository, with a gate trained with a 20 % cut."""
    repo = tmp_path / "repo"
    repo.mkdir()
    body = "".join(
        f"def scale_{i}(values, factor):\n    result = [v * factor for v in values]\n    return result\n\n"
        for i in range(6)
    )
    (repo / "maths.py").write_text(body, encoding="utf-8")
    n = len(gates.NAMES)
    gate = gates.Gate([0.0] * n, 0.0, [0.0] * n, [1.0] * n, 0.0, 200, trim_percent=20)  # shows everything
    gate.save(tmp_path / "gate.json")
    dump = tmp_path / "places.jsonl"
    args = ["eval", "gate", "--repo", str(repo), "--limit", "4", "--gate", str(tmp_path / "gate.json")]
    assert main([*args, "--model", "qwen2.5-coder-0.5b", "--json", "--dump", str(dump)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["trim_percent"] == 20 and result["with"] == result["without"]  # this gate keeps all
    assert result["uncut"]["shown"] == result["without"]["shown"] >= 1
    rows = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == result["without"]["shown"]
    for row in rows:
        assert sorted(row["cuts"], key=int) == [str(p) for p in STUDY_CUTS]
        words = [v for v in row.values() if isinstance(v, str)] + [
            v for cut in row["cuts"].values() for v in cut.values() if isinstance(v, str)
        ]
        kinds = {"accepted", "partial", "typed_over", "python", "blank", "word", "dot", "open", "op", "other"}
        assert set(words) <= kinds  # no text of the repository, only numbers and these names
