"""Stop rules: when the streamed text of a suggestion is complete (a line, a block, the gap filled)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ghostline.engine.completion.prompt import unheal

CLOSING = ")]}"
DEFINITIONS = ("def ", "async def ", "class ", "@", "function ", "fn ", "pub ", "func ", "impl ")
OPENERS = (":", "{", "(", "[", "=>", "->", "do", "then")
LIKE = 0.75
"""How similar (difflib ratio) a written line and a line below must be for the one to repeat the other."""
_GOES_ON = re.compile(r"[)\]}]*\s*(else|elif|except|finally|catch|while)\b")
"""A line at the statement's depth that continues it (``else:``, ``} catch (e) {`` …)."""


def indent_of(line: str) -> int:
    """Width of a line's leading blanks."""
    return len(line) - len(line.lstrip(" \t"))


class StreamGuard:
    """Fed the streamed text; decides when the suggestion is complete (then ``done`` is set)."""

    def __init__(
        self, mode: str, line_before: str, suffix: str, max_lines: int, tight: bool = False, above: str = ""
    ) -> None:
        self.mode = mode
        self.base = indent_of(line_before) if line_before.strip() else len(line_before)
        self.lead = len(line_before) if not line_before.strip() else -1
        """On a blank line: its width, until the first written line shows the block's real indentation."""
        self.opens_block = line_before.rstrip().endswith(OPENERS)
        below = [ln for ln in suffix.split("\n")[1:] if ln.strip()]
        self.below = {ln.rstrip() for ln in below[:3]}
        """The next lines of code below the cursor: writing one of them again means the gap is filled."""
        self.mid_block = bool(below) and indent_of(below[0]) >= self.base and not self.opens_block
        """Code continues right below at this depth: a blank line written ends the insertion."""
        self.below_indent = max(indent_of(below[0]), 1) if below else 1
        """How far written lines may dedent: to the next line of code below, never to column 0 (from inside
        a block the gap ends before the next top-level statement)."""
        self.tight = tight
        """A tight gap (code right above and below): one statement fills it."""
        self.next_indent = indent_of(below[0]) if below else 0
        self.near = below[:2]
        """The first lines of code below: a written line much like one of them at its depth repeats it."""
        self.closer_first = False
        """The first written line only closes brackets: the block ends there, the code below follows."""
        self.max_lines = max_lines
        self.above = above.rstrip() if not line_before.strip() and above.strip() else ""
        """On a blank line, the line just above: the model often writes it again before the gap's own code
        (it re-anchors); such leading copies are dropped, and the guard judges what follows them."""
        self.line_before = line_before
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
        self._drop_reanchor()
        lines = self.text.split("\n")
        for i, line in enumerate(lines[:-1]):
            if self.lead >= 0 and line.strip():
                # From a blank line the first line written sets the block's indentation (an empty
                # function body at column 0 gets its statements indented; stop when they dedent).
                # The prompt ends healed (without the line's blanks), so the model usually writes them again.
                first = unheal(" " * self.lead, line) if i == 0 else line
                self.base = max(self.base, indent_of(first) + (self.lead if i == 0 else 0))
                self.lead = -1
                self.closer_first = bool(self.near) and set(line.strip()) <= set(CLOSING + ";,")
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

    def _drop_reanchor(self) -> None:
        """Drop whole leading lines that copy the line above the cursor (same code, same depth).

        A line of closers is kept: ``}`` under ``}`` closes another block.
        """
        while self.above and "\n" in self.text:
            first, rest = self.text.split("\n", 1)
            written = (self.line_before + unheal(self.line_before, first)).rstrip()
            if written != self.above or set(written.strip()) <= set(CLOSING + ";,"):
                self.above = ""  # the first line is the gap's own: stop looking
                return
            self.text = rest

    def _cut_before(self, line: str) -> int | None:
        """None to keep going; 0 to stop before ``line``, 1 to stop after it."""
        if not line.strip():
            return None
        if line.rstrip() in self.below or self._like_below(line) or self.closer_first:
            return 0  # it started repeating the code below the cursor, or went on past a block's end
        indent = indent_of(line)
        if self.tight and (one := self._one_statement(line, indent)) is not None:
            return one
        if indent < self.base and line.lstrip().startswith(DEFINITIONS):
            return 0  # a new definition outside the block: not part of this gap
        if indent < min(self.base, self.below_indent) or (self.opens_block and indent <= self.base):
            return 1 if line.strip()[0] in CLOSING and indent == self.base else 0
        return None

    def _like_below(self, line: str) -> bool:
        """Much like a line of the code below, at its depth (the model rewriting it, a little changed)."""
        return any(
            indent_of(b) == indent_of(line) and SequenceMatcher(None, b.strip(), line.strip()).ratio() >= LIKE
            for b in self.near
        )

    def _one_statement(self, line: str, indent: int) -> int | None:
        """In a tight gap at the code below's depth: stop once one statement (with its body) is written."""
        if self.next_indent > self.base:
            return None  # the gap ends with the opener of the code below: maybe after other statements
        if indent > self.base or _GOES_ON.match(line.strip()):
            return None
        return 1 if line.strip()[0] in CLOSING and indent == self.base else 0

    def finish(self) -> str:
        """The text once the stream ended (a last unterminated line is checked too)."""
        if not self.done and self.mode == "multi":
            self.feed("\n")
            self.text = self.text.rstrip("\n") if not self.done else self.text
        return self.text
