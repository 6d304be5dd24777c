"""Solvers turn a Problem into an answer: through Ghostline's engine, or the raw model (the ablation).

A solver is ``(problem, sample_index) -> answer``: the text for the gap of a fill problem, else a whole
solution (see ``Problem.program``). ``GHOSTLINE`` and ``RAW`` map task names to factories; a task whose
Ghostline solver is missing here is added by registering a factory (humaneval, humanevalfix, quixbugs,
explain come with the code actions).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ghostline.config import Settings
from ghostline.engine import completion
from ghostline.engine.context import ContextBuilder
from ghostline.engine.document import Document
from ghostline.eval.datasets import Problem
from ghostline.model.backend import Backend, Generation, GenerationStats

Solver = Callable[[Problem, int], str]
HUMANEVAL_STOPS = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"]
"""The stop words of the original HumanEval harness (Chen et al., 2021)."""
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


class Sampling:
    """A backend whose generations use a fixed temperature (the engine itself always decodes greedily)."""

    def __init__(self, backend: Backend, temperature: float) -> None:
        self.inner = backend
        self.facts = backend.facts
        self.temperature = temperature

    def tokenize(self, text: str) -> list[int]:
        """Delegates."""
        return self.inner.tokenize(text)

    def detokenize(self, tokens: list[int]) -> str:
        """Delegates."""
        return self.inner.detokenize(tokens)

    def generate(
        self,
        prompt: str,
        *,
        max_tokens: int = 128,
        stop: list[str] | None = None,
        temperature: float = 0.0,
        top_p: float = 1.0,
        grammar: str | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Generation:
        """Generate with this wrapper's temperature (top_p 0.95 when sampling, as the harnesses do)."""
        sampled = self.temperature > 0
        return self.inner.generate(
            prompt, max_tokens=max_tokens, stop=stop, temperature=self.temperature,
            top_p=0.95 if sampled else top_p, grammar=grammar, should_stop=should_stop,
        )  # fmt: skip

    def warm(self, prompt: str, should_stop: Callable[[], bool] | None = None) -> GenerationStats:
        """Delegates."""
        return self.inner.warm(prompt, should_stop)

    def close(self) -> None:
        """Delegates."""
        self.inner.close()


def _model(backend: Backend, options: SolverOptions) -> Backend:
    return Sampling(backend, options.temperature) if options.temperature > 0 else backend


def ghostline_infill(backend: Backend, options: SolverOptions) -> Solver:
    """The engine completes at the start of the gap's line, as the editor would with the cursor there.

    The benchmark cuts the file at a line start: the cursor goes there (column 0, the rest of the file
    below), so the model writes the line's indentation itself, as it does on any blank line.
    """
    model = _model(backend, options)
    settings = options.settings.completion

    def solve(problem: Problem, index: int) -> str:
        uri = f"file:///eval/{problem.task_id.replace('/', '_')}.py"
        doc = Document(uri, problem.prompt + "\n" + problem.suffix)
        ctx = ContextBuilder().build(doc, doc.position_at(len(problem.prompt)), settings, [])
        deadline = time.perf_counter() + DEADLINE_S
        suggestion = completion.generate(model, ctx, doc.text, settings, lambda: False, deadline)
        return suggestion.text + "\n"

    return solve


def _raw(
    backend: Backend, options: SolverOptions, prompt: str, stop: list[str] | None = None, max_tokens: int = 0
) -> str:
    limit = max_tokens or options.max_tokens
    return _model(backend, options).generate(prompt, max_tokens=limit, stop=stop).text()


def raw_humaneval(backend: Backend, options: SolverOptions) -> Solver:
    """The prompt as-is, HumanEval's stop words."""
    return lambda problem, index: _raw(backend, options, problem.prompt, HUMANEVAL_STOPS)


def raw_infill(backend: Backend, options: SolverOptions) -> Solver:
    """The model's FIM template around the gap, its middle up to the end token.

    Prefix-only models get the prefix with HumanEval's stop words.
    """

    def solve(problem: Problem, index: int) -> str:
        fim = backend.facts.fim
        if fim is None:
            return _raw(backend, options, problem.prompt, HUMANEVAL_STOPS)
        single = problem.task_id.startswith("SingleLine")
        return _raw(backend, options, fim.build(problem.prompt, problem.suffix), None, 64 if single else 0)

    return solve


def raw_fix(backend: Backend, options: SolverOptions) -> Solver:
    """HumanEvalFix with tests, prompted as OctoPack prompts base models.

    The buggy code, its tests, the instruction, then the declaration to continue.
    """

    def solve(problem: Problem, index: int) -> str:
        declaration = str(problem.fields["declaration"])
        prompt = f"{problem.prompt}\n{problem.harness}\n# Fix bugs in {problem.entry_point}.\n{declaration}"
        return declaration + _raw(backend, options, prompt, HUMANEVAL_STOPS)

    return solve


def raw_quixbugs(backend: Backend, options: SolverOptions) -> Solver:
    """The buggy program, a one-line instruction, then its code up to the function's header to continue."""

    def solve(problem: Problem, index: int) -> str:
        header = _header(problem.prompt, problem.entry_point)
        prompt = f"{problem.prompt}\n# Fix the bug in {problem.entry_point} above.\n{header}"
        return header + _raw(backend, options, prompt, [*HUMANEVAL_STOPS, '\n"""'])

    return solve


def raw_explain(backend: Backend, options: SolverOptions) -> Solver:
    """HumanEvalExplain: describe the canonical solution, then write the function from that alone."""

    def solve(problem: Problem, index: int) -> str:
        code = problem.prompt
        ask = f'{code}\n\n"""\nA concise natural-language description of {problem.entry_point} above:\n'
        description = _raw(backend, options, ask, ['"""']).strip().replace('"""', "")
        declaration = str(problem.fields["declaration"])
        prompt = f'{declaration}    """{description}\n    """\n'
        return prompt + _raw(backend, options, prompt, HUMANEVAL_STOPS)

    return solve


def _header(source: str, name: str) -> str:
    """``source`` up to and including the line that defines ``name`` (all of it when absent)."""
    match = re.search(rf"^def {re.escape(name)}\b.*\n", source, re.MULTILINE)
    return source[: match.end()] if match else source


GHOSTLINE: dict[str, SolverFactory] = {
    "infill-single": ghostline_infill,
    "infill-multi": ghostline_infill,
}
"""Task → factory of the solver that goes through Ghostline's engine (the code actions add theirs)."""

RAW: dict[str, SolverFactory] = {
    "humaneval": raw_humaneval,
    "infill-single": raw_infill,
    "infill-multi": raw_infill,
    "humanevalfix": raw_fix,
    "quixbugs": raw_quixbugs,
    "explain": raw_explain,
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
