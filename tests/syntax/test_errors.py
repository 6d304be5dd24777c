"""Syntax problems: readable messages, stable codes and narrow ranges."""

from __future__ import annotations

import pytest

from ghostline.engine.document import Document


def problems(name: str, text: str) -> list[tuple[str, str, tuple[int, int], tuple[int, int]]]:
    return [(p.code, p.message, p.start, p.end) for p in Document(name, text).problems()]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.py", "def f(:\n    return 1\n", [("syntax/missing", "missing ')'", (0, 6), (0, 6))]),
        (
            "a.py",
            'x = "abc\ny = 2\n',
            [("syntax/unterminated-string", "unterminated string", (0, 4), (0, 8))],
        ),
        (
            "a.py",
            "if x:\n    pass\nelse:\n    pass\nelse:\n    pass\n",
            [("syntax/unexpected", "unexpected 'else'", (4, 0), (4, 5))],
        ),
        (
            "a.py",
            "def f():\n    return 1 +\n",
            [("syntax/incomplete", "expected an expression after '+'", (1, 13), (1, 14))],
        ),
        (
            "a.js",
            "function f() {\n  return 1;\n\nfunction g() { return 2; }\n",
            [("syntax/unclosed", "'{' is never closed", (0, 13), (0, 14))],
        ),
        (
            "a.js",
            "if (x) { a(); } else { b(); } else { c(); }\n",
            [("syntax/unexpected", "unexpected 'else'", (0, 30), (0, 34))],
        ),
        (
            "a.go",
            "package main\nfunc main() {\n\tx := 1 +\n}\n",
            [("syntax/unexpected", "unexpected '+'", (2, 8), (2, 9))],
        ),
    ],
)
def test_messages_codes_and_ranges(name: str, text: str, expected: list[object]) -> None:
    assert problems(name, text) == expected


def test_a_broken_line_early_does_not_squiggle_half_the_file() -> None:
    body = "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(200))
    found = Document("a.py", "class A:\n    def f(self):\n        x = [1, 2\n" + body).problems()
    assert found
    for p in found:
        assert p.end[0] - p.start[0] <= 1, p


def test_valid_code_has_no_problems() -> None:
    assert problems("a.rs", "fn main() {\n    let x = 1;\n}\n") == []
    assert problems("a.txt", "((( not code") == []
