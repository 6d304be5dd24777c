"""What a solver is: ``(problem, sample_index) -> answer``, made by a factory from a backend and options.

The answer is the text for the gap of a fill problem, else a whole solution (see ``Problem.program``).
Ghostline's solvers are in ``engine_solvers``, the raw model's in ``raw_solvers``; ``registry`` maps tasks
to both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ghostline.config import Settings
from ghostline.eval.datasets import Problem
from ghostline.model.backend import Backend

Solver = Callable[[Problem, int], str]
DEADLINE_S = 120.0
"""Per completion. The editor's latency budget (``completion.maxLatencyMs``) would make scores depend on
this machine's load; the evaluation measures what the engine writes, so it waits for it."""


@dataclass(frozen=True)
class SolverOptions:
    """How solvers call the model."""

    temperature: float = 0.0
    max_tokens: int = 256
    """For raw generations (64 for a single-line gap) (Ghostline's own solvers use the editor's settings)."""
    settings: Settings = field(default_factory=Settings)


SolverFactory = Callable[[Backend, SolverOptions], Solver]
