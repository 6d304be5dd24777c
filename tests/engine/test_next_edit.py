"""Symbolic next edits: a rename found in the last hunk, its other occurrences by scope (locals.scm)."""

from __future__ import annotations

import re

import pytest

from ghostline.engine.document import Document
from ghostline.engine.edits import EditLog, Hunk
from ghostline.engine.nextedit.predict import next_edits
from ghostline.engine.nextedit.rename import renamed

GO = """package main

func area(width int, height int) int {
	total := width * height
	s.total = total
	return total
}
"""
JAVA = """class Shapes {
    int area(int width, int height) {
        int total = width * height;
        this.total = total;
        return total;
    }
}
"""
TYPESCRIPT = """function area(width: number, height: number): number {
  const total = width * height;
  const shape = { total };
  return total + shape.total;
}
"""
C = """int area(int width, int *height) {
    int total = width * *height;
    s.total = total;
    p->total = total;
    return total;
}
"""
CPP = """int sum(const std::vector<int> &items) {
    int total = 0;
    for (int item : items) { total += item; }
    auto add = [](int total) { return total + 1; };
    return total;
}
"""
LUA = """local function area(width, height)
  local total = width * height
  s.total = total
  return total
end
"""
PYTHON_SHADOW = """def outer(total):
    def inner(total):
        return total
    return inner(total) + total
"""
# (language, text, the "total" renamed (n-th, 0-based), the n-th occurrences expected next)
CASES = [
    ("go", GO, 0, [2, 3]),
    ("java", JAVA, 0, [2, 3]),
    ("typescript", TYPESCRIPT, 0, [1, 2]),  # shorthand `{ total }` uses the variable; `shape.total` does not
    ("typescript", "function f(total: number, b?: number) {\n  return total + (b ?? 0);\n}\n", 0, [1]),
    ("javascript", "function f(total, b = 1) {\n  return total + b;\n}\nconst total = 2;\n", 0, [1]),
    ("python", PYTHON_SHADOW, 0, [3, 4]),
    ("c", C, 0, [2, 4, 5]),  # `s.total`, `p->total` are fields
    ("cpp", CPP, 0, [1, 4]),  # the lambda's own parameter and its use are another variable
    ("lua", LUA, 0, [2, 3]),  # inner's own parameter and its use are another variable
    ("python", PYTHON_SHADOW, 1, [2]),
]


def typed_rename(language: str, text: str, nth: int, new: str) -> tuple[Document, EditLog, int]:
    """The document after ``total`` (its n-th occurrence) is deleted and ``new`` typed a key at a time."""
    doc = Document(f"file:///t/f.{language}", text, language_id=language)
    log = EditLog()
    at = [m.start() for m in re.finditer(r"\btotal\b", text)][nth]
    log.record(doc.uri, doc.text, at, at + 5, "")
    doc.apply_change("", doc.position_at(at), doc.position_at(at + 5))
    for i, char in enumerate(new):
        log.record(doc.uri, doc.text, at + i, at + i, char)
        doc.apply_change(char, doc.position_at(at + i), doc.position_at(at + i))
    doc.reparse()
    return doc, log, at + len(new)


def starts_after(text: str, nth: int, expected: list[int]) -> list[int]:
    """Where the ``expected`` occurrences of ``total`` start once its ``nth`` became ``result``."""
    occurrences = [m.start() for m in re.finditer(r"\btotal\b", text)]
    shift = len("result") - len("total")
    return [occurrences[i] + (shift if i > nth else 0) for i in expected]


@pytest.mark.parametrize(("language", "text", "nth", "expected"), CASES)
def test_a_rename_is_followed_to_the_same_variable_only(
    language: str, text: str, nth: int, expected: list[int]
) -> None:
    doc, log, cursor = typed_rename(language, text, nth, "result")
    edits = next_edits(doc, log, cursor)
    assert sorted(e.start for e in edits) == starts_after(text, nth, expected)
    assert all(doc.text[e.start : e.end] == "total" and e.text == "result" for e in edits)


def test_the_edits_come_from_the_cursor_on_and_wrap_around() -> None:
    text = "total = 1\nprint(total)\ntotal += 2\nprint(total)\n"
    doc, log, _ = typed_rename("python", text, 2, "count")
    edits = next_edits(doc, log, doc.text.index("count"))
    assert [doc.position_at(e.start).line for e in edits] == [3, 0, 1]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("    total = a * b", "    result = a * b", (4, "total", "result")),
        ("x = total + total", "x = res + res", (4, "total", "res")),  # two accepted on one line
        ("f(total)\ng(total)", "f(count)\ng(total)", (2, "total", "count")),
        ("x = total + y", "x = total + z", (12, "y", "z")),
        ("x = total", "x = total2 + 1", None),  # more than a name changed
        ("x = total + y", "x = count + z", None),  # two different names
        ("x = 1", "x = 2", None),  # a number is no name
        ('s = "total"', 's = "count"', (5, "total", "count")),  # found; locals rule strings out
        ("", "total = 1", None),
    ],
)
def test_a_rename_is_one_name_replaced_by_another(
    before: str, after: str, expected: tuple[int, str, str] | None
) -> None:
    assert renamed(Hunk("file:///t/a.py", 0, before, after, 0.0, 0.0)) == expected


