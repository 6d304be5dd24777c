"""The user's own examples as checks of candidates: prose examples, doctests in notes, run in the sandbox."""

from __future__ import annotations

from ghostline.engine.actions.examples import Check, example_asserts, examples_check, stated_examples
from ghostline.sandbox import run_program


def stated_examples_check(source: str) -> Check | None:
    extra = stated_examples(source)
    return examples_check(extra, run_program) if extra else None


PROGRAM = '''
def double(n):
    return n * 3


"""
Double

Examples:
    >>> double(2)
    4
    >>> double(0)
    0
"""
'''


def test_examples_written_after_the_function_check_candidates() -> None:
    check = stated_examples_check(PROGRAM)
    assert check is not None
    assert check(PROGRAM.replace("n * 3", "n * 2")) is None
    failure = check(PROGRAM)
    assert failure is not None and "fails the examples" in failure


def test_no_examples_no_check() -> None:
    assert stated_examples_check("def f():\n    return 1\n") is None


def test_prose_examples_become_asserts() -> None:
    source = 'def add(a, b):\n    """add(2, 3) == 5\n    add(1, 1) ➞ 2\n    add(x y) is nonsense\n    """\n'
    asserts = example_asserts(source, "add")
    assert asserts.splitlines() == [
        "assert add(2, 3) == 5, 'add(2, 3)'",
        "assert add(1, 1) == 2, 'add(1, 1)'",
    ]
