"""What part of a finished suggestion is safe to insert: balanced, not a repeat, no new syntax errors."""

from __future__ import annotations

import re
from collections.abc import Callable

from ghostline.engine.completion.stops import CLOSING
from ghostline.engine.completion.stops import indent_of as _indent
from ghostline.engine.text import to_bytes
from ghostline.syntax.cursor import error_count

_CODE = re.compile(r"\S")
_BLANK_START = re.compile(r"(?:[ \t]*\n)+")


def finalize(
    language: str | None,
    text: str,
    offset: int,
    suggestion: str,
    line_after: str,
    baseline: int | None = None,
) -> str:
    """The longest safe part of ``suggestion`` at ``offset`` of ``text`` ('' when nothing is safe).

    ``baseline`` is how many syntax errors ``text`` has already (the engine counts them on the document's
    live tree; None parses ``text`` again): a candidate may not add to them.
    """
    suggestion = suggestion.rstrip()
    if not suggestion.strip():
        return ""
    suggestion = _balance(suggestion, line_after)
    if not suggestion.strip() or _copies_what_follows(text, offset, suggestion):
        return ""  # empty, or a copy of what already follows
    if _repeats_line_above(text, offset, suggestion):
        return ""
    if language is None:
        return suggestion
    if baseline is None:
        baseline = error_count(language, to_bytes(text))
    depth_below = _indent_below(text, offset)
    fits = _indentation_rule(text, offset, depth_below) if language == "python" else None
    for candidate in _candidates(suggestion, depth_below) + _fallbacks(text, offset, suggestion, depth_below):
        if fits is not None and not fits(candidate):
            continue  # tree-sitter forgives a wrong indentation, Python does not
        merged = text[:offset] + candidate + text[offset:]
        if error_count(language, to_bytes(merged)) <= baseline:
            return candidate
    return ""


def _fallbacks(text: str, offset: int, suggestion: str, below: int) -> list[str]:
    """Tried when every candidate failed: on a blank line, the suggestion without its leading blank lines.

    The model began on the next line; its code belongs on the cursor's line.
    """
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    head = text[line_start:offset]
    blank = _BLANK_START.match(suggestion)
    if blank is None or head.strip() or text[offset : line_end if line_end >= 0 else len(text)].strip():
        return []
    rest = suggestion[blank.end() :]
    if not rest.startswith(head):
        return []  # its first line is shallower than the cursor: inserting cannot put it there
    rest = rest[len(head) :]
    if _copies_what_follows(text, offset, rest) or _repeats_line_above(text, offset, rest):
        return []
    return _candidates(rest, below)


def _indentation_rule(text: str, offset: int, below: int) -> Callable[[str], bool] | None:
    """Python: a block opened above gets a deeper first line, and a deeper line below follows an opener.

    What the rule needs from the document is read once; the returned test is applied to each candidate
    (None inside a docstring, where indentation is free).
    """
    if text.count('"""', 0, offset) % 2 or text.count("'''", 0, offset) % 2:
        return None
    line_start = text.rfind("\n", 0, offset) + 1
    head = text[line_start:offset]
    above = _code_line_above(text, line_start)
    floor = _indent(above) if not head.strip() and above.rstrip().endswith(":") else -1
    line_end = text.find("\n", offset)
    mid_line = bool(text[offset : line_end if line_end >= 0 else len(text)].strip())

    def fits(candidate: str) -> bool:
        lines = (head + candidate).split("\n")
        if _indent(lines[0]) <= floor:
            return False
        continues = mid_line or lines[-1].rstrip().endswith((":", ",", "(", "[", "{", "\\"))
        return continues or below <= _indent(lines[-1])

    return fits


def _code_line_above(text: str, line_start: int) -> str:
    """The nearest non-blank line that ends before ``line_start`` ('' when there is none)."""
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip():
            return text[start:end]
        end = start - 1
    return ""


