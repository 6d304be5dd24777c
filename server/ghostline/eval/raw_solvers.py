"""The raw model as the ablation: each benchmark's original prompt and stop words, no Ghostline engine."""

from __future__ import annotations

import re

from ghostline.eval.datasets import Problem
from ghostline.eval.solvers import Solver, SolverOptions
from ghostline.model.backend import Backend
from ghostline.model.heal import unhealed
from ghostline.model.sampling import sampling

HUMANEVAL_STOPS = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"]
"""The stop words of the original HumanEval harness (Chen et al., 2021)."""


def _raw(
    backend: Backend, options: SolverOptions, prompt: str, stop: list[str] | None = None, max_tokens: int = 0
) -> str:
    limit = max_tokens or options.max_tokens
    with unhealed(backend):  # a plain call: the prompt's last token as it is
        return sampling(backend, options.temperature).generate(prompt, max_tokens=limit, stop=stop).text()


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


def raw_infill_line(backend: Backend, options: SolverOptions) -> Solver:
    """The raw model's infilling cut at its first line, as an editor plugin shows a single-line completion.

    The same FIM prompt as ``raw_infill``, decoded up to the first line break (greedy decoding gives the
    first line of ``raw_infill``'s answer); prefix-only models likewise.
    """

    def solve(problem: Problem, index: int) -> str:
        fim = backend.facts.fim
        prompt = problem.prompt if fim is None else fim.build(problem.prompt, problem.suffix)
        return _raw(backend, options, prompt, ["\n"], 64).split("\n", 1)[0] + "\n"

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
