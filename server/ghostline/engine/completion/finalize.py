"""What part of a finished suggestion is safe to insert: balanced, not a repeat, no new syntax errors."""

from __future__ import annotations

import re
from collections.abc import Callable

from ghostline.engine.completion.stops import CLOSING
from ghostline.engine.completion.stops import indent_of as _indent
from ghostline.engine.text import to_bytes
from ghostline.syntax.cursor import error_count

SCAN = 20_000
"""How far back (characters) the closer fallback looks for the bracket left open."""
_CODE = re.compile(r"\S")
_BLANK_START = re.compile(r"(?:[ \t]*\n)+")


def finalize(
    language: str | None,
    text: str,
    offset: int,
    suggestion: str,
    line_after: str,
    baseline: int | None = None,
    last_resort: bool = True,
) -> str:
    """The longest safe part of ``suggestion`` at ``offset`` of ``text`` ('' when nothing is safe).

    ``baseline`` is how many syntax errors ``text`` has already (the engine counts them on the document's
    live tree; None parses ``text`` again): a candidate may not add to them. With ``last_resort``, a
    blank line where nothing is safe may get the closer of a block left open (``_closer``); a part of a
    suggestion still streaming does not.
    """
    suggestion = _align_closer(text, offset, _balance(suggestion.rstrip(), line_after))
    if language is None:
        return "" if _unsafe(text, offset, suggestion) else suggestion
    if baseline is None:
        baseline = error_count(language, to_bytes(text))
    if _unsafe(text, offset, suggestion):
        return _closer(language, text, offset, baseline) if last_resort else ""
    depth_below = _indent_below(text, offset)
    fits = _indentation_rule(text, offset, depth_below) if language == "python" else None
    best, fewest = "", baseline + 1
    for candidate in _candidates(suggestion, depth_below) + _fallbacks(text, offset, suggestion, depth_below):
        if fits is not None and not fits(candidate):
            continue  # tree-sitter forgives a wrong indentation, Python does not
        errors = error_count(language, to_bytes(text[:offset] + candidate + text[offset:]))
        if errors < fewest:  # the longest safe one, unless a shorter one mends what the document lacks
            best, fewest = candidate, errors
        if fewest == 0:
            break
    # nothing safe: any closer; a safe text that leaves a block open: one the code below shows is due
    closing = last_resort and fewest > 0
    if closing and (closer := _closer(language, text, offset, baseline, before_code=bool(best))):
        return closer
    return best


def _align_closer(text: str, offset: int, suggestion: str) -> str:
    """On a blank line, a first line starting with a closer goes where the line that opened it starts.

    ``}``, ``} else {``, ``)``: from the start of a blank line the model cannot see the cursor's depth.
    """
    line_start = text.rfind("\n", 0, offset) + 1
    head = text[line_start:offset]
    first, sep, rest = suggestion.partition("\n")
    body = first.strip()
    if head.strip() or not body or body[0] not in CLOSING:
        return suggestion
    opened = _open_brackets(text[_scan_start(text, line_start) : line_start])
    if not opened or opened[-1][1] != _OPENER_OF[body[0]] or not opened[-1][0].startswith(head):
        return suggestion
    return opened[-1][0][len(head) :] + body + sep + rest


def _unsafe(text: str, offset: int, suggestion: str) -> bool:
    """Empty, a copy of what already follows, or a stutter of the line above."""
    return (
        not suggestion.strip()
        or _copies_what_follows(text, offset, suggestion)
        or _repeats_line_above(text, offset, suggestion)
    )


