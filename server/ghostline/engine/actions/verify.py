"""Checks a candidate edit before it is offered: no new syntax errors; Python compiles and names exist."""

from __future__ import annotations

import builtins
import symtable
import textwrap

from ghostline.engine.text import to_bytes
from ghostline.syntax.cursor import error_count
from ghostline.syntax.errors import find_problems
from ghostline.syntax.tree import parse

_MODULE_NAMES = {"__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__builtins__"}


def problem_in(language: str, text: str, start: int, end: int) -> str | None:
    """The first syntax problem inside ``text[start:end]`` as 'line N: message', or None."""
    source = to_bytes(text)
    first_row = text.count("\n", 0, start)
    last_row = text.count("\n", 0, end)
    for problem in find_problems(parse(language, source).root_node):
        if problem.end[0] >= first_row and problem.start[0] <= last_row:
            return f"line {problem.start[0] - first_row + 1}: {problem.message}"
    return None


def check(language: str | None, before: str, after: str, start: int, end: int) -> str | None:
    """Why ``after`` (``before`` with ``after[start:end]`` rewritten) is not safe, or None when it is."""
    if language is None:
        return None
    if (problem := problem_in(language, after, start, end)) is not None:
        return f"the code does not parse ({problem})"
    if error_count(language, to_bytes(after)) > error_count(language, to_bytes(before)):
        return "the change adds syntax errors elsewhere in the file"
    if language == "python":
        return _compile_error(before, after, start, end)
    return None


def _compile_error(before: str, after: str, start: int, end: int) -> str | None:
    error = _compiles(after)
    if error is None:
        return None
    line, message = error
    rows = range(after.count("\n", 0, start) + 1, after.count("\n", 0, end) + 2)
    if line in rows or _compiles(before) is None:
        return f"Python cannot compile it (line {line - rows.start + 1}: {message})"
    # The file has another, older error first: compile the rewritten part on its own.
    alone = _compiles(textwrap.dedent(after[after.rfind("\n", 0, start) + 1 : end]))
    return None if alone is None else f"Python cannot compile it (line {alone[0]}: {alone[1]})"


def _compiles(source: str) -> tuple[int, str] | None:
    """(line, message) of the first compile error, or None."""
    try:
        compile(source, "<ghostline>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return (exc.lineno or 0, exc.msg)
    except ValueError as exc:  # NUL bytes
        return (0, str(exc))
    return None


def new_undefined_names(before: str, after: str) -> list[str]:
    """Python: names the rewrite uses that nothing defines, imports or provides as a builtin."""
    return sorted(_undefined(after) - _undefined(before))


def _undefined(source: str) -> set[str]:
    if "import *" in source:
        return set()  # anything could come from there
    try:
        table = symtable.symtable(source, "<ghostline>", "exec")
    except (SyntaxError, ValueError):
        return set()
    defined = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    defined |= set(dir(builtins)) | _MODULE_NAMES
    missing: set[str] = set()
    stack = [table]
    while stack:
        scope = stack.pop()
        for symbol in scope.get_symbols():
            name = symbol.get_name()
            if symbol.is_declared_global() and symbol.is_assigned():
                defined.add(name)  # ``global x; x = ...`` in a function
            global_ = symbol.is_global() or scope.get_type() == "module"
            if symbol.is_referenced() and global_:
                missing.add(name)
        stack.extend(scope.get_children())
    return missing - defined
