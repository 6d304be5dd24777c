"""Loaders against the real benchmark files: counts, and reference answers pass while bugs fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from ghostline import sandbox
from ghostline.eval import datasets, runner

DATA = datasets.data_dir()
pytestmark = pytest.mark.skipif(
    not (DATA / "humaneval").is_dir(), reason=f"benchmark data not found at {DATA} (see docs: --data-dir)"
)
COUNTS = {
    "humaneval": 164,
    "infill-single": 1033,
    "infill-multi": 5815,
    "humanevalfix": 164,
    "explain": 164,
    "quixbugs": 31,
}


@pytest.mark.parametrize(("task", "count"), COUNTS.items())
def test_every_task_loads_its_problems(task: str, count: int) -> None:
    problems = datasets.load(task)
    assert len(problems) == count
    assert len({p.task_id for p in problems}) == count
    assert all(p.entry_point and p.reference and p.harness for p in problems)


@pytest.mark.parametrize("task", ["humaneval", "infill-single", "infill-multi", "humanevalfix", "explain"])
def test_reference_answers_pass_in_the_sandbox(task: str) -> None:
    for problem in runner.select(datasets.load(task), 4, seed=1):
        result = sandbox.run_program(problem.program(problem.reference))
        assert result.passed, (problem.task_id, result.stderr)
        assert not sandbox.run_program(problem.program("")).passed  # no answer, no pass


def test_humanevalfix_buggy_solutions_fail() -> None:
    for problem in runner.select(datasets.load("humanevalfix"), 4, seed=2):
        assert problem.prompt == problem.fields["declaration"] + problem.fields["buggy_solution"]
        assert not sandbox.run_program(problem.program(problem.prompt), sandbox.Limits(timeout_s=3)).passed


def test_quixbugs_correct_programs_pass_and_buggy_ones_fail() -> None:
    for problem in datasets.load("quixbugs"):
        good = sandbox.run_program(problem.program(problem.reference))
        assert good.passed, (problem.task_id, good.stderr)
        bad = sandbox.run_program(problem.program(problem.prompt), sandbox.Limits(timeout_s=2))
        assert not bad.passed, problem.task_id


def test_data_dir_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GHOSTLINE_DATA", str(tmp_path / "env"))
    assert datasets.data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert datasets.data_dir() == tmp_path / "env"
    monkeypatch.delenv("GHOSTLINE_DATA")
    assert datasets.data_dir() == DATA


def test_a_missing_data_dir_names_the_upstream_download(tmp_path: Path) -> None:
    with pytest.raises(datasets.DataMissing) as err:
        datasets.load("humaneval", tmp_path)
    message = str(err.value)
    assert str(tmp_path) in message and "https://github.com/openai/human-eval" in message
    with pytest.raises(datasets.DataMissing, match="QuixBugs"):
        datasets.load("quixbugs", tmp_path)