def _balance(suggestion: str, line_after: str) -> str:
    """Drop closing brackets at the end that the rest of the line already supplies."""
    closers = line_after[: len(line_after) - len(line_after.lstrip(CLOSING + "'\";,"))]
    for k in range(len(closers), 0, -1):
        if suggestion.endswith(closers[:k]):
            return suggestion[: len(suggestion) - k]
    return suggestion


def _candidates(suggestion: str, below: int) -> list[str]:
    """The suggestion, then it cut at each line end, longest first (``below``: next code line's indent)."""
    lines = suggestion.split("\n")
    out = ["\n".join(lines[:n]).rstrip() for n in range(len(lines), 0, -1)]
    # Several lines ending on a block opener (``if n <= 1:``) leave a block without a body, unless the
    # code below the cursor is that body.
    out = [c for c in out if "\n" not in c or not _opens_empty_block(c, below)]
    return [c for i, c in enumerate(out) if c.strip() and c not in out[:i]]


def _opens_empty_block(candidate: str, below: int) -> bool:
    last = candidate.rsplit("\n", 1)[-1]
    return last.rstrip().endswith((":", "{", "(", "[", "=>", "->")) and below <= _indent(last)


def _indent_below(text: str, offset: int) -> int:
    """The indentation of the first non-blank line after the cursor's line (-1 when there is none)."""
    start = text.find("\n", offset)
    while start >= 0:
        end = text.find("\n", start + 1)
        line = text[start + 1 : end if end >= 0 else len(text)]
        if line.strip():
            return _indent(line)
        start = end
    return -1


def _copies_what_follows(text: str, offset: int, suggestion: str) -> bool:
    """Whether the suggestion only writes again the code after the cursor (on a later line: at its depth)."""
    below = _CODE.search(text, offset)
    if below is None or not text.startswith(suggestion.strip(), below.start()):
        return False
    if "\n" not in text[offset : below.start()]:
        return True  # the same text right after the cursor
    written = suggestion.find(suggestion.strip())
    lead = (text[text.rfind("\n", 0, offset) + 1 : offset] + suggestion[:written]).rsplit("\n", 1)[-1]
    if lead.strip():
        return True
    return _indent(lead) == _indent(text[text.rfind("\n", 0, below.start()) + 1 : below.start()])


def _repeats_line_above(text: str, offset: int, suggestion: str) -> bool:
    """Whether the completed current line stutters the line just above: the same code at the same depth.

    A line of closers that close brackets still open above it (``}`` under ``}``) is no repeat.
    """
    line_start = text.rfind("\n", 0, offset) + 1
    first = suggestion.split("\n", 1)[0]
    if line_start == 0 or not first.strip():
        return False
    above_start = text.rfind("\n", 0, line_start - 1) + 1
    above = text[above_start : line_start - 1].rstrip()
    completed = (text[line_start:offset] + first).rstrip()
    if not above.strip() or completed.strip() != above.strip() or _indent(completed) != _indent(above):
        return False
    return not _closes_open_brackets(text[:line_start], completed)


_OPENER_OF = {")": "(", "]": "[", "}": "{"}


def _closes_open_brackets(before: str, line: str) -> bool:
    """Whether ``line`` is only closers (``}``, ``});``), each closing a bracket still open in ``before``.

    The innermost of them must have been opened on a line as deep as ``line`` (``}`` lines up with its
    block's header).
    """
    closers = line.strip().rstrip(";,")
    if not closers or any(c not in CLOSING for c in closers):
        return False
    still_open: list[tuple[str, int]] = []
    for row in before.split("\n"):
        depth = _indent(row)
        for c in row:
            if c in "([{":
                still_open.append((c, depth))
            elif c in CLOSING and still_open and still_open[-1][0] == _OPENER_OF[c]:
                still_open.pop()
    if not still_open or still_open[-1][1] != _indent(line):
        return False
    return all(still_open and still_open.pop()[0] == _OPENER_OF[c] for c in closers)
