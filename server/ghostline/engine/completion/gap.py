"""Whether an empty line is a tight gap: code right above and right below, the block going on at its depth.

There one statement is wanted (a simple one, or a compound one with its body): a model asked for more writes
the code that follows over again. Where a block is empty or ends, or beside a blank line (a paragraph), the
suggestion may run for several statements (Copilot's rule: multi-line at an empty block's start).
"""

from __future__ import annotations

from ghostline.engine.document import Document
from ghostline.syntax.cursor import BLOCK_OPENERS

CLOSING = set(")]}>;, \t")


def tight_gap(doc: Document, row: int, before: str) -> bool:
    """True when the cursor's empty line ``row`` has code right above and right below at its block's depth.

    ``before`` is the line's text up to the cursor (blanks only): its indentation when the editor put one
    there, else the depth is that of the line above (deeper when that line opens a block).
    """
    above = doc.line(row - 1) if row > 0 else ""
    below = doc.line(row + 1) if row + 1 < doc.line_count else ""
    if not above.strip() or not below.strip() or set(below.strip()) <= CLOSING:
        return False  # a paragraph, the file's edge, or the block's closer: the block may grow here
    if before:
        return depth(below) >= depth(before)
    opens = above.rstrip().endswith(BLOCK_OPENERS)
    return depth(below) > depth(above) if opens else depth(below) >= depth(above)


def depth(line: str) -> int:
    """The width of a line's indentation (a tab counts as four)."""
    blanks = line[: len(line) - len(line.lstrip(" \t"))]
    return len(blanks) + 3 * blanks.count("\t")