def test_nothing_is_offered_after_typing_new_code_or_in_a_language_without_locals() -> None:
    doc = Document("file:///t/a.py", "x = 1\n")
    log = EditLog()
    log.record(doc.uri, doc.text, 6, 6, "y = x\n")
    doc.apply_change("y = x\n", doc.position_at(6), doc.position_at(6))
    doc.reparse()
    assert next_edits(doc, log, 6) == []
    text = "total=1\necho $total\n"
    bash, bash_log, cursor = typed_rename("bash", text, 0, "sum")
    assert next_edits(bash, bash_log, cursor) == []


SIGNATURES = [
    (  # a parameter removed: its argument goes, positional or by name; a call with a splat is left alone
        "a.py",
        "def area(width, height, scale):\n    return width\n\nprint(area(1, 2, 3))\nx = area(w, h, scale=4)\n"
        "area(*dims)\n",
        ("height, scale", "height"),
        "def area(width, height):\n    return width\n\nprint(area(1, 2))\nx = area(w, h)\narea(*dims)\n",
    ),
    (  # a parameter added: its name is passed where it goes
        "a.py",
        "def area(width, height):\n    return width\n\nprint(area(1, 2))\n",
        ("width, height", "width, depth, height"),
        "def area(width, depth, height):\n    return width\n\nprint(area(1, depth, 2))\n",
    ),
    (  # one with a default: the calls still work, nothing to do
        "a.py",
        "def area(width):\n    return width\n\narea(1)\n",
        ("(width)", "(width, scale=1)"),
        "def area(width, scale=1):\n    return width\n\narea(1)\n",
    ),
    (  # a method: member calls only, without `self`; a plain call of that name is another function
        "a.py",
        "class A:\n    def area(self, width, height):\n        return 1\n\nA().area(1, 2)\narea(1, 2)\n",
        ("self, width, height", "self, height"),
        "class A:\n    def area(self, height):\n        return 1\n\nA().area(2)\narea(1, 2)\n",
    ),
    (
        "a.ts",
        "function area(width: number, height: number) { return 1; }\narea(1, 2);\nobj.area(3, 4);\n",
        ("width: number, ", ""),
        "function area(height: number) { return 1; }\narea(2);\nobj.area(3, 4);\n",
    ),
    (
        "a.js",
        "function area(width) { return 1; }\narea(1);\narea();\n",
        ("(width)", "(width, height)"),
        "function area(width, height) { return 1; }\narea(1, height);\narea();\n",
    ),
]


@pytest.mark.parametrize(("name", "text", "change", "expected"), SIGNATURES)
def test_a_parameter_added_or_removed_brings_the_calls_in_line(
    name: str, text: str, change: tuple[str, str], expected: str
) -> None:
    doc = Document(f"file:///t/{name}", text)
    log = EditLog()
    old, new = change
    at = text.index(old)
    log.record(doc.uri, doc.text, at, at + len(old), new)
    doc.apply_change(new, doc.position_at(at), doc.position_at(at + len(old)))
    doc.reparse()
    edits = next_edits(doc, log, at)
    result = doc.text
    for e in sorted(edits, key=lambda e: -e.start):
        result = result[: e.start] + e.text + result[e.end :]
    assert result == expected


MEMBERS = [  # an attribute of self / this renamed once: its other uses in the same class, no other object's
    (
        "python",
        "class Runner:\n    def __init__(self):\n        self.total = 0\n\n    def run(self, other):\n"
        "        other.total = 1\n        return self.total\n\n\nclass Other:\n    def f(self):\n"
        "        return self.total\n",
        0,
        [2],
    ),
    (
        "javascript",
        "class Runner {\n  constructor() { this.total = 0; }\n"
        "  run(o) { o.total = 1; return this.total; }\n}\nclass B { f() { return this.total; } }\n",
        0,
        [2],
    ),
    (
        "java",
        "class Runner {\n  int total;\n  void run(Runner o) {\n    this.total = 1;\n    o.total = 2;\n"
        "    if (this.total > 0) { return; }\n  }\n}\n",
        1,
        [3],
    ),
]


@pytest.mark.parametrize(("language", "text", "nth", "expected"), MEMBERS)
def test_an_attribute_of_self_is_renamed_through_its_class(
    language: str, text: str, nth: int, expected: list[int]
) -> None:
    doc, log, cursor = typed_rename(language, text, nth, "result")
    assert sorted(e.start for e in next_edits(doc, log, cursor)) == starts_after(text, nth, expected)
