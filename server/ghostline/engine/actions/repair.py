"""Repair ("Fix with Ghostline"): rewrite the smallest enclosing unit, verified before it is offered."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator

from ghostline.engine.actions import verify
from ghostline.engine.actions.bounds import Problem, asked, bounded, deletes_too_much
from ghostline.engine.actions.chat import ask_for_code, fence_name
from ghostline.engine.actions.edits import ActionFailed, Edit, line_ending, minimal_edit, reindent
from ghostline.engine.actions.fill import infill_line
from ghostline.engine.document import Document
from ghostline.model.backend import Backend
from ghostline.syntax.definitions import find_definitions

TEMPERATURES = (0.0, 0.4, 0.8)
"""One attempt per temperature: greedy first, then with the previous rejection fed back."""
WINDOW = 4
MAX_UNIT_LINES = 80
SYSTEM = (
    "You are Ghostline, a precise code repair tool. You rewrite the code you are given with the problem "
    "fixed, changing as little as possible and keeping names, comments and formatting. Reply with code only."
)


def span_for(doc: Document, problem: Problem) -> tuple[int, int]:
    """Whole lines to rewrite: the innermost function around the problem, else a few lines around it."""
    text = doc.text
    paragraph = _paragraph(text, problem)
    if doc.syntax is not None and doc.language is not None:
        lo, hi = doc.byte_at(problem.start), doc.byte_at(problem.end)
        around = [
            d.node
            for d in find_definitions(doc.language, doc.syntax.root)
            if d.kind != "class" and d.node.start_byte <= lo and hi <= d.node.end_byte
        ]
        if around:
            node = max(around, key=lambda n: n.start_byte)
            unit = _whole_lines(
                text, doc.offset_of_point(*node.start_point), doc.offset_of_point(*node.end_point)
            )
            inside = unit[0] <= paragraph[0] and paragraph[1] <= unit[1] and paragraph != unit
            if node.end_point[0] - node.start_point[0] < MAX_UNIT_LINES and not inside:
                return unit  # a syntax error can make tree-sitter's function run on past its real end
    return paragraph


def _paragraph(text: str, problem: Problem) -> tuple[int, int]:
    """The top-level block around the problem (from the line at column 0 above it to the next one).

    A syntax error often leaves tree-sitter without the function around it; indentation still shows it.
    Longer blocks fall back to a few lines on each side.
    """
    lines = text.split("\n")
    first, last = text.count("\n", 0, problem.start), text.count("\n", 0, problem.end)
    top = first
    while top > 0 and (not lines[top].strip() or lines[top][0] in " \t"):
        top -= 1
    bottom = last
    while bottom + 1 < len(lines) and (not lines[bottom + 1].strip() or lines[bottom + 1][0] in " \t"):
        bottom += 1
    while bottom > last and not lines[bottom].strip():
        bottom -= 1
    if bottom - top >= MAX_UNIT_LINES:
        top, bottom = max(first - WINDOW, 0), min(last + WINDOW, len(lines) - 1)
    start = sum(len(line) + 1 for line in lines[:top])
    end = start + sum(len(line) + 1 for line in lines[top : bottom + 1]) - 1
    return start, max(end, start)


def _whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, start) + 1
    stop = text.find("\n", end)
    return start, len(text) if stop < 0 else stop


def repair(
    doc: Document,
    problem: Problem,
    backend: Backend,
    should_stop: Callable[[], bool] = lambda: False,
    check: Callable[[str], str | None] | None = None,
) -> Edit:
    """A verified edit that fixes ``problem``; ActionFailed when no attempt was safe.

    ``check`` runs the whole repaired file against the user's own examples (in a sandbox) and says why it
    fails (None when it passes); a failing candidate is retried like one that does not parse.
    """
    text, nl = doc.text, line_ending(doc.text)
    problem = bounded(doc, problem)
    start, end = span_for(doc, problem)
    snippet = text[start:end].replace("\r\n", "\n")
    indent = _common_indent(snippet)
    code = textwrap.dedent(snippet)
    row = text.count("\n", 0, problem.start) - text.count("\n", 0, start)
    bad_line = code.split("\n")[row].strip() if row < code.count("\n") + 1 else ""
    tried: list[tuple[str, str]] = []
    for temperature in TEMPERATURES:
        user = _request(doc.language, code, problem.message, row + 1, bad_line, tried)
        answer = ask_for_code(
            backend, SYSTEM, user, doc.language, temperature=temperature, should_stop=should_stop
        )
        answer = trim_echoes(answer, code, text[:start] + text[end:])
        candidate = reindent(answer, indent, nl) if answer.strip() else ""
        reason = _judge(doc, problem, start, end, candidate, check)
        if reason is None:
            return minimal_edit(text, start, end, candidate)
        tried.append((answer, reason))
        if len(tried) == 1:  # the rewrite failed: let the model fill in the broken line itself (cheap, FIM)
            infills = _line_infills(doc, problem, (start, end), backend, should_stop, check is not None)
            for candidate in infills:
                if (reason := _judge(doc, problem, start, end, candidate, check)) is None:
                    return minimal_edit(text, start, end, candidate)
    raise ActionFailed(
        f"Ghostline found no safe fix for '{problem.message}': {tried[-1][1]} "
        f"(after {len(tried)} attempts); nothing was changed."
    )


def trim_echoes(answer: str, code: str, outside: str) -> str:
    """``answer`` without leading or trailing lines that only repeat code from elsewhere in the file.

    Small models often restate the file's imports above the function, or carry on into the next one.
    """
    lines, known = answer.split("\n"), {line.strip() for line in outside.split("\n") if line.strip()}
    ours = [line.strip() for line in code.split("\n") if line.strip()]
    if not ours:
        return answer
    stripped = [line.strip() for line in lines]
    head = stripped.index(ours[0]) if ours[0] in stripped else 0
    if not all(not s or s in known for s in stripped[:head]):
        head = 0
    tail = len(stripped) - stripped[::-1].index(ours[-1]) if ours[-1] in stripped[head:] else len(stripped)
    if not all(not s or s in known for s in stripped[tail:]):
        tail = len(stripped)
    return "\n".join(lines[head:tail]).strip("\n")


def _line_infills(
    doc: Document,
    problem: Problem,
    span: tuple[int, int],
    backend: Backend,
    should_stop: Callable[[], bool],
    every_line: bool = False,
) -> Iterator[str]:
    """Rewrites of ``span`` in which the model filled in one line in place.

    First it continues the line right after a syntax error (``(1 +)`` → ``(1 + b)``), then it rewrites the
    problem's whole line from its indentation; with ``every_line`` (when the user's examples can tell a right
    line from a wrong one) it then rewrites each other code line of the span in turn.
    """
    text, (start, end) = doc.text, span
    spots: list[tuple[int, int]] = []
    if problem.start < problem.end:
        row = text.count("\n", 0, problem.start)
        if doc.language and verify.problem_in(doc.language, text, problem.start, problem.end):
            spots.append((problem.end, problem.end))
        spots.append(_code_of_line(doc, row))
    if every_line:
        first, last = text.count("\n", 0, start), text.count("\n", 0, end)
        spots += [s for row in _code_rows(text, first, last) if (s := _code_of_line(doc, row)) not in spots]
    for lo, hi in spots:
        if not start <= lo <= hi <= end or should_stop():
            continue
        line_end = len(text) if (stop := text.find("\n", hi)) < 0 else stop
        written = infill_line(backend, text[:lo], text[hi:], should_stop) or ""
        rest = text[hi:line_end].strip()
        for fill in ([written[: written.find(rest)]] if rest and rest in written else []) + [written]:
            if fill.strip():  # models often run past the rest of the line: try it cut there first
                merged = text[:lo] + fill + text[hi:]
                yield merged[start : end + len(merged) - len(text)]


def _code_of_line(doc: Document, row: int) -> tuple[int, int]:
    """The offsets of line ``row`` without its indentation."""
    line = doc.line(row)
    line_start = doc.line_start(row)
    return line_start + len(line) - len(line.lstrip()), line_start + len(line)


_HEADERS = ("def ", "async def ", "class ", "@", "#", "//")


def _code_rows(text: str, first: int, last: int) -> list[int]:
    """Rows from ``first`` to ``last`` that hold code (not blank, a header, a comment, or in a docstring)."""
    rows, in_string = [], False
    for row, line in enumerate(text.split("\n")[first : last + 1], start=first):
        quotes = line.count('"""') + line.count("'''")
        if in_string or quotes:
            in_string = in_string != (quotes % 2 == 1)
            continue
        if line.strip() and not line.strip().startswith(_HEADERS):
            rows.append(row)
    return rows


