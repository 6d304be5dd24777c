"""Next edits written by the model: the window around the last edit rewritten, its first change, verified."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from ghostline.engine.actions.chat import ask_for_code, fence_name
from ghostline.engine.document import Document
from ghostline.engine.edits import EditLog, Hunk, unified
from ghostline.engine.nextedit.rename import NextEdit
from ghostline.model.backend import Backend
from ghostline.syntax import cursor
from ghostline.syntax.tree import parse

CONTEXT_LINES = 10
"""Lines of the window above and below the last edit."""
MAX_TOKENS = 320
SYSTEM = (
    "You are a code editor that predicts the programmer's next edit from the edits they just made. "
    "Apply the same kind of change to the other places of the code that need it, and change nothing else."
)
_IMPORT = re.compile(r"^\s*(from\s+\S+\s+import\b|import\b|#include\b|use\s|const\s.*=\s*require\()")


@dataclass(frozen=True)
class Window:
    """Whole lines ``first`` to ``last`` (inclusive) of the document: the part the model may rewrite."""

    first: int
    last: int
    text: str


def window(doc: Document, hunk: Hunk) -> Window:
    """The lines around ``hunk``: ``CONTEXT_LINES`` above and below, clipped to the document."""
    first = max(0, hunk.line - CONTEXT_LINES)
    last = min(doc.line_count - 1, hunk.line + hunk.after.count("\n") + CONTEXT_LINES)
    return Window(first, last, "\n".join(doc.line(row) for row in range(first, last + 1)))


def prompt_parts(doc: Document, log: EditLog, win: Window, path: str) -> str:
    """The request: the recent edits as diffs, then the window as it is now."""
    hunks = [h for h in log.hunks if h.uri == doc.uri][-3:]
    diffs = "".join(unified(h, path) for h in hunks)
    lang = fence_name(doc.language)
    return (
        f"Edits I just made:\n```diff\n{diffs}```\n\n"
        f"The code now (lines {win.first + 1} to {win.last + 1} of {path}):\n```{lang}\n{win.text}\n```\n\n"
        "Write this code again with my next edit made. Keep every other line exactly as it is."
    )


def propose(
    backend: Backend,
    doc: Document,
    log: EditLog,
    cursor_at: int,
    path: str,
    should_stop: Callable[[], bool] = lambda: False,
    checked: bool = True,
) -> NextEdit | None:
    """The model's next edit after the document's last hunk, or None when it only copies or fails a check.

    ``checked=False``: the first change, unchecked (the raw baseline).
    """
    hunk = log.last(doc.uri)
    if hunk is None:
        return None
    win = window(doc, hunk)
    answer = ask_for_code(
        backend, SYSTEM, prompt_parts(doc, log, win, path), doc.language, max_tokens=MAX_TOKENS,
        should_stop=should_stop,
    )  # fmt: skip
    edit = first_change(doc, win, answer.rstrip("\n"))
    if edit is None or (checked and refused(doc, hunk, edit, cursor_at) is not None):
        return None
    return edit


def first_change(doc: Document, win: Window, rewritten: str) -> NextEdit | None:
    """The first block of lines the rewrite changes, as an edit of whole lines (None: a copy)."""
    old, new = _lines(win.text), _lines(rewritten)
    if len(new) > len(old) + CONTEXT_LINES or len(new) < len(old) // 2:
        return None  # not a rewrite of the window (cut short, or more than it)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        start = doc.line_start(win.first + i1) if win.first + i1 < doc.line_count else len(doc.text)
        if i2 > i1:
            last = win.first + i2 - 1
            end = doc.line_start(last) + len(doc.line(last))
            text = "\n".join(new[j1:j2])
        else:  # lines inserted before line i1
            end = start
            text = "".join(line + "\n" for line in new[j1:j2])
        return NextEdit(start, end, text, "model")
    return None


def _lines(text: str) -> list[str]:
    """The lines of ``text`` without the empty ones at its end (a model drops or adds those freely)."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def refused(doc: Document, hunk: Hunk, edit: NextEdit, cursor_at: int) -> str | None:
    """Why a next edit is not shown (None: it may be).

    It must change more than blanks and imports, leave the line being typed and the user's last hunk alone
    (touching it could undo or redo what the user just did), and add no syntax error.
    """
    old = doc.text[edit.start : edit.end]
    if "".join(old.split()) == "".join(edit.text.split()):
        return "whitespace only"
    changed = [line for line in (old + "\n" + edit.text).split("\n") if line.strip()]
    if changed and all(_IMPORT.match(line) for line in changed):
        return "imports only"
    row = doc.row_of(cursor_at)
    if doc.row_of(edit.start) <= row <= doc.row_of(max(edit.end, edit.start)):
        return "on the line being typed"
    if hunk.start <= edit.end and edit.start <= hunk.end:
        return "touches the edit just made (it would undo or redo it)"
    if doc.syntax is not None and doc.language is not None:
        after = doc.text[: edit.start] + edit.text + doc.text[edit.end :]
        tree = parse(doc.language, after.encode("utf-8"))
        if cursor.count_errors(tree.root_node) > cursor.count_errors(doc.syntax.root):
            return "adds a syntax error"
    return None
