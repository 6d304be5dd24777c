"""Eval honesty without a model: the empty share of each run, and the raw infilling cut at its first line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ghostline.eval import registry, report, runner
from ghostline.eval.datasets import Problem
from ghostline.eval.raw_solvers import raw_infill, raw_infill_line
from ghostline.eval.solvers import SolverOptions
from ghostline.model.fake import FakeBackend
from ghostline.model.fim import FORMATS
from ghostline.sandbox import RunResult

GAP = Problem(
    "SingleLineInfilling/Toy/L1",
    "def inc(x):\n",
    "assert inc(1) == 2\n",
    suffix="\n\nprint('done')\n",
    entry_point="inc",
    reference="    return x + 1\n",
)
RAMBLE = "    return x + 1\n\n# Check function to verify the correctness of the solution\ndef check():"


def fake_score(program: str) -> RunResult:
    """Passes when the gap holds the reference line (no sandbox needed for the bookkeeping)."""
    passed = "return x + 1\n" in program
    return RunResult("passed" if passed else "failed", 0 if passed else 1, "", 0.01)


def test_the_result_reports_the_share_of_empty_answers(tmp_path: Path) -> None:
    problems = [GAP, Problem("SingleLineInfilling/Toy/L2", GAP.prompt, GAP.harness, suffix=GAP.suffix)]
    answers = {GAP.task_id: ["\n", "    return x + 1\n"], "SingleLineInfilling/Toy/L2": ["  \n", "\n"]}
    spec = runner.RunSpec("infill-single", "m", samples=2, ks=(1,))
    result = runner.run(
        spec, problems, lambda p, i: answers[p.task_id][i], tmp_path / "l.jsonl", fake_score, progress=False
    )
    assert result["empty_answers"] == 3 and result["empty"] == pytest.approx(0.75)
    assert [p["empty"] for p in result["per_problem"]] == [1, 2]
    assert result["pass@1"] == pytest.approx(0.25)


def test_the_raw_infilling_is_reported_whole_and_cut_at_its_first_line() -> None:
    qwen = next(f for f in FORMATS if f.name == "qwen")
    backend = FakeBackend([RAMBLE], fim=qwen, strict=True)
    whole = raw_infill(backend, SolverOptions())(GAP, 0)
    first = raw_infill_line(backend, SolverOptions())(GAP, 0)
    assert whole == RAMBLE  # what the model wrote, as the original harness scores it
    assert first == "    return x + 1\n"  # what an editor shows on the gap's line
    assert fake_score(GAP.program(first)).passed and "def check" not in GAP.program(first)
    assert backend.prompts[0] == backend.prompts[1] == qwen.build(GAP.prompt, GAP.suffix)


def test_the_first_line_baseline_is_registered_for_the_infilling_tasks() -> None:
    assert registry.missing("infill-single", "raw-line") == ""
    assert registry.missing("infill-multi", "raw-line") == ""
    assert "no raw-line baseline for task 'humaneval'" in registry.missing("humaneval", "raw-line")
    assert registry.missing("humaneval", "raw") == "" and registry.missing("humaneval", None) == ""
    solver = registry.make("infill-single", "raw-line", FakeBackend(["x\ny"], strict=True), SolverOptions())
    assert solver(GAP, 0) == "x\n"  # prefix-only model: the same cut


def test_the_table_shows_empty_shares_and_the_first_line_baseline() -> None:
    results = [
        {"task": "infill-single", "model": "m", "variant": "ghostline", "problems": 60, "pass@1": 0.6}
        | {"empty": 0.1},
        {"task": "infill-single", "model": "m", "variant": "raw", "problems": 60, "pass@1": 0.1}
        | {"empty": 0.0},
        {"task": "infill-single", "model": "m", "variant": "raw-line", "problems": 60, "pass@1": 0.5}
        | {"empty": 0.05},
        {"task": "humaneval", "model": "m", "variant": "raw", "problems": 10, "pass@1": 0.2},  # an older run
    ]
    table = report.markdown_table(results)
    assert "| infill-single | m | 60 | 60.0% | 10.0% | +50.0 | 10.0% | 0.0% | 50.0% | 5.0% | +10.0 |" in table
    assert "| humaneval | m | 10 | – | 20.0% | – | – | – | – | – | – |" in table


def test_the_cli_offers_the_first_line_baseline_only_where_it_exists(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import argparse

    from ghostline.commands import evaluate
    from ghostline.eval import datasets

    if not (datasets.data_dir() / "humaneval").is_dir():
        pytest.skip("benchmark data not found")
    parser = argparse.ArgumentParser()
    evaluate.add_parser(parser.add_subparsers())
    args = parser.parse_args(["eval", "humaneval", "--baseline", "raw-line", "--limit", "1"])
    assert evaluate.run(args) == 2  # refused before any model is loaded
    assert "no raw-line baseline for task 'humaneval'" in capsys.readouterr().err
    assert parser.parse_args(["eval", "infill-single", "--baseline", "raw"]).baseline == "raw"
