"""Docstring examples that are true: the model proposes calls, the code itself answers them in a sandbox."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from ghostline.engine.actions.chat import ask_for_code, has_chat
from ghostline.model.backend import Backend
from ghostline.sandbox import RunResult

Runner = Callable[[str], RunResult]
"""Runs a Python program in the sandbox (``sandbox.run_program``, or one with other limits)."""
Check = Callable[[str], str | None]
"""Judges a whole candidate file: why it fails, or None when it passes."""
SYSTEM = "You are Ghostline. You write short, telling usage examples for code."
MAX_EXAMPLES = 3
MAX_RESULT_CHARS = 80
MAX_CODE_CHARS = 6000
_MARK = "ghostline-example:"


def verified_examples(
    backend: Backend,
    module: str,
    name: str,
    code: str,
    run: Runner | None,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[tuple[str, str]]:
    """Up to three (call, repr of its result) pairs for function ``name`` of Python ``module``.

    Only calls whose arguments are literals are kept, and only results the code itself computed, in the
    sandbox ``run`` provides (none without one).
    """
    if run is None or not has_chat(backend):
        return []
    ask = (
        f"Write three different example calls of {name} that show what it does, with ordinary and "
        f"edge-case arguments: one call per line, like {name}(...). Only the calls, no results."
        f"\n\n```python\n{code[:MAX_CODE_CHARS]}\n```"
    )
    answer = ask_for_code(backend, SYSTEM, ask, "python", max_tokens=160, should_stop=should_stop)
    calls = literal_calls(answer, name)
    if not calls:
        return []
    result = run(_driver(module, calls))
    return _results(calls, result.stderr) if result.passed else []


def literal_calls(text: str, name: str) -> list[str]:
    """The distinct calls of ``name`` in ``text`` whose arguments are all literals.

    Reads code as small models write it: bare calls, ``>>>`` lines, ``print(call)``, and arguments held in
    variables assigned a literal just before (``xs = [1, 2]`` then ``f(xs)``).
    """
    try:
        statements = ast.parse(text).body
    except SyntaxError:
        statements = []
        for line in text.splitlines():
            try:
                statements += ast.parse(line.strip().removeprefix(">>>").strip()).body
            except SyntaxError:
                continue
    found: list[str] = []
    values: dict[str, ast.expr] = {}
    for statement in statements:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and _is_literal(statement.value):
                values[target.id] = statement.value
        elif isinstance(statement, ast.Expr) and (call := _call_of(statement.value, name)) is not None:
            call = _Inline(values).visit(call)
            arguments = [*call.args, *(k.value for k in call.keywords)]
            if all(_is_literal(a) for a in arguments) and (code := ast.unparse(call)) not in found:
                found.append(code)
    return found[:MAX_EXAMPLES]


def _call_of(node: ast.expr, name: str) -> ast.Call | None:
    """``node`` when it calls ``name``, or the call inside ``print(...)``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == name:
            return node
        if node.func.id == "print" and len(node.args) == 1 and not node.keywords:
            return _call_of(node.args[0], name)
    return None


class _Inline(ast.NodeTransformer):
    """Replaces variables by the literals they were assigned."""

    def __init__(self, values: dict[str, ast.expr]) -> None:
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.values.get(node.id, node)


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _driver(module: str, calls: list[str]) -> str:
    """Load ``module`` (not as ``__main__``: its main block stays quiet), then print each call's result.

    Each result goes to standard error as one line, its repr marked with the call's index.
    """
    lines = [
        "import sys as _sys",
        "_ns = {'__name__': 'ghostline_examples'}",
        f"exec(compile({module!r}, 'module.py', 'exec'), _ns)",
    ]
    for i, call in enumerate(calls):
        shown = f"repr(eval({call!r}, _ns)).replace('\\n', ' ')"
        lines += [
            "try:",
            f"    _sys.stderr.write({_MARK!r} + '{i} ' + {shown} + '\\n')",
            "except Exception:",
            "    pass",
        ]
    return "\n".join(lines) + "\n"


def _results(calls: list[str], output: str) -> list[tuple[str, str]]:
    results: dict[int, str] = {}
    for line in output.splitlines():
        if line.startswith(_MARK):
            index, _, value = line[len(_MARK) :].partition(" ")
            if index.isdigit() and int(index) < len(calls) and len(value) <= MAX_RESULT_CHARS:
                results[int(index)] = value
    return [(calls[i], results[i]) for i in sorted(results)]


def stated_examples(source: str, name: str | None = None) -> str:
    """Code to append to ``source`` that fails when the examples it states do not hold ('' if none).

    Prose examples of function ``name`` (``f(3) == 6``) become asserts; every ``>>>`` example written in a
    triple-quoted string anywhere in ``source`` (docstrings, notes) is run by doctest.
    """
    asserts = example_asserts(source, name) if name else ""
    return (f"\n\n{asserts}\n" if asserts else "") + _doctest_driver(source)


def _doctest_driver(source: str) -> str:
    """Runs the ``>>>`` examples in ``source``'s triple-quoted strings; exit 1 when one fails ('' if none)."""
    notes = "\n".join(m[1] for m in re.findall(r'("""|\'\'\')(.*?)\1', source, re.S) if ">>>" in m[1])
    if not notes:
        return ""
    return (
        "\n\nimport doctest as _doctest, sys as _sys\n"
        f"_test = _doctest.DocTestParser().get_doctest({notes!r}, dict(globals()), 'examples', None, 0)\n"
        "_runner = _doctest.DocTestRunner(optionflags=_doctest.ELLIPSIS | _doctest.NORMALIZE_WHITESPACE)\n"
        "_runner.run(_test)\n"
        "_sys.exit(1 if _runner.failures else 0)\n"
    )


def examples_check(extra: str, run: Runner) -> Check:
    """A check: the candidate file plus ``extra`` (the user's examples) runs cleanly in the sandbox ``run``.

    A failure says why in the last line of the program's standard error (repair feeds it back to the model).
    """

    def check(source: str) -> str | None:
        result = run(source + extra)
        if result.passed:
            return None
        last = result.stderr.strip().split("\n")[-1:] or [result.status]
        return f"it fails the examples ({(last[0] or result.status)[:200]})"

    return check


_EXAMPLE = re.compile(
    r"(?P<call>\b{name}\s*\(.*\))\s*(?:==|➞|=>|->|should\s+(?:return|be)|returns?|is)\s*(?P<want>.+?)[.,;]?\s*$"
)


def example_asserts(source: str, name: str) -> str:
    """Asserts for the examples a docstring states in prose (``f(3) == 6``, ``f(1) ➞ True``, "should return").

    Doctest examples (``>>>``) are run by doctest itself; an example that is not valid Python is skipped.
    """
    pattern = re.compile(_EXAMPLE.pattern.format(name=re.escape(name)))
    found = []
    for line in source.split("\n"):
        if ">>>" in line or (match := pattern.search(line.strip())) is None:
            continue
        call, want = match["call"], match["want"].strip().rstrip(".")
        try:
            compile(f"assert {call} == {want}", "<example>", "exec")
        except SyntaxError:
            continue
        found.append(f"assert {call} == {want}, {call!r}")
    return "\n".join(found)