def _judge(
    doc: Document,
    problem: Problem,
    start: int,
    end: int,
    candidate: str,
    check: Callable[[str], str | None] | None,
) -> str | None:
    """Why ``candidate`` for ``doc.text[start:end]`` is not offered (None: safe, and passes ``check``)."""
    reason = _reject(doc, start, end, candidate)
    lo, hi = asked(doc, problem)
    first = doc.text.count("\n", start, max(lo, start))
    last = first + doc.text.count("\n", max(lo, start), max(min(hi, end), start))
    if reason is None and deletes_too_much(doc.text[start:end], candidate, first, last):
        reason = "it deletes code it was not asked to fix"
    if reason is None and check is not None:
        reason = check(doc.text[:start] + candidate + doc.text[end:])
    return reason


def _reject(doc: Document, start: int, end: int, candidate: str) -> str | None:
    """Why a candidate is not offered, or None."""
    if not candidate.strip():
        return "the model wrote no code"
    if candidate == doc.text[start:end]:
        return "the model returned the code unchanged"
    merged = doc.text[:start] + candidate + doc.text[end:]
    return verify.check(doc.language, doc.text, merged, start, start + len(candidate))


def _request(
    language: str | None, code: str, message: str, row: int, bad_line: str, tried: list[tuple[str, str]]
) -> str:
    tag = fence_name(language)
    where = f" (line {row}: `{bad_line}`)" if bad_line else ""
    parts = [f"This {language or 'code'} code has a problem{where}: {message}\n\n```{tag}\n{code}\n```"]
    for answer, reason in tried[-1:]:
        parts.append(f"A previous rewrite was rejected because {reason}:\n```{tag}\n{answer}\n```")
    parts.append("Rewrite the code above with the problem fixed.")
    return "\n\n".join(parts)


def _common_indent(code: str) -> str:
    lines = [line for line in code.split("\n") if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    width = min(len(line) - len(line.lstrip(" \t")) for line in lines)
    return first[:width]
