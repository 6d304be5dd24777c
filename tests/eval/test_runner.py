"""The runner with real problems and the real sandbox; solvers here are the references and blanks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ghostline.eval import datasets, report, runner
from ghostline.eval.datasets import Problem

pytestmark = pytest.mark.skipif(
    not (datasets.data_dir() / "humaneval").is_dir(), reason="benchmark data not found (see --data-dir)"
)


def problems(limit: int, seed: int = 0) -> list[Problem]:
    return runner.select(datasets.load("humaneval"), limit, seed)


def test_selection_is_seeded_and_a_larger_limit_extends_a_smaller_one() -> None:
    assert [p.task_id for p in problems(3, seed=7)] == [p.task_id for p in problems(3, seed=7)]
    assert [p.task_id for p in problems(5, seed=7)][:3] == [p.task_id for p in problems(3, seed=7)]
    assert [p.task_id for p in problems(3, seed=7)] != [p.task_id for p in problems(3, seed=8)]


def test_references_score_one_blanks_zero_and_pass_at_k_follows(tmp_path: Path) -> None:
    chosen = problems(3)

    def half(problem: Problem, index: int) -> str:  # sample 0 right, sample 1 wrong
        return problem.reference if index == 0 else "    return None\n"

    spec = runner.RunSpec("humaneval", "references", samples=2, ks=(1, 2))
    result = runner.run(spec, chosen, half, tmp_path / "log.jsonl", progress=False)
    assert result["pass@1"] == pytest.approx(0.5) and result["pass@2"] == pytest.approx(1.0)
    assert [p["statuses"] for p in result["per_problem"]] == [["passed", "failed"]] * 3
    blank = runner.RunSpec("humaneval", "blank")
    assert runner.run(blank, chosen, lambda p, i: "", tmp_path / "b.jsonl", progress=False)["pass@1"] == 0.0


def test_an_interrupted_run_resumes_from_its_log(tmp_path: Path) -> None:
    calls: list[str] = []

    def solver(problem: Problem, index: int) -> str:
        calls.append(problem.task_id)
        return problem.reference

    spec = runner.RunSpec("humaneval", "references")
    log = tmp_path / "log.jsonl"
    runner.run(spec, problems(2), solver, log, progress=False)
    with log.open("a") as f:
        f.write('{"run": "torn')  # killed in the middle of a write
    result = runner.run(spec, problems(4), solver, log, progress=False)
    assert len(calls) == 4  # 2, then only the 2 new ones
    assert calls[2:] == [p.task_id for p in problems(4)[2:]]
    assert result["pass@1"] == 1.0 and result["problems"] == 4
    other = runner.RunSpec("humaneval", "references", variant="raw")  # another run never reuses this log
    runner.run(other, problems(1), solver, log, progress=False)
    assert len(calls) == 5
    records = [json.loads(line) for line in log.read_text().splitlines() if line.endswith("}")]
    assert len(records) == 5 and all(r["passed"] for r in records)


def test_markdown_table_and_chart(tmp_path: Path) -> None:
    results = [
        {"task": "infill-single", "model": "m", "variant": "ghostline", "problems": 30, "pass@1": 0.6},
        {"task": "infill-single", "model": "m", "variant": "raw", "problems": 30, "pass@1": 0.5},
        {"task": "humaneval", "model": "m", "variant": "raw", "problems": 10, "pass@1": 0.2},
    ]
    table = report.markdown_table(results)
    assert "| infill-single | m | 30 | 60.0% | 50.0% | +10.0 |" in table
    assert "| humaneval | m | 10 | – | 20.0% | – |" in table
    pytest.importorskip("matplotlib")
    chart = report.bar_chart(results, tmp_path / "chart.png")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
