"""Which actions are offered where (no model), and the repair loop's logic with a scripted backend."""

from __future__ import annotations

import pytest

from ghostline.engine.actions import catalog
from ghostline.engine.actions.bounds import Problem
from ghostline.engine.actions.edits import ActionFailed, apply, minimal_edit
from ghostline.engine.actions.repair import repair, span_for
from ghostline.engine.diagnostics import syntax_findings
from ghostline.engine.document import Document, Pos
from ghostline.model import fim
from ghostline.model.fake import FakeBackend

SOURCE = (
    "import os\n"
    "\n"
    "# return the number of files in a folder\n"
    "\n"
    "\n"
    "def area(radius):\n"
    "    return 3.14 * radius ** 2\n"
    "\n"
    "\n"
    "# a comment about the next line\n"
    "x = 1\n"
    "\n"
    "\n"
    "class Shape:\n"
    "    def size(self):\n"
    '        """How big."""\n'
    "        ...\n"
)


def titles(doc: Document, line: int, col: int, problems: list[Problem] | None = None) -> list[str]:
    return [o.title for o in catalog.offers(doc, doc.offset_at(Pos(line, col)), problems)]


def test_generate_is_offered_below_a_comment_with_nothing_under_it() -> None:
    doc = Document("file:///p/m.py", SOURCE)
    assert titles(doc, 2, 5) == ["Ghostline: Generate code from comment"]
    assert titles(doc, 9, 5) == []  # code follows right below: it is a comment about that code
    assert titles(doc, 10, 0) == []  # a plain statement: nothing to offer


def test_function_actions_only_inside_functions() -> None:
    doc = Document("file:///p/m.py", SOURCE)
    assert titles(doc, 6, 8) == [
        "Ghostline: Generate docstring for 'area'",
        "Ghostline: Explain 'area'",
        "Ghostline: Generate tests for 'area'",
    ]
    method = titles(doc, 14, 9)
    assert "Ghostline: Generate function body from docstring" in method
    assert "Ghostline: Regenerate docstring for 'size'" in method
    assert not any("tests" in t for t in method)  # methods need an instance: no test generation


def test_fix_offered_once_per_diagnostic() -> None:
    doc = Document("file:///p/m.py", SOURCE)
    problem = Problem("'os' imported but unused", 7, 9)
    assert titles(doc, 0, 8, [problem]) == ["Fix with Ghostline: 'os' imported but unused"]


BROKEN = (
    "def total(items):\n    s = 0\n    for x in items\n        s += x\n    return s\n\n\nprint(total([1]))\n"
)


def broken_problem(doc: Document) -> Problem:
    [f] = syntax_findings(doc)
    return Problem(f.message, f.start, f.end)


def test_repair_is_verified_and_minimal() -> None:
    doc = Document("file:///p/t.py", BROKEN)
    fixed = "def total(items):\n    s = 0\n    for x in items:\n        s += x\n    return s\n"
    backend = FakeBackend(
        ["def total(items):\n    s = 0\n    for x in items\n        s += x\n    return s", fixed]
    )
    edit = repair(doc, broken_problem(doc), backend)
    assert apply(BROKEN, [edit]) == BROKEN.replace("in items\n", "in items:\n")
    assert edit.new_text == "    for x in items:\n"  # only the changed line
    assert "rejected because the model returned the code unchanged" in backend.prompts[1]


def test_no_safe_fix_after_bounded_attempts() -> None:
    doc = Document("file:///p/t.py", BROKEN)
    backend = FakeBackend(["def total(items:\n    return s"])
    with pytest.raises(
        ActionFailed, match=r"no safe fix .* does not parse .*after 3 attempts.*nothing was changed"
    ):
        repair(doc, broken_problem(doc), backend)
    assert len(backend.prompts) == 3
    assert "does not parse" in backend.prompts[2]  # the rejection is fed back


def test_failed_rewrite_falls_back_to_filling_in_the_broken_line() -> None:
    source = "def add(a, b):\n    return a + b\n\n    total = (1 +)\n"
    doc = Document("file:///p/a.py", source)
    backend = FakeBackend(
        ["def add(a, b):\n    return a + b\n\n    total = 1 +", " b) * (2 + a"], fim=fim.by_name("qwen")
    )
    edit = repair(doc, broken_problem(doc), backend)
    # The model ran past the rest of the line (")"): cut there, the line parses.
    assert apply(source, [edit]) == source.replace("(1 +)", "(1 + b)")
    assert backend.prompts[1].endswith(fim.by_name("qwen").build(source[: source.rindex("+") + 1], ")\n"))  # type: ignore[union-attr]


def test_with_examples_each_line_is_filled_in_until_they_pass() -> None:
    source = 'def double(x):\n    """Twice x."""\n    y = x + x\n    return y - 1\n'
    doc = Document("file:///p/d.py", source)
    backend = FakeBackend([source.rstrip("\n"), "y = x + x", "return y"], fim=fim.by_name("qwen"))

    def check(code: str) -> str | None:
        space: dict[str, object] = {}
        exec(code, space)  # the scripted candidates only; the real checks run in the sandbox
        return None if space["double"](2) == 4 else "it fails the examples"  # type: ignore[operator]

    at = source.index("double")
    edit = repair(doc, Problem("double(2) should be 4", at, at), backend, check=check)
    assert apply(source, [edit]) == source.replace("y - 1", "y")
    # The rewrite, then the two code lines in turn (not the header or the docstring).
    assert len(backend.prompts) == 3 and backend.prompts[2].endswith("\n    <|fim_suffix|>\n<|fim_middle|>")


def test_python_must_also_compile() -> None:
    doc = Document("file:///p/t.py", BROKEN)
    # tree-sitter accepts `return` at module level and a stray `nonlocal`; compile() does not.
    sneaky = "def total(items):\n    nonlocal s\n    for x in items:\n        s += x\n    return s"
    with pytest.raises(ActionFailed, match="Python cannot compile it"):
        repair(doc, broken_problem(doc), FakeBackend([sneaky]))


def test_span_is_the_enclosing_function_or_a_window() -> None:
    doc = Document("file:///p/t.py", BROKEN)
    start, end = span_for(doc, broken_problem(doc))
    assert BROKEN[start:end].startswith("def total") and BROKEN[start:end].endswith("return s")
    top = Document("file:///p/u.py", "a = 1\n" * 20 + "b = (\n" + "c = 2\n" * 20)
    [f] = syntax_findings(top)[:1]
    s, e = span_for(top, Problem(f.message, f.start, f.end))
    assert top.text[s:e].count("\n") <= 2 * 4 + 2


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a\nb\nc", "a\nB\nc", "B\n"),
        ("a\nb\nc", "a\nb\nc\nd", "c\nd"),
        ("x\r\ny\r\n", "x\r\nY\r\n", "Y\r\n"),
    ],
)
def test_minimal_edit_keeps_unchanged_lines(old: str, new: str, expected: str) -> None:
    edit = minimal_edit(old, 0, len(old), new)
    assert edit.new_text == expected
    assert apply(old, [edit]) == new
