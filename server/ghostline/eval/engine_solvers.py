"""Ghostline's own solvers: the completion engine (infilling) and the code actions, as the editor calls them.

"Generate function body from docstring" (with candidates checked against the docstring's own examples in
the sandbox), "Fix with Ghostline" (verified repair, with the function's public examples as the user's
tests) and "Generate docstring".
"""

from __future__ import annotations

import re
import time

from ghostline.engine.actions.bounds import Problem as Diagnostic
from ghostline.engine.actions.docstring import generate_docstring
from ghostline.engine.actions.edits import ActionFailed, apply
from ghostline.engine.actions.examples import Check, examples_check, stated_examples
from ghostline.engine.actions.generate import generate_at, spot_after_docstring
from ghostline.engine.actions.repair import repair
from ghostline.engine.completion.context import ContextBuilder
from ghostline.engine.completion.generate import generate
from ghostline.engine.document import Document
from ghostline.eval.datasets import Problem
from ghostline.eval.solvers import DEADLINE_S, Solver, SolverOptions
from ghostline.model.backend import Backend
from ghostline.model.sampling import sampling
from ghostline.sandbox import run_program

CANDIDATES = 5
"""Candidates tried for a body whose docstring has examples (greedy first, then sampled)."""


def ghostline_infill(backend: Backend, options: SolverOptions) -> Solver:
    """The engine completes at the start of the gap's line, as the editor would with the cursor there.

    The benchmark cuts the file at a line start: the cursor goes there (column 0, the rest of the file
    below), so the model writes the line's indentation itself, as it does on any blank line.
    """
    model = sampling(backend, options.temperature)
    settings = options.settings.completion

    def solve(problem: Problem, index: int) -> str:
        uri = f"file:///eval/{problem.task_id.replace('/', '_')}.py"
        doc = Document(uri, problem.prompt + "\n" + problem.suffix)
        ctx = ContextBuilder().build(doc, len(problem.prompt), settings, [])
        deadline = time.perf_counter() + DEADLINE_S
        return generate(model, ctx, settings, lambda: False, deadline).text + "\n"

    return solve


def _def_offset(source: str, name: str) -> int:
    """Where the name of function ``name`` starts in ``source`` (0 when it is not defined there)."""
    match = re.search(rf"^\s*(async\s+)?def ({re.escape(name)})\b", source, re.MULTILINE)
    return match.start(2) if match else 0


def body_from_docstring(source: str, name: str, backend: Backend, samples: int) -> str:
    """``source`` (a function whose body is only its docstring) with the body written by the engine."""
    doc = Document("file:///eval/solution.py", source, language_id="python", encoding="utf-32")
    spot = spot_after_docstring(doc, _def_offset(source, name))
    if spot is None:
        return source
    extra = stated_examples(source, name)
    check = examples_check(extra, run_program) if extra else None
    try:
        edit = generate_at(doc, spot, backend, samples=samples, check=check)
    except ActionFailed:
        return source
    return apply(source, [edit])


def ghostline_humaneval(backend: Backend, options: SolverOptions) -> Solver:
    """The prompt is a signature and docstring: "Generate function body from docstring"."""
    model = sampling(backend, options.temperature)

    def solve(problem: Problem, index: int) -> str:
        solution = body_from_docstring(problem.prompt, problem.entry_point, model, CANDIDATES)
        return solution[len(problem.prompt) :] if solution.startswith(problem.prompt) else solution

    return solve


def fixed(source: str, name: str, message: str, backend: Backend, check: Check | None) -> str:
    """``source`` after "Fix with Ghostline" on function ``name`` (unchanged when no safe fix exists)."""
    doc = Document("file:///eval/buggy.py", source, language_id="python", encoding="utf-32")
    at = _def_offset(source, name)
    try:
        edit = repair(doc, Diagnostic(message, at, at), backend, check=check)
    except ActionFailed:
        return source
    return apply(source, [edit])


def ghostline_fix(backend: Backend, options: SolverOptions) -> Solver:
    """HumanEvalFix: the bug is described as failing tests; the public examples check each candidate."""
    model = sampling(backend, options.temperature)

    def solve(problem: Problem, index: int) -> str:
        examples = str(problem.fields.get("example_test", ""))
        message = f"`{problem.entry_point}` has a bug: it fails these tests:\n{problem.harness.strip()}"
        check = examples_check("\n" + examples, run_program)
        return fixed(problem.prompt, problem.entry_point, message, model, check)

    return solve


def ghostline_quixbugs(backend: Backend, options: SolverOptions) -> Solver:
    """QuixBugs: a one-line bug somewhere in the program; the ``>>>`` examples in its notes check candidates.

    The examples are the program's own (26 of the 40 programs state some), never the benchmark's tests. They
    are used only when they show the bug (the buggy program fails them): otherwise they cannot tell a right
    candidate from a wrong one.
    """
    model = sampling(backend, options.temperature)

    def solve(problem: Problem, index: int) -> str:
        message = f"`{problem.entry_point}` has a bug on one line: it returns wrong results"
        extra = stated_examples(problem.prompt)
        check = examples_check(extra, run_program) if extra else None
        if check is not None and check(problem.prompt) is None:
            check = None
        return fixed(problem.prompt, problem.entry_point, message, model, check)

    return solve


def ghostline_explain(backend: Backend, options: SolverOptions) -> Solver:
    """HumanEvalExplain: "Generate docstring" on the solution, then the body again from that docstring."""
    model = sampling(backend, options.temperature)

    def solve(problem: Problem, index: int) -> str:
        declaration = str(problem.fields.get("declaration", ""))
        doc = Document("file:///eval/explain.py", problem.prompt, language_id="python", encoding="utf-32")
        target = doc.definition_at(_def_offset(problem.prompt, problem.entry_point))
        if target is None:
            return declaration
        documented = apply(problem.prompt, [generate_docstring(doc, target, model, run=run_program)])
        docstring = re.search(r'("""|\'\'\')(.*?)\1', documented[len(declaration) - 1 :], re.S)
        text = docstring.group(2).strip() if docstring else ""
        stub = f'{declaration}    """{text}\n    """\n'
        return body_from_docstring(stub, problem.entry_point, model, CANDIDATES)

    return solve
