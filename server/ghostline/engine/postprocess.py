"""Syntax-aware post-processing: when to stop streaming, and what part of a suggestion is safe to insert."""

from __future__ import annotations

from collections.abc import Callable

from ghostline.engine.prompt import unheal
from ghostline.engine.text import to_bytes
from ghostline.syntax.cursor import error_count

CLOSING = ")]}"
DEFINITIONS = ("def ", "async def ", "class ", "@", "function ", "fn ", "pub ", "func ", "impl ")
OPENERS = (":", "{", "(", "[", "=>", "->", "do", "then")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


class StreamGuard:
    """Fed the streamed text; decides when the suggestion is complete (then ``done`` is set)."""

    def __init__(self, mode: str, line_before: str, suffix: str, max_lines: int) -> None:
        self.mode = mode
        self.base = _indent(line_before) if line_before.strip() else len(line_before)
        self.lead = len(line_before) if not line_before.strip() else -1
        """On a blank line: its width, until the first written line shows the block's real indentation."""
        self.opens_block = line_before.rstrip().endswith(OPENERS)
        below = [ln for ln in suffix.split("\n")[1:] if ln.strip()]
        self.below = {ln.rstrip() for ln in below[:3]}
        """The next lines of code below the cursor: writing one of them again means the gap is filled."""
        self.mid_block = bool(below) and _indent(below[0]) >= self.base and not self.opens_block
        """Code continues right below at this depth: a blank line written ends the insertion."""
        self.below_indent = max(_indent(below[0]), 1) if below else 1
        """How far written lines may dedent: to the next line of code below, never to column 0 (from inside
        a block the gap ends before the next top-level statement)."""
        self.max_lines = max_lines
        self.text = ""
        self.done = False

    def feed(self, piece: str) -> None:
        """Add a streamed piece and re-check the stop rules."""
        if self.done:
            return
        self.text += piece
        if self.mode == "single":
            if "\n" in self.text:
                self.text = self.text.split("\n", 1)[0]
                self.done = True
            return
        lines = self.text.split("\n")
        for i, line in enumerate(lines[:-1]):
            if self.lead >= 0 and line.strip():
                # From a blank line the first line written sets the block's indentation (an empty
                # function body at column 0 gets its statements indented; stop when they dedent).
                # The prompt ends healed (without the line's blanks), so the model usually writes them again.
                first = unheal(" " * self.lead, line) if i == 0 else line
                self.base = max(self.base, _indent(first) + (self.lead if i == 0 else 0))
                self.lead = -1
                continue
            ended = self.mid_block and not line.strip() and any(x.strip() for x in lines[:i])
            if i > 0 and (cut := 0 if ended else self._cut_before(line)) is not None:
                self.text = "\n".join(lines[: i + cut])
                self.done = True
                return
            if i + 1 >= self.max_lines:
                self.text = "\n".join(lines[: i + 1])
                self.done = True
                return

    def _cut_before(self, line: str) -> int | None:
        """None to keep going; 0 to stop before ``line``, 1 to stop after it."""
        if not line.strip():
            return None
        if line.rstrip() in self.below:
            return 0  # it started repeating the code below the cursor
        indent = _indent(line)
        if indent < self.base and line.lstrip().startswith(DEFINITIONS):
            return 0  # a new definition outside the block: not part of this gap
        if indent < min(self.base, self.below_indent) or (self.opens_block and indent <= self.base):
            return 1 if line.strip()[0] in CLOSING and indent == self.base else 0
        return None

    def finish(self) -> str:
        """The text once the stream ended (a last unterminated line is checked too)."""
        if not self.done and self.mode == "multi":
            self.feed("\n")
            self.text = self.text.rstrip("\n") if not self.done else self.text
        return self.text


def finalize(language: str | None, text: str, offset: int, suggestion: str, line_after: str) -> str:
    """The longest safe part of ``suggestion`` at ``offset`` of ``text`` ('' when nothing is safe)."""
    suggestion = suggestion.rstrip()
    if not suggestion.strip():
        return ""
    suggestion = _balance(suggestion, line_after)
    below = text[offset:].lstrip()
    if not suggestion.strip() or below.startswith(suggestion.strip()):
        return ""  # empty, or a copy of what already follows
    if _repeats_line_above(text, offset, suggestion):
        return ""
    if language is None:
        return suggestion
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
