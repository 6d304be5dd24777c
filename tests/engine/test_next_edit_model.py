"""Model next edits: the rewritten window's first change, and the checks that keep an edit from showing."""

from __future__ import annotations

import pytest

from ghostline.engine.document import Document
from ghostline.engine.edits import EditLog
from ghostline.engine.nextedit import model
from ghostline.model.fake import FakeBackend

SOURCE = """import os


def area(width, height):
    return width * height


def volume(width, height, depth):
    return width * height * depth
"""


def edited(text: str, old: str, new: str) -> tuple[Document, EditLog]:
    """``text`` with ``old`` replaced by ``new`` as a user's edit (recorded in a fresh log)."""
    doc, log = Document("file:///t/shapes.py", text), EditLog()
    at = text.index(old)
    log.record(doc.uri, doc.text, at, at + len(old), new)
    doc.apply_change(new, doc.position_at(at), doc.position_at(at + len(old)))
    doc.reparse()
    return doc, log


def rewrite(doc: Document, log: EditLog, old: str, new: str) -> str:
    """The model's answer: the window with ``old`` replaced by ``new``."""
    hunk = log.last(doc.uri)
    assert hunk is not None
    return model.window(doc, hunk).text.replace(old, new) + "\n```"


def test_the_first_change_of_the_rewritten_window_is_the_next_edit() -> None:
    doc, log = edited(SOURCE, "width * height\n", "width * height * 2\n")
    answer = rewrite(doc, log, "width * height * depth", "width * height * depth * 2")
    edit = model.propose(FakeBackend([answer]), doc, log, doc.text.index("* 2") + 3, "shapes.py")
    assert edit is not None and doc.text[edit.start : edit.end] == "    return width * height * depth"
    assert edit.text == "    return width * height * depth * 2"


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("width * height * depth", "width  *  height * depth", "whitespace only"),
        ("import os", "import sys", "imports only"),
        ("width * height * depth", "width * (height * depth", "adds a syntax error"),
        ("width * height * 2", "width * height", "touches the edit just made (it would undo or redo it)"),
        ("width * height * 2", "width * height * 3", "touches the edit just made (it would undo or redo it)"),
    ],
)
def test_edits_that_must_stay_silent(old: str, new: str, why: str) -> None:
    doc, log = edited(SOURCE, "width * height\n", "width * height * 2\n")
    answer = rewrite(doc, log, old, new)
    cursor = 0  # the cursor elsewhere: only the check named refuses the edit
    raw = model.propose(FakeBackend([answer]), doc, log, cursor, "shapes.py", checked=False)
    assert raw is not None
    hunk = log.last(doc.uri)
    assert hunk is not None and model.refused(doc, hunk, raw, cursor) == why
    assert model.propose(FakeBackend([answer]), doc, log, cursor, "shapes.py") is None


def test_a_copy_of_the_window_or_the_line_being_typed_is_no_next_edit() -> None:
    doc, log = edited(SOURCE, "width * height\n", "width * height * 2\n")
    copy = rewrite(doc, log, "", "")
    assert model.propose(FakeBackend([copy]), doc, log, 0, "shapes.py") is None
    answer = rewrite(doc, log, "width * height * depth", "width * height * depth * 2")
    on_it = doc.text.index("depth\n")  # the cursor on the line the edit would change
    assert model.propose(FakeBackend([answer]), doc, log, on_it, "shapes.py") is None
