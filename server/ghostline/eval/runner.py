"""Run a task: n samples per problem from a solver, scored in the sandbox, logged to resumable JSONL."""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ghostline import sandbox
from ghostline.eval.datasets import Problem
from ghostline.eval.passk import mean_pass_at_k
from ghostline.eval.solvers import Solver

Scorer = Callable[[str], sandbox.RunResult]


@dataclass(frozen=True)
class RunSpec:
    """What one evaluation run is; ``key`` names its log, so different runs never share one."""

    task: str
    model: str
    variant: str = "ghostline"
    """``ghostline``, ``raw`` or ``raw-line`` (see ``registry``)."""
    samples: int = 1
    temperature: float = 0.0
    ks: tuple[int, ...] = (1,)

    @property
    def key(self) -> str:
        """A file-name-safe identity of the run."""
        model = Path(self.model).name.replace(".gguf", "")
        return f"{self.task}-{model}-{self.variant}-t{self.temperature:g}"


def is_empty(answer: str) -> bool:
    """An answer with no code: the solver gave up (a fill problem then runs with its gap left empty)."""
    return not answer.strip()


def select(problems: Sequence[Problem], limit: int | None, seed: int) -> list[Problem]:
    """``limit`` problems chosen by a seeded shuffle (a larger limit extends a smaller one's choice)."""
    order = list(problems)
    if not limit or limit >= len(order):
        return order
    random.Random(seed).shuffle(order)
    return order[:limit]


def read_log(path: Path, spec: RunSpec) -> dict[tuple[str, int], dict[str, Any]]:
    """Samples already logged for this run, by (task_id, sample index); a torn last line is ignored."""
    done: dict[tuple[str, int], dict[str, Any]] = {}
    if not path.is_file():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("run") == spec.key:
            done[(record["task_id"], record["sample"])] = record
    return done


def _sample(spec: RunSpec, problem: Problem, index: int, solver: Solver, score: Scorer) -> dict[str, Any]:
    start = time.perf_counter()
    answer = solver(problem, index)
    generated = time.perf_counter() - start
    result = score(problem.program(answer))
    return {
        "run": spec.key,
        "task_id": problem.task_id,
        "sample": index,
        "answer": answer,
        "status": result.status,
        "passed": result.passed,
        "stderr": result.stderr[-500:],
        "generation_s": round(generated, 3),
        "execution_s": round(result.seconds, 3),
    }


def run(
    spec: RunSpec,
    problems: Sequence[Problem],
    solver: Solver,
    log_path: Path,
    score: Scorer = sandbox.run_program,
    progress: bool = True,
) -> dict[str, Any]:
    """Every (problem, sample) not yet in the log is solved, scored and appended; returns the result."""
    started = time.perf_counter()
    done = read_log(log_path, spec)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    total = len(problems) * spec.samples
    bar = tqdm(total=total, desc=spec.key, file=sys.stderr, disable=not progress, unit="sample")
    passed = seen = empty = 0
    torn = log_path.is_file() and not log_path.read_bytes().endswith(b"\n") and log_path.stat().st_size > 0
    with log_path.open("a", encoding="utf-8") as log, bar:
        if torn:
            log.write("\n")  # end a line cut short by an interruption; read_log skips it
        for problem in problems:
            for index in range(spec.samples):
                record = done.get((problem.task_id, index))
                if record is None:
                    record = _sample(spec, problem, index, solver, score)
                    log.write(json.dumps(record) + "\n")
                    log.flush()
                    done[(problem.task_id, index)] = record
                passed += bool(record["passed"])
                seen += 1
                bar.update(1)
                empty += is_empty(record["answer"])
                bar.set_postfix_str(f"pass {passed}/{seen} = {passed / seen:.1%}, empty {empty}")
    return summarize(spec, problems, done, time.perf_counter() - started)


def summarize(
    spec: RunSpec, problems: Sequence[Problem], done: dict[tuple[str, int], dict[str, Any]], wall: float
) -> dict[str, Any]:
    """The result object: pass@k for each k ≤ n, the share of empty answers, time, every problem's samples."""
    per_problem: list[dict[str, Any]] = []
    counts: list[tuple[int, int]] = []
    seconds = 0.0
    empty = 0
    for problem in problems:
        records = [done[(problem.task_id, i)] for i in range(spec.samples)]
        seconds += sum(r["generation_s"] + r["execution_s"] for r in records)
        correct = sum(bool(r["passed"]) for r in records)
        blanks = sum(is_empty(r["answer"]) for r in records)
        empty += blanks
        counts.append((spec.samples, correct))
        statuses = [r["status"] for r in records]
        per_problem.append(
            {"task_id": problem.task_id, "n": spec.samples, "correct": correct, "empty": blanks}
            | {"statuses": statuses}
        )
    result: dict[str, Any] = {"task": spec.task, "model": spec.model, "variant": spec.variant}
    result |= {"n": spec.samples, "temperature": spec.temperature, "problems": len(problems)}
    for k in sorted(set(spec.ks)):
        if k <= spec.samples:
            result[f"pass@{k}"] = round(mean_pass_at_k(counts, k), 4)
    total = len(problems) * spec.samples
    result["empty"] = round(empty / total, 4) if total else 0.0
    result["empty_answers"] = empty
    result["seconds"] = round(seconds, 1)
    result["wall_seconds"] = round(wall, 1)
    result["per_problem"] = per_problem
    return result
