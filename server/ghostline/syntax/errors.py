"""Turns tree-sitter ERROR and MISSING nodes into narrow, readable syntax problems."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

MAX_PROBLEMS = 100
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = set(_OPENERS.values())
_QUOTES = {'"', "'", "`", '"""', "'''", "string_start", "raw_string_start"}


@dataclass(frozen=True)
class SyntaxProblem:
    """One syntax error: a stable code, a message, and a (row, byte column) range (rows end at \\n)."""

    code: str
    message: str
    start: tuple[int, int]
    end: tuple[int, int]


def find_problems(root: Node, limit: int = MAX_PROBLEMS) -> list[SyntaxProblem]:
    """The syntax problems of a tree, in document order, without cascades or duplicates."""
    seen: set[tuple[tuple[int, int], tuple[int, int], str]] = set()
    found: list[SyntaxProblem] = []
    for problem in _walk(root, root.text or b""):
        key = (problem.start, problem.end, problem.code)
        if key not in seen:
            seen.add(key)
            found.append(problem)
            if len(found) >= limit:
                break
    return found


def _walk(root: Node, source: bytes) -> Iterator[SyntaxProblem]:
    """The problems under ``root`` in document order (a loop, not recursion: trees may nest 100,000 deep)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_missing:
            yield _missing(node)
        elif node.is_error and not _is_container(node):
            yield _describe_error(node, source)
        elif node.has_error:
            stack.extend(reversed(node.children))


def _is_container(node: Node) -> bool:
    """An ERROR made only of named nodes, some broken, is not itself the break: look inside."""
    children = node.children
    return all(c.is_named for c in children) and any(c.has_error for c in children)


def _point(node: Node, end: bool = False) -> tuple[int, int]:
    p = node.end_point if end else node.start_point
    return (p.row, p.column)


def _token(node: Node) -> str:
    text = (node.text or b"").decode("utf-8", "replace").strip()
    first = text.splitlines()[0] if text else node.type
    return first if len(first) <= 20 else first[:19] + "…"


def _missing(node: Node) -> SyntaxProblem:
    opener = _opener_of(node) if node.type in _CLOSERS else None
    if opener is not None and opener.start_point.row != node.start_point.row:
        return SyntaxProblem(
            "syntax/unclosed",
            f"'{opener.type}' is never closed",
            _point(opener),
            _point(opener, True),
        )
    what = f"'{node.type}'" if not node.is_named else node.type.replace("_", " ")
    at = _point(node)
    return SyntaxProblem("syntax/missing", f"missing {what}", at, at)


def _opener_of(missing: Node) -> Node | None:
    """The bracket a MISSING closer should have closed: its nearest matching earlier sibling."""
    sibling = missing.prev_sibling
    while sibling is not None:
        if sibling.type in _OPENERS and _OPENERS[sibling.type] == missing.type:
            return sibling
        sibling = sibling.prev_sibling
    return None


def _line_end(node: Node) -> tuple[int, int]:
    """The end of the node's first line (or the node's end when it is one line)."""
    if node.end_point.row == node.start_point.row:
        return _point(node, end=True)
    text = node.text or b""
    return (
        node.start_point.row,
        node.start_point.column + len(text.split(b"\n", 1)[0].rstrip(b"\r")),
    )


def _rest_of_line(node: Node, source: bytes) -> tuple[int, int]:
    """The end of the line on which ``node`` starts, as a point (``source``: the whole tree's text)."""
    newline = source.find(b"\n", node.start_byte)
    end = len(source) if newline < 0 else newline
    if end > node.start_byte and source[end - 1 : end] == b"\r":
        end -= 1
    return (node.start_point.row, node.start_point.column + end - node.start_byte)


def _describe_error(node: Node, source: bytes) -> SyntaxProblem:
    children = node.children
    if not children:
        return SyntaxProblem(
            "syntax/unexpected", f"unexpected '{_token(node)}'", _point(node), _line_end(node)
        )
    first = children[0]
    if first.type in _QUOTES:
        return SyntaxProblem(
            "syntax/unterminated-string", "unterminated string", _point(first), _rest_of_line(first, source)
        )
    unclosed = _unclosed_bracket(children)
    if unclosed is not None:
        return SyntaxProblem(
            "syntax/unclosed",
            f"'{unclosed.type}' is never closed",
            _point(unclosed),
            _point(unclosed, True),
        )
    last = children[-1]
    if len(children) > 1 and not last.is_named and last.type not in _CLOSERS and last.type not in {";", ":"}:
        return SyntaxProblem(
            "syntax/incomplete",
            f"expected an expression after '{last.type}'",
            _point(last),
            _point(last, True),
        )
    culprit = next((c for c in children if not c.is_named), first)
    single_line = node.start_point.row == node.end_point.row
    start, end = (_point(node), _point(node, True)) if single_line else (_point(culprit), _line_end(culprit))
    return SyntaxProblem("syntax/unexpected", f"unexpected '{_token(culprit)}'", start, end)


def _unclosed_bracket(children: list[Node]) -> Node | None:
    stack: list[Node] = []
    for child in children:
        if child.type in _OPENERS:
            stack.append(child)
        elif child.type in _CLOSERS and stack and _OPENERS[stack[-1].type] == child.type:
            stack.pop()
    return stack[0] if stack else None
