"""What part of a finished suggestion is safe to insert: balanced, not a repeat, no new syntax errors."""

from __future__ import annotations

import re
from collections.abc import Callable

from ghostline.engine.completion.stops import CLOSING
from ghostline.engine.completion.stops import indent_of as _indent
from ghostline.engine.text import to_bytes
from ghostline.syntax.cursor import error_count

_CODE = re.compile(r"\S")


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
    below = _CODE.search(text, offset)
    if not suggestion.strip() or (below is not None and text.startswith(suggestion.strip(), below.start())):
        return ""  # empty, or a copy of what already follows
    if _repeats_line_above(text, offset, suggestion):
        return ""
    if language is None:
        return suggestion
    if baseline is None:
        baseline = error_count(language, to_bytes(text))
    depth_below = _indent_below(text, offset)
    fits = _indentation_rule(text, offset, depth_below) if language == "python" else None
    for candidate in _candidates(suggestion, depth_below):
        if fits is not None and not fits(candidate):
            continue  # tree-sitter forgives a wrong indentation, Python does not
        merged = text[:offset] + candidate + text[offset:]
        if error_count(language, to_bytes(merged)) <= baseline:
            return candidate
    return ""


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


def _repeats_line_above(text: str, offset: int, suggestion: str) -> bool:
    """Whether the completed current line would be a copy of the line above it."""
    line_start = text.rfind("\n", 0, offset) + 1
    if line_start == 0:
        return False
    above_start = text.rfind("\n", 0, line_start - 1) + 1
    above = text[above_start : line_start - 1].strip()
    completed = (text[line_start:offset] + suggestion.split("\n", 1)[0]).strip()
    return bool(above) and completed == above
