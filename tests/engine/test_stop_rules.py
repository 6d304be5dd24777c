"""Post-processing rules, each against golden fixtures: ``█`` marks the cursor, ``«…»`` the expected span.

A fixture gives the document, the raw model output, and the text expected to be inserted.
"""

from __future__ import annotations

import pytest

from ghostline.config import CompletionSettings
from ghostline.engine.completion.context import ContextBuilder
from ghostline.engine.document import Document
from tests.engine.insertion import insertion

CASES = [
    # (name, file, document with █, raw model output, expected insertion)
    ("single line stops at newline", "a.py", "x = █\n", "compute(1)\nmore()", "compute(1)"),
    (
        "multi stops when indentation leaves the block",
        "a.py",
        "def f(xs):\n    █\n\nprint(1)\n",
        "total = sum(xs)\n    return total\nprint(2)\n",
        "total = sum(xs)\n    return total",
    ),
    (
        "multi stops when it repeats the code below",
        "a.py",
        "def f(xs):\n    █\n    return total\n",
        "total = sum(xs)\n    return total\n",
        "total = sum(xs)",
    ),
    ("closing brackets already on the line are dropped", "a.py", "print(█)\n", "value)", "value"),
    (
        "cut where the syntax breaks",
        "a.js",
        "function f() {\n  █\n}\n",
        "let a = 1;\n  let b = (2;\n",
        "let a = 1;",
    ),
    ("whitespace only is dropped", "a.py", "x = █\n", "   \n  ", ""),
    ("a copy of what follows is dropped", "a.py", "x = █1 + 2\n", "1 + 2", ""),
    ("a copy of the line above is dropped", "a.py", "y = 1\n█\n", "y = 1", ""),
    (
        "block after an opener, closing brace kept",
        "a.js",
        "function f() {█\n\nf();\n",
        "\n  return 1;\n}\nf();\n",
        "\n  return 1;\n}",
    ),
    (
        "from a blank line, the first written line sets the indentation to stop at",
        "a.py",
        "def multiply(a, b):\n█\n",
        '    """Return the product."""\n    return a * b\n\n\ndef divide(a, b):\n    return a / b\n',
        '    """Return the product."""\n    return a * b',
    ),
    (
        "in the middle of a block, a blank line written ends the insertion",
        "a.py",
        "def f(xs):\n    total = 0\n    █\n    return total\n",
        "for x in xs:\n        total += x\n\n    print(total)\n    return total",
        "for x in xs:\n        total += x",
    ),
    (
        "writing any of the next lines below again ends the insertion",
        "a.py",
        "def f(xs):\n    █\n    total = sum(xs)\n    count = len(xs)\n    return total / count\n",
        "xs = list(xs)\n    count = len(xs)\n    return total / count",
        "xs = list(xs)",
    ),
    (
        "the model writing the healed indentation again does not deepen the block",
        "a.py",
        "def count(nums):\n    █\n",
        "    total = 0\n    for n in nums:\n        total += 1\n    return total\n\n\ndef other():\n",
        "total = 0\n    for n in nums:\n        total += 1\n    return total",
    ),
    (
        "written lines may dedent as far as the code below (the gap's end)",
        "a.py",
        "def f(xs):\n    for x in xs:\n        █\n    return total\n",
        "total += x\n    print(total)\n    return total\n",
        "total += x\n    print(total)",
    ),
    (
        "a new definition outside the block ends the insertion, however deep the code below",
        "a.py",
        "class A:\n    def f(self):\n        █\n\n    def g(self):\n        pass\n",
        "x = 1\n        return x\n\n    def h(self):\n        return 2\n",
        "x = 1\n        return x",
    ),
    (
        "a block opener whose body is the code below is kept",
        "a.py",
        "def f(s):\n    depth = 0\n█\n        if c:\n            depth += 1\n    return depth\n",
        "    n = len(s)\n    for c in s:\n        if c:\n",
        "    n = len(s)\n    for c in s:",
    ),
    (
        "a line like one below but at another depth is not a repeat",
        "a.py",
        "def is_prime(n):\n█\n        if n % i == 0:\n            return False\n    return True\n",
        "    if n < 2:\n        return False\n    for i in range(2, n):\n        if n % i == 0:\n",
        "    if n < 2:\n        return False\n    for i in range(2, n):",
    ),
    (
        "python: after a block opener the first line must be deeper",
        "a.py",
        "def f(xs):\n    if xs:\n█\n    return 0\n",
        "    return 1\n",
        "",
    ),
    (
        "python: a deeper line below must follow a block opener",
        "a.py",
        "def f(xs):\n    total = 0\n█\n        total += 1\n    return total\n",
        "    total = 1\n",
        "",
    ),
    (
        "a tight gap (code right above and below) takes one simple statement",
        "a.py",
        "def f(xs):\n    total = 0\n█\n    return total\n",
        "    count = len(xs)\n    mean = total / count\n",
        "    count = len(xs)",
    ),
    (
        "a tight gap takes one compound statement with its body",
        "a.py",
        "def f(xs):\n    total = 0\n█\n    return total\n",
        "    for x in xs:\n        total += x\n    print(total)\n",
        "    for x in xs:\n        total += x",
    ),
    (
        "a line much like the line below, at its depth, is that line rewritten: the gap ends before it",
        "a.py",
        "def f(m, part):\n    if m == 2:\n        part += 1\n█\n        part += 2\n    return part\n",
        "    elif m == 3:\n        part += 5\n",
        "    elif m == 3:",
    ),
    (
        "a tight gap in braces: the statement's closing brace and its else branch belong to it",
        "a.js",
        "function f(a) {\n  let b = 0;\n  █\n  return b;\n}\n",
        "if (a) {\n    b = 1;\n  } else {\n    b = 2;\n  }\n  b += 1;\n",
        "if (a) {\n    b = 1;\n  } else {\n    b = 2;\n  }",
    ),
    (
        "a block closed on the first line: what follows is the code below's business",
        "a.js",
        "class A {\n  m() {\n    a();\n█\n  n() {\n  }\n}\n",
        "  }\n  k() {\n    b();\n  }\n",
        "  }",
    ),
    (
        "beside a blank line the gap is a paragraph: several statements",
        "a.py",
        "def f(xs):\n    total = 0\n\n█\n    return total\n",
        "    count = len(xs)\n    mean = total / count\n",
        "    count = len(xs)\n    mean = total / count",
    ),
    (
        "a suggestion cut on a block opener drops that line",
        "a.py",
        "def fact(n):\n    █\n",
        "result = 1\n    if n <= 1:",
        "result = 1",
    ),
]


@pytest.mark.parametrize(("title", "name", "text", "raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule(title: str, name: str, text: str, raw: str, expected: str) -> None:
    assert insertion(name, text, raw) == expected


def test_mode_none_in_the_middle_of_code() -> None:
    doc = Document("a.py", "value = compute(1) + other\n")
    ctx = ContextBuilder().build(doc, 8, CompletionSettings(), [])
    assert ctx.mode == "none"


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("def f():\n    █\n", "multi"),
        ("x = [1, █\n", "single"),
        ("if ok:█\n", "multi"),
        ("s = 'abc█'\n", "single"),
    ],
)
def test_modes(text: str, mode: str) -> None:
    offset = text.index("█")
    doc = Document("a.py", text.replace("█", ""))
    assert ContextBuilder().build(doc, offset, CompletionSettings(), []).mode == mode
