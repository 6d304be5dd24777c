"""A repair stays where it was asked: forged or wide ranges are bounded; deleting other code is refused."""

from __future__ import annotations

import pytest

from ghostline.engine.actions import catalog
from ghostline.engine.actions.bounds import Problem, bounded, deletes_too_much
from ghostline.engine.actions.edits import ActionFailed, apply
from ghostline.engine.actions.repair import repair
from ghostline.engine.document import Document
from ghostline.model.fake import FakeBackend

SOURCE = (
    "import os\n"
    "\n"
    "\n"
    "def first(values):\n"
    "    total = 0\n"
    "    for v in values:\n"
    "        total += v\n"
    "    return total\n"
    "\n"
    "\n"
    "def second(x):\n"
    "    y = x * 2\n"
    "    z = y + 1\n"
    "    return z\n"
    "\n"
    "\n"
    "print(first([1]), second(2))\n"
)


def test_a_forged_range_is_bounded_to_the_definition_it_starts_in() -> None:
    doc = Document("file:///p/a.py", SOURCE)
    start = SOURCE.index("    y = x * 2")
    forged = bounded(doc, Problem("forged", start - 10**18, 10**18))
    assert (forged.start, forged.end) == (0, doc.line_start(5))  # outside any definition: a small window
    inside = bounded(doc, Problem("wide", start, 10**18))
    assert SOURCE[inside.start : inside.end].startswith("    y = x * 2")
    assert inside.end <= SOURCE.index("\n\n\nprint") + 1  # never past the definition


def test_a_forged_resolve_never_replaces_the_file_with_one_line() -> None:
    doc = Document("file:///p/a.py", SOURCE)
    data = {"message": "forged", "start": -(10**18), "end": 10**18}
    with pytest.raises(ActionFailed):
        catalog.run("fix", doc, 0, FakeBackend(["x = 1"] * 3), data=data)


def test_a_wide_diagnostic_from_another_linter_cannot_delete_other_functions() -> None:
    doc = Document("file:///p/a.py", SOURCE)
    start = SOURCE.index("    y = x * 2")
    problem = Problem("'z' could be inlined (other-linter)", start, len(SOURCE))
    rewrite = "def second(x):\n    y = x * 2\n    return y + 1"
    edit = repair(doc, problem, FakeBackend([rewrite]))
    after = apply(SOURCE, [edit])
    assert "def first(values):" in after and "print(first([1]), second(2))" in after
    assert "return y + 1" in after


def test_deleting_code_away_from_the_problem_is_refused() -> None:
    before = "def f(x):\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n    return x +\n"
    assert deletes_too_much(before, "def f(x):\n    return x + 1\n", 5, 5)
    assert not deletes_too_much(before, before.replace("x +", "x + 1"), 5, 5)
    assert not deletes_too_much(before, before.replace("    d = 4\n", ""), 4, 5)  # the problem's own line
