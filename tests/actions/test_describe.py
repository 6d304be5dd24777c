"""Docstrings that say what code does: summary, details for long bodies, true examples (scripted model)."""

from __future__ import annotations

import doctest

from ghostline.engine.actions.describe import _sentences
from ghostline.engine.actions.docstring import generate_docstring
from ghostline.engine.actions.edits import apply
from ghostline.engine.actions.examples import literal_calls, verified_examples
from ghostline.engine.document import Document, Pos
from ghostline.model.fake import FakeBackend
from ghostline.sandbox import run_program
from ghostline.syntax.definitions import find_definitions

LONG = (
    "def count_odd(nums):\n"
    "    count = 0\n"
    "    for n in nums:\n"
    "        if n % 2:\n"
    "            count += 1\n"
    "    return count\n"
)
DETAILS = (
    "The function `count_odd` walks over the list once. Each number whose remainder by two is not zero "
    "adds one to the count. An empty list gives zero. It then"
)


def documented(
    source: str, name: str, answers: list[str], line: int = 0, col: int = 5
) -> tuple[str, FakeBackend]:
    doc = Document(name, source)
    target = doc.definition_at(doc.offset_at(Pos(line, col)))
    assert target is not None
    backend = FakeBackend(answers)
    result = apply(source, [generate_docstring(doc, target, backend)])
    after = Document(name, result)
    assert after.syntax is not None and after.language is not None
    assert not after.syntax.root.has_error, result
    assert all(d.doc is not None for d in find_definitions(after.language, after.syntax.root)), result
    return result, backend


def test_a_long_python_function_gets_summary_details_and_arguments() -> None:
    answers = [
        "The function `count_odd` counts the odd numbers in nums.",
        DETAILS,
        "the numbers",
        "the count",
    ]
    result, backend = documented(LONG, "a.py", answers)
    assert result.startswith(
        "def count_odd(nums):\n"
        '    """Counts the odd numbers in nums.\n'
        "\n"
        "    Walks over the list once. Each number whose remainder by two is not zero adds one to\n"
        "    the count. An empty list gives zero.\n"
        "\n"
        "    Args:\n"
        "        nums: the numbers\n"
        "\n"
        "    Returns:\n"
        "        the count\n"
        '    """\n'
        "    count = 0\n"
    ), result
    assert "what does this python code return or do" in backend.prompts[0]
    assert "how this python code computes its result" in backend.prompts[1]


def test_a_short_function_gets_a_one_line_summary_from_one_question() -> None:
    source = 'def greet():\n    print("hi")\n'
    result, backend = documented(source, "a.py", ["Print a greeting.", "unused"])
    assert result == 'def greet():\n    """Print a greeting."""\n    print("hi")\n'
    assert len(backend.prompts) == 1


def test_details_follow_the_summary_inside_a_jsdoc_block() -> None:
    source = (
        "function countOdd(nums) {\n  let c = 0;\n  for (const n of nums) {\n    if (n % 2) c++;\n  }\n"
        "  return c;\n}\n"
    )
    answers = ["Count the odd numbers.", "It walks the list once.", "the numbers", "how many are odd"]
    result, _ = documented(source, "a.js", answers, 0, 10)
    assert result.startswith(
        "/**\n * Count the odd numbers.\n *\n * It walks the list once.\n *\n"
        " * @param nums the numbers\n * @returns how many are odd\n */\nfunction countOdd"
    ), result


def test_sentences_drop_the_opening_and_a_cut_off_end() -> None:
    assert _sentences("The `f` function takes two lists, e.g. [1.5]. It ends", "f") == [
        "Takes two lists, e.g. [1.5]."
    ]
    assert _sentences("This method f returns x. Then y.", "f") == ["Returns x.", "Then y."]
    assert _sentences("no full stop", "f") == []


def test_a_long_summary_wraps_under_its_first_line() -> None:
    summary = "Return the planets whose orbits lie between the two given planets, nearest to the sun first."
    result, _ = documented('def greet():\n    print("hi")\n', "a.py", [summary])
    assert result.startswith(
        "def greet():\n"
        '    """Return the planets whose orbits lie between the two given planets, nearest to the\n'
        '    sun first."""\n'
    ), result


def test_examples_in_a_python_docstring_are_computed_by_the_code_in_the_sandbox() -> None:
    source = "def double(n):\n    return n * 2\n"
    calls = "```python\ndouble(1)\ndouble(-3)\ndouble(y)\nprint(1)\ndouble(1)\n```"
    answers = ["Return twice n.", calls, "the number", "twice n"]
    doc = Document("a.py", source)
    target = doc.definition_at(5)
    assert target is not None
    edit = generate_docstring(doc, target, FakeBackend(answers), run=run_program)
    result = apply(source, [edit])
    assert result == (
        'def double(n):\n    """Return twice n.\n\n    Args:\n        n: the number\n\n    Returns:\n'
        "        twice n\n\n    Examples:\n        >>> double(1)\n        2\n        >>> double(-3)\n"
        '        -6\n    """\n    return n * 2\n'
    ), result
    namespace: dict[str, object] = {}
    exec(compile(result, "a.py", "exec"), namespace)  # our own fixture, not model output
    finder = doctest.DocTestFinder().find(namespace["double"], globs=namespace)
    assert doctest.DocTestRunner().run(finder[0]).failed == 0


def test_no_sandbox_no_examples_and_a_failing_module_gives_none() -> None:
    calls = "double(1)"
    assert (
        verified_examples(FakeBackend([calls]), "def double(n):\n    return n * 2\n", "double", "", None)
        == []
    )
    broken = "raise SystemExit(1)\ndef double(n):\n    return n * 2\n"
    assert verified_examples(FakeBackend([calls]), broken, "double", "", run_program) == []
    written = "# one\nxs = [1, 2]\nprint(double(xs))  # Output: [1, 2, 1, 2]\ndouble(ys)\n"
    assert literal_calls(written, "double") == ["double([1, 2])"]
    assert literal_calls(">>> double(2)\ndouble(n=[1, 2])\ndouble(open('x'))\nother(1)", "double") == [
        "double(2)",
        "double(n=[1, 2])",
    ]


def test_examples_do_not_run_the_modules_main_block() -> None:
    module = (
        'def double(n):\n    return n * 2\n\n\nif __name__ == "__main__":\n    raise SystemExit(input())\n'
    )
    found = verified_examples(FakeBackend(["double(4)"]), module, "double", "", run_program)
    assert found == [("double(4)", "8")]
