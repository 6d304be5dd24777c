"""Generated Python must not call helpers that exist nowhere: such a candidate yields to the next sample."""

from __future__ import annotations

from ghostline.engine.actions import catalog
from ghostline.engine.actions.edits import apply
from ghostline.engine.actions.generate import generate_at, spot_after_docstring
from ghostline.engine.actions.verify import new_undefined_names
from ghostline.engine.document import Document, Pos
from ghostline.model.fake import FakeBackend
from ghostline.sandbox import run_program

SOURCE = 'import math\n\n\ndef double(n):\n    """Twice n."""\n'


def generate(answers: list[str], samples: int) -> str:
    doc = Document("file:///p/d.py", SOURCE)
    spot = spot_after_docstring(doc, doc.offset_at(Pos(3, 5)))
    assert spot is not None
    return apply(SOURCE, [generate_at(doc, spot, FakeBackend(answers), samples=samples)])


def test_a_candidate_calling_an_undefined_helper_yields_to_the_next_sample() -> None:
    result = generate(["return helper(n)", "return n * 2"], samples=3)
    assert result.endswith('"""Twice n."""\n    return n * 2\n')


def test_with_no_better_sample_the_first_candidate_is_kept() -> None:
    assert generate(["return helper(n)"], samples=1).endswith("    return helper(n)\n")


def test_undefined_names_are_the_new_ones_only() -> None:
    before = "import math\nx = old_missing\n"
    body = "    g = lambda k: k\n    return math.pi * g(n) + len([n]) + fact(n) + __name__\n"
    after = before + "def f(n):\n" + body
    assert new_undefined_names(before, after) == ["fact"]
    assert new_undefined_names(before, "from m import *\n" + after) == []


def test_when_no_sample_passes_the_examples_the_instructed_rewrite_is_tried() -> None:
    doc = Document("file:///p/d.py", SOURCE)
    spot = spot_after_docstring(doc, doc.offset_at(Pos(3, 5)))
    assert spot is not None
    rewrite = 'def double(n):\n    """Twice n."""\n    total = n\n    total += n\n    return total\n```'
    backend = FakeBackend(["return n * 3", "return n * 4", rewrite])

    def check(merged: str) -> str | None:  # stands in for the sandboxed examples
        return None if "total += n" in merged else "double(2) should be 4"

    edit = generate_at(doc, spot, backend, samples=2, check=check)
    assert apply(SOURCE, [edit]).endswith('"""Twice n."""\n    total = n\n    total += n\n    return total\n')
    assert "Complete the Python function `double`" in backend.prompts[2]
    assert "import math" in backend.prompts[2]  # the file's start comes along


def test_the_editor_action_checks_bodies_against_the_docstring_examples_in_the_sandbox() -> None:
    source = 'def double(n):\n    """Twice n.\n\n    >>> double(3)\n    6\n    """\n'
    doc = Document("file:///p/d.py", source)
    backend = FakeBackend(["return n * 3", "return n ** 2", "return n + n"])
    result = catalog.run("generate", doc, 5, backend, run=run_program)
    assert apply(source, result.edits).endswith('    """\n    return n + n\n')
    without = catalog.run("generate", doc, 5, FakeBackend(["return n * 3"]))
    assert apply(source, without.edits).endswith("    return n * 3\n")  # no sandbox: nothing is run
