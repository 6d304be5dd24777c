"""Where the current file is cut around the cursor: the suffix below it, and where the FIM middle begins."""

from __future__ import annotations

from ghostline.engine.document import Document

SUFFIX_LINES = 60
MIDDLE_LINES = 16
"""Lines typed below where typing began that still go after the FIM middle token (then the prefix moves)."""


def middle_start(kept: int, window_line: int, line: int) -> int:
    """Where typing at this place began: ``kept`` while the cursor stays within ``MIDDLE_LINES`` below it.

    The lines typed since then go after the FIM middle token, so a new line only appends to the prompt and
    the suffix before it stays evaluated in the KV cache: a long suffix costs once per place, not per line.
    A cursor above ``kept``, far below it, or a window that moved past it starts the middle at ``line``.
    """
    return kept if window_line <= kept <= line <= kept + MIDDLE_LINES else line


def suffix_after(doc: Document, offset: int, line: int, budget: int) -> str:
    """The text after the cursor: whole lines up to ``budget`` characters (at most ``SUFFIX_LINES`` lines).

    What follows the gap is half of what the model needs to fill it: with 10 lines, and then with a sixth of
    the window, the 0.5B model missed lines that the raw call with a quarter of its window below got right
    (eval realfill; docs/benchmarks.md, "Fill-in on real code").
    """
    end_line = min(line + SUFFIX_LINES, doc.line_count - 1)
    text = doc.text[offset : doc.line_start(end_line + 1)]
    if len(text) > budget:
        cut = text.rfind("\n", 0, budget)
        text = text[: cut + 1] if cut > 0 else text[:budget]
    return text
