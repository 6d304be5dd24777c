"""Ghostline's own solvers for humaneval, humanevalfix, quixbugs and explain: the code actions' engine.

They call exactly what the editor's actions call: "Generate function body from docstring" (with candidates
checked against the docstring's own examples in the sandbox), "Fix with Ghostline" (verified repair, with
the function's public examples as the user's tests) and "Generate docstring".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ghostline.engine.actions.docstring import generate_docstring, target_at
from ghostline.engine.actions.edits import ActionFailed, apply
from ghostline.engine.actions.examples import stated_examples
from ghostline.engine.actions.generate import generate_at, spot_after_docstring
from ghostline.engine.actions.repair import Problem as Diagnostic
from ghostline.engine.actions.repair import repair
from ghostline.engine.document import Document, Pos
from ghostline.eval.datasets import Problem
from ghostline.eval.sandbox import Limits, output_of, run_program
from ghostline.eval.solvers import Solver, SolverOptions, _model
from ghostline.model.backend import Backend

CANDIDATES = 5
"""Candidates tried for a body whose docstring has examples (greedy first, then sampled)."""


def examples_check(extra: str) -> Callable[[str], str | None]:
    """A check that runs a candidate file plus ``extra`` (the user's examples) in the sandbox."""

    def check(source: str) -> str | None:
        result = run_program(source + extra, Limits(timeout_s=5.0))
        if result.passed:
            return None
        last = result.stderr.strip().split("\n")[-1:] or [result.status]
        return f"it fails the examples ({last[0][:200]})"

    return check


def _def_position(source: str, name: str) -> Pos:
    for row, line in enumerate(source.split("\n")):
        if re.match(rf"\s*(async\s+)?def {re.escape(name)}\b", line):
            return Pos(row, line.index("def") + 4)
    return Pos(0, 0)


def body_from_docstring(source: str, name: str, backend: Backend, samples: int) -> str:
    """``source`` (a function whose body is only its docstring) with the body written by the engine."""
    doc = Document("file:///eval/solution.py", source, language_id="python", encoding="utf-32")
    spot = spot_after_docstring(doc, _def_position(source, name))
    if spot is None:
        return source
    extra = stated_examples(source, name)
    check = examples_check(extra) if extra else None
    try:
        edit = generate_at(doc, spot, backend, samples=samples, check=check)
    except ActionFailed:
        return source
    return apply(source, [edit])


def ghostline_humaneval(backend: Backend, options: SolverOptions) -> Solver:
    """The prompt is a signature and docstring: "Generate function body from docstring"."""
    model = _model(backend, options)

    def solve(problem: Problem, index: int) -> str:
        solution = body_from_docstring(problem.prompt, problem.entry_point, model, CANDIDATES)
        return solution[len(problem.prompt) :] if solution.startswith(problem.prompt) else solution

    return solve


def fixed(
    source: str, name: str, message: str, backend: Backend, check: Callable[[str], str | None] | None
) -> str:
    """``source`` after "Fix with Ghostline" on function ``name`` (unchanged when no safe fix exists)."""
    doc = Document("file:///eval/buggy.py", source, language_id="python", encoding="utf-32")
    at = doc.offset_at(_def_position(source, name))
    try:
        edit = repair(doc, Diagnostic(message, at, at), backend, check=check)
    except ActionFailed:
        return source
    return apply(source, [edit])


def ghostline_fix(backend: Backend, options: SolverOptions) -> Solver:
    """HumanEvalFix: the bug is described as failing tests; the public examples check each candidate."""
    model = _model(backend, options)

    def solve(problem: Problem, index: int) -> str:
        examples = str(problem.fields.get("example_test", ""))
        message = f"`{problem.entry_point}` has a bug: it fails these tests:\n{problem.harness.strip()}"
        return fixed(problem.prompt, problem.entry_point, message, model, examples_check("\n" + examples))

    return solve


def ghostline_quixbugs(backend: Backend, options: SolverOptions) -> Solver:
    """QuixBugs: a one-line bug somewhere in the program; the ``>>>`` examples in its notes check candidates.

    The examples are the program's own (26 of the 40 programs state some), never the benchmark's tests. They
    are used only when they show the bug (the buggy program fails them): otherwise they cannot tell a right
    candidate from a wrong one.
    """
    model = _model(backend, options)

    def solve(problem: Problem, index: int) -> str:
        message = f"`{problem.entry_point}` has a bug on one line: it returns wrong results"
        check = stated_examples_check(problem.prompt)
        if check is not None and check(problem.prompt) is None:
            check = None
        return fixed(problem.prompt, problem.entry_point, message, model, check)

    return solve


def stated_examples_check(source: str) -> Callable[[str], str | None] | None:
    """A check running every ``>>>`` example written anywhere in ``source`` (None when it states none)."""
    notes = "\n".join(m[1] for m in re.findall(r'("""|\'\'\')(.*?)\1', source, re.S) if ">>>" in m[1])
    if not notes:
        return None
    runner = (
        "\n\nimport doctest as _doctest, sys as _sys\n"
        f"_test = _doctest.DocTestParser().get_doctest({notes!r}, dict(globals()), 'examples', None, 0)\n"
        "_runner = _doctest.DocTestRunner(optionflags=_doctest.ELLIPSIS | _doctest.NORMALIZE_WHITESPACE)\n"
        "_runner.run(_test)\n"
        "_sys.exit(1 if _runner.failures else 0)\n"
    )
    return examples_check(runner)


def ghostline_explain(backend: Backend, options: SolverOptions) -> Solver:
    """HumanEvalExplain: "Generate docstring" on the solution, then the body again from that docstring."""
    model = _model(backend, options)

    def solve(problem: Problem, index: int) -> str:
        declaration = str(problem.fields.get("declaration", ""))
        doc = Document("file:///eval/explain.py", problem.prompt, language_id="python", encoding="utf-32")
        target = target_at(doc, _def_position(problem.prompt, problem.entry_point))
        if target is None:
            return declaration
        documented = apply(problem.prompt, [generate_docstring(doc, target, model, run=output_of)])
        docstring = re.search(r'("""|\'\'\')(.*?)\1', documented[len(declaration) - 1 :], re.S)
        text = docstring.group(2).strip() if docstring else ""
        stub = f'{declaration}    """{text}\n    """\n'
        return body_from_docstring(stub, problem.entry_point, model, CANDIDATES)

    return solve


SOLVERS = {
    "humaneval": ghostline_humaneval,
    "humanevalfix": ghostline_fix,
    "quixbugs": ghostline_quixbugs,
    "explain": ghostline_explain,
}
"""Added to ``solvers.GHOSTLINE`` by the eval command."""
