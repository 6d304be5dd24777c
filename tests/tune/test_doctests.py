"""Pass rate where tests exist: completions merged into held-out files, their doctests run in the sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ghostline.cli import main
from ghostline.engine.completion.generate import Suggestion
from ghostline.tune import dataset, evaluate
from ghostline.tune.doctests import DoctestChecker, merge

MATHUTIL = '''"""Small helpers with doctests."""


def add(a, b):
    """The sum of a and b.

    >>> add(2, 3)
    5
    """
    return a + b


def clamp(x, lo, hi):
    """x limited to [lo, hi].

    >>> clamp(5, 0, 3)
    3
    >>> clamp(-1, 0, 3)
    0
    >>> clamp(2, 0, 3)
    2
    """
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x
'''
PLAIN = """def scale(values, factor):
    total = []
    for value in values:
        total.append(value * factor)
    return total
"""
BROKEN = '''def half(n):
    """Half of n, wrongly documented.

    >>> half(4)
    3
    """
    result = n // 2
    return result
'''
MENTIONS = """PROMPT = ">>> "


def prompt(line):
    text = PROMPT + line
    return text
"""


def make_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def held_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every file held out (no training share), so each has test examples."""
    tmp = tmp_path_factory.mktemp("doctests")
    files = {"mathutil.py": MATHUTIL, "plain.py": PLAIN, "broken.py": BROKEN, "mentions.py": MENTIONS}
    out = tmp / "data"
    dataset.build(make_repo(tmp / "repo", files), out, fractions=(0.0, 0.0))
    return out


def test_dataset_keeps_the_held_out_files_with_doctests_and_where_each_middle_lies(held_out: Path) -> None:
    files = dataset.read_doctest_files(held_out)
    assert sorted(files) == ["broken.py", "mathutil.py", "mentions.py"]  # plain.py has no `>>>`
    assert files["mathutil.py"] == MATHUTIL
    fim = [r for r in dataset.read_split(held_out, "test") if "middle" in r]
    assert {r["path"] for r in fim} >= {"mathutil.py", "plain.py"}
    for row in fim:
        if row["path"] in files:
            assert merge(files[row["path"]], row, row["middle"]) == files[row["path"]]


def test_right_middle_passes_wrong_fails_files_without_usable_doctests_do_not_count(held_out: Path) -> None:
    checker = DoctestChecker(dataset.read_doctest_files(held_out))
    rows = [r for r in dataset.read_split(held_out, "test") if "middle" in r]
    ours = next(r for r in rows if r["path"] == "mathutil.py" and "return" in r["middle"])
    assert checker.passes(ours, ours["middle"]) is True
    assert checker.passes(ours, ours["middle"] + "\n") is True  # trailing blanks are the middle's
    wrong = ours["middle"].replace("return", "return -1 +", 1)
    assert checker.passes(ours, wrong) is False
    for path in ("plain.py", "broken.py", "mentions.py"):  # no doctests, failing ones, `>>>` in a string
        row = next(r for r in rows if r["path"] == path)
        assert checker.passes(row, row["middle"]) is None
    assert checker.usable("mathutil.py") and not checker.usable("broken.py")
    assert checker.passes({**ours, "offset": ours["offset"] + 1}, ours["middle"]) is None  # middle not found


def test_score_reports_pass_rate_with_a_fake_completion(
    held_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The right middle on every other example, a wrong one between: the pass rate counts only mathutil.py."""
    rows = [r for r in dataset.read_split(held_out, "test") if "middle" in r]
    checker = DoctestChecker(dataset.read_doctest_files(held_out))
    answers = {r["id"]: r["middle"] if i % 2 == 0 else "raise ValueError" for i, r in enumerate(rows)}

    def fake(_backend: Any, row: dict[str, Any], _settings: Any) -> Suggestion:
        return Suggestion(answers[row["id"]], row["offset"], latency_ms=5.0)

    monkeypatch.setattr(evaluate, "complete", fake)
    result = evaluate.score(None, rows, lambda done, total, message: None, "base", checker)  # type: ignore[arg-type]
    ours = [i for i, r in enumerate(rows) if r["path"] == "mathutil.py"]
    assert result["n"] == len(rows) and result["n_with_tests"] == len(ours) > 1
    assert result["pass_rate"] == round(sum(i % 2 == 0 for i in ours) / len(ours), 4)
    assert result["exact_match"] == round(sum(i % 2 == 0 for i in range(len(rows))) / len(rows), 4)
    assert sum(k["n_with_tests"] for k in result["per_kind"].values()) == len(ours)
    assert result["median_ms"] == 5.0 and result["mean_chars"] > 0


def test_table_says_when_no_example_has_tests() -> None:
    side = {"n": 2, "exact_match": 0.5, "edit_similarity": 0.75, "n_with_tests": 0, "pass_rate": None}
    table = evaluate.format_table(
        {"model": "m", "adapter_file": "", "base": {**side, "per_kind": {"fim-line": side}}}
    )
    note = next(line for line in table.split("\n") if line.startswith("pass rate"))
    assert "no examples with tests" in note and "0.0%" not in note
    assert "cost (base): not measured" in table
    tested = {**side, "n_with_tests": 4, "pass_rate": 0.25}
    table = evaluate.format_table(
        {"model": "m", "adapter_file": "", "base": {**tested, "per_kind": {"fim-line": side}}}
    )
    assert "25.0% of 4" in table and "no examples with tests" not in table
    costs = {"median_ms": 812.4, "mean_evaluated_tokens": 700, "mean_generated_tokens": 9.5, "mean_chars": 31}
    table = evaluate.format_table(
        {"model": "m", "adapter_file": "", "base": {**side, **costs, "per_kind": {"fim-line": side}}}
    )
    assert "cost (base): median 812 ms per example, 700 tokens evaluated, 9.5 generated" in table


def test_repo_task_needs_data_and_adapter_is_only_for_repo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "repo"]) == 2
    assert "--data DIR is required" in capsys.readouterr().err
    assert main(["eval", "humaneval", "--adapter", "a.gguf"]) == 2
    assert "--adapter: only for the repo task" in capsys.readouterr().err
    assert main(["eval", "quixbugs", "--data", "d"]) == 2
    assert "a benchmark's folder is --data-dir" in capsys.readouterr().err


@pytest.mark.model
def test_eval_repo_cli_with_the_small_model(tmp_path: Path) -> None:
    data = tmp_path / "data"
    dataset.build(make_repo(tmp_path / "repo", {"mathutil.py": MATHUTIL}), data, fractions=(0.0, 0.0))
    command = [sys.executable, "-m", "ghostline", "eval", "repo", "--data", str(data)]
    command += ["--model", "smollm2-135m", "--limit", "3", "--json", "--out", str(tmp_path / "out")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["n"] == 3 and result["model"] == "smollm2-135m" and "adapter" not in result
    base = result["base"]
    assert base["n"] == 3 and base["n_with_tests"] == 3  # every example lies in mathutil.py
    assert 0.0 <= base["pass_rate"] <= 1.0 and 0.0 <= base["exact_match"] <= base["edit_similarity"] <= 1.0
    assert json.loads(Path(result["written"]).read_text())["base"] == base
