"""Which solver answers which task: Ghostline's engine or the raw model (``--baseline raw``), in one place."""

from __future__ import annotations

from ghostline.eval import engine_solvers, raw_solvers
from ghostline.eval.solvers import Solver, SolverFactory, SolverOptions
from ghostline.model.backend import Backend

GHOSTLINE: dict[str, SolverFactory] = {
    "infill-single": engine_solvers.ghostline_infill,
    "infill-multi": engine_solvers.ghostline_infill,
    "humaneval": engine_solvers.ghostline_humaneval,
    "humanevalfix": engine_solvers.ghostline_fix,
    "quixbugs": engine_solvers.ghostline_quixbugs,
    "explain": engine_solvers.ghostline_explain,
}
"""Task → factory of the solver that goes through Ghostline's engine (the completion engine and actions)."""

RAW: dict[str, SolverFactory] = {
    "humaneval": raw_solvers.raw_humaneval,
    "infill-single": raw_solvers.raw_infill,
    "infill-multi": raw_solvers.raw_infill,
    "humanevalfix": raw_solvers.raw_fix,
    "quixbugs": raw_solvers.raw_quixbugs,
    "explain": raw_solvers.raw_explain,
}
"""Task → factory of the raw-model baseline (the original harness's prompt and stop words)."""


def missing(task: str, baseline: str | None) -> str:
    """Why there is no solver for ``task`` ('' when there is one)."""
    table = RAW if baseline == "raw" else GHOSTLINE
    if task in table:
        return ""
    kind = "raw baseline" if baseline == "raw" else "Ghostline solver"
    return f"no {kind} for task {task!r} yet (have: {', '.join(sorted(table))})"


def make(task: str, baseline: str | None, backend: Backend, options: SolverOptions) -> Solver:
    """The solver for ``task`` (``baseline='raw'`` for the ablation); KeyError says what is missing."""
    if why := missing(task, baseline):
        raise KeyError(why)
    return (RAW if baseline == "raw" else GHOSTLINE)[task](backend, options)
