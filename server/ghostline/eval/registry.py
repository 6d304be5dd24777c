"""Which solver answers which task: Ghostline's engine or the raw model (``--baseline raw|raw-line``)."""

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

RAW_LINE: dict[str, SolverFactory] = {
    "infill-single": raw_solvers.raw_infill_line,
    "infill-multi": raw_solvers.raw_infill_line,
}
"""Task → the raw model's infilling cut at its first line (``--baseline raw-line``): what an editor plugin
shows, beside ``raw``'s untruncated answer."""

BASELINES: dict[str | None, dict[str, SolverFactory]] = {None: GHOSTLINE, "raw": RAW, "raw-line": RAW_LINE}
"""``--baseline`` → its table (None: Ghostline itself)."""


def missing(task: str, baseline: str | None) -> str:
    """Why there is no solver for ``task`` ('' when there is one)."""
    table = BASELINES.get(baseline, {})
    if task in table:
        return ""
    kind = f"{baseline} baseline" if baseline else "Ghostline solver"
    return f"no {kind} for task {task!r} yet (have: {', '.join(sorted(table)) or 'none'})"


def make(task: str, baseline: str | None, backend: Backend, options: SolverOptions) -> Solver:
    """The solver for ``task`` (``baseline``: None, raw or raw-line); KeyError says what is missing."""
    if why := missing(task, baseline):
        raise KeyError(why)
    return BASELINES[baseline][task](backend, options)
