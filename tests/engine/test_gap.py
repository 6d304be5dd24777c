"""Tight gaps: an empty line with code right above and below, the block going on at the cursor's depth."""

from __future__ import annotations

import pytest

from ghostline.engine.completion.gap import tight_gap
from ghostline.engine.document import Document

CASES = [
    # (title, document with █ on an empty line, tight?)
    ("between two statements of a body", "def f():\n    a = 1\n█\n    return a\n", True),
    ("first line of a body that goes on below", "def f():\n█\n    return 1\n", True),
    ("code below deeper: the gap opens that block", "def f(xs):\n    n = 0\n█\n        n += 1\n", True),
    ("an empty body (the next definition below)", "def f():\n█\ndef g():\n    pass\n", False),
    ("the end of a body: the code below is shallower", "def f():\n    a = 1\n█\nprint(f())\n", False),
    ("a blank line above: a paragraph", "def f():\n    a = 1\n\n█\n    return a\n", False),
    ("a blank line below: a paragraph", "def f():\n    a = 1\n█\n\n    return a\n", False),
    ("the block's closer below", "function f() {\n  a();\n█\n}\n", False),
    ("the end of the file", "x = 1\n█", False),
    ("indentation typed by the editor, same depth below", "def f():\n    a = 1\n    █\n    return a\n", True),
    ("indentation deeper than the code below", "if x:\n    a()\n        █\n    b()\n", False),
    ("tabs", "func f() {\n\ta()\n█\n\tb()\n}\n", True),
]


@pytest.mark.parametrize(("title", "text", "tight"), CASES, ids=[c[0] for c in CASES])
def test_tight_gap(title: str, text: str, tight: bool) -> None:
    offset = text.index("█")
    doc = Document("file:///g.py", text.replace("█", ""), 1, "python")
    row = doc.row_of(offset)
    assert tight_gap(doc, row, doc.text[doc.line_start(row) : offset]) is tight