def _closer(language: str, text: str, offset: int, baseline: int, before_code: bool = False) -> str:
    """Last resort on a blank line: the closer of a block left open above and never closed, at its depth.

    When the model's text was refused and the innermost block open at the cursor is never closed (the
    first line below as shallow as its opener's line is not its closer), the line that closes it (``}``,
    ``})``, ``});``: what its opener's line left open) is offered at that line's indentation, if the
    document with it (and with what is still open closed at its end) has no syntax error. With
    ``before_code``, only where code follows at the opener's depth (not at the end of the document, where
    the user may still be writing the block).
    """
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    head, rest = text[line_start:offset], text[offset : line_end if line_end >= 0 else len(text)]
    if baseline == 0 or head.strip() or rest.strip():
        return ""
    start = _scan_start(text, line_start)
    opened = _open_brackets(text[start:line_start])
    if not opened:
        return ""
    lead, _, row = opened[-1]
    closers = "".join(_CLOSER_OF[c] for _, c, r in reversed(opened) if r == row)
    below = _after_block(text, line_start, len(lead), closers[0])
    if not lead.startswith(head) or below == "closed" or (before_code and below != "code"):
        return ""  # the opener is shallower than the cursor (inserting cannot dedent), or it is closed
    for candidate in (closers, closers + ";"):
        merged = text[:offset] + lead[len(head) :] + candidate + text[offset:]
        if _mended(language, merged, start):
            return lead[len(head) :] + candidate
    return ""


def _scan_start(text: str, line_start: int) -> int:
    """Where the bracket scan for the line at ``line_start`` begins: a line start at most ``SCAN`` before."""
    return text.rfind("\n", 0, max(line_start - SCAN, 0)) + 1


def _after_block(text: str, line_start: int, depth: int, closer: str) -> str:
    """What ends a block opened at ``depth``: the first line below as shallow as that.

    ``closed`` (its closer, at ``depth``), ``code`` (other code: the block was left open) or ``end``.
    """
    for line in text[line_start:].split("\n")[1:]:
        if line.strip() and _indent(line) <= depth:
            closes = _indent(line) == depth and line.strip().startswith(closer)
            return "closed" if closes else "code"
    return "end"


def _mended(language: str, merged: str, start: int) -> bool:
    """Whether closing what ``merged`` leaves open at its end (``)`` or ``);``) leaves no syntax error."""
    tail = "".join(_CLOSER_OF[c] for _, c, _ in reversed(_open_brackets(merged[start:])))
    return any(
        error_count(language, to_bytes(f"{merged.rstrip()}\n{end}\n")) == 0
        for end in dict.fromkeys((tail, tail.replace(")", ");")))
    )


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
_CLOSER_OF = {v: k for k, v in _OPENER_OF.items()}


def _open_brackets(before: str) -> list[tuple[str, str, int]]:
    """The brackets still open at the end of ``before``: (leading blanks of their line, bracket, row).

    A line that closes a bracket opened on an earlier line counts with that line's blanks.
    """
    still_open: list[tuple[str, str, int]] = []
    for r, row in enumerate(before.split("\n")):
        lead = row[: len(row) - len(row.lstrip(" \t"))]
        depth = len(still_open)
        outer = still_open[-1][0] if still_open and still_open[-1][1] in "([" else None
        for c in row:
            if c in "([{":
                still_open.append((lead, c, r))
            elif c in CLOSING and still_open and still_open[-1][1] == _OPENER_OF[c]:
                still_open.pop()
                if outer is not None and len(still_open) < depth:
                    lead = outer  # ``    b) {`` ends a condition begun above: its block lines up there
    return still_open


def _closes_open_brackets(before: str, line: str) -> bool:
    """Whether ``line`` is only closers (``}``, ``});``), each closing a bracket still open in ``before``.

    The innermost of them must have been opened on a line as deep as ``line`` (``}`` lines up with its
    block's header).
    """
    closers = line.strip().rstrip(";,")
    if not closers or any(c not in CLOSING for c in closers):
        return False
    opened = _open_brackets(before)
    if not opened or len(opened[-1][0]) != _indent(line):
        return False
    still_open = [c for _, c, _ in opened]
    return all(still_open and still_open.pop() == _OPENER_OF[c] for c in closers)
