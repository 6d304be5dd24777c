"""``ghostline eval`` end to end with the real small model: JSON shape, log consistency, resume."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ghostline.eval import datasets

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not (datasets.data_dir() / "humaneval").is_dir(), reason="benchmark data not found"),
]


def ghostline_eval(out: Path, *args: str) -> dict[str, Any]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "ghostline",
            "eval",
            *args,
            "--model",
            "smollm2-135m",
            "--json",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def log_records(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(result["log"]).read_text().splitlines()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, smollm_path: Path) -> tuple[dict[str, Any], ...]:
    out = tmp_path_factory.mktemp("eval")
    first = ghostline_eval(out, "infill-single", "--limit", "2")
    first_log = log_records(first)
    second = ghostline_eval(out, "infill-single", "--limit", "3")
    return first, first_log, second


@pytest.fixture(scope="session")
def smollm_path() -> Path:
    from ghostline.model import fetch, registry

    return fetch.pull(registry.resolve("smollm2-135m"))


def test_the_result_has_the_documented_shape(runs: tuple[dict[str, Any], ...]) -> None:
    result = runs[2]
    assert {"task", "model", "n", "pass@1", "seconds", "per_problem"} <= set(result)
    assert (result["task"], result["model"], result["n"], result["problems"]) == (
        "infill-single",
        "smollm2-135m",
        1,
        3,
    )
    assert 0.0 <= result["pass@1"] <= 1.0 and result["seconds"] > 0
    assert [p["task_id"].split("/")[0] for p in result["per_problem"]] == ["SingleLineInfilling"] * 3
    assert any("network" in line for line in result["sandbox"])


def test_the_result_agrees_with_the_per_sample_log(runs: tuple[dict[str, Any], ...]) -> None:
    result = runs[2]
    records = {r["task_id"]: r for r in log_records(result)}
    assert len(records) == 3
    for problem in result["per_problem"]:
        record = records[problem["task_id"]]
        assert problem["statuses"] == [record["status"]]
        assert problem["correct"] == int(record["passed"])
    assert result["pass@1"] == pytest.approx(sum(r["passed"] for r in records.values()) / 3, abs=1e-4)
    total = sum(r["generation_s"] + r["execution_s"] for r in records.values())
    assert result["seconds"] == pytest.approx(total, abs=0.2)


def test_a_larger_limit_reuses_the_logged_samples(runs: tuple[dict[str, Any], ...]) -> None:
    first, first_log, second = runs
    assert first["new_samples"] == 2 and second["new_samples"] == 1  # one model call the second time
    assert log_records(second)[:2] == first_log  # the first two records were kept, not redone
    assert [p["task_id"] for p in second["per_problem"]][:2] == [p["task_id"] for p in first["per_problem"]]


def test_the_raw_baseline_runs(tmp_path: Path, smollm_path: Path) -> None:
    result = ghostline_eval(tmp_path, "infill-single", "--limit", "1", "--baseline", "raw")
    assert result["variant"] == "raw" and result["problems"] == 1
    assert Path(result["log"]).name == "infill-single-smollm2-135m-raw-t0.jsonl"
    assert len(log_records(result)) == 1


@pytest.mark.parametrize("task", ["humaneval", "humanevalfix", "quixbugs", "explain"])
def test_action_solvers_run_through_the_code_actions(tmp_path: Path, smollm_path: Path, task: str) -> None:
    result = ghostline_eval(tmp_path, task, "--limit", "1")
    [record] = log_records(result)
    assert result["task"] == task and result["variant"] == "ghostline" and result["problems"] == 1
    assert result["pass@1"] == (1.0 if record["passed"] else 0.0)
    if task != "humaneval":  # a repair or round trip answers with a whole program, changed or kept
        assert f"def {record['task_id'].split('/')[-1]}" in record["answer"] or "def " in record["answer"]
