"""Golden cases from HumanEval single-line infilling: the cursor at the start of the gap's empty line.

The documents are the benchmark's code (docstrings shortened); the raw outputs are the right line as a model
writes it, or what qwen2.5-coder-0.5b really wrote there (the dropped cases).
"""

from __future__ import annotations

import pytest

from tests.engine.insertion import insertion

LARGEST_DIVISOR = '''def largest_divisor(n: int) -> int:
    """ For a given number n, find the largest number that divides n evenly, smaller than n
    >>> largest_divisor(15)
    5
    """
█
        if n % i == 0:
            return i
'''

COUNT_UP_TO = '''def count_up_to(n):
    """The primes less than n."""
    primes = []
    for i in range(2, n):
        is_prime = True
        for j in range(2, i):
            if i % j == 0:
                is_prime = False
                break
█
            primes.append(i)
    return primes
'''

GRADES = '''def numerical_letter_grade(grades):
    """Letter grades of GPAs."""
    letter_grade = []
    for gpa in grades:
        if gpa == 4.0:
            letter_grade.append("A+")
        elif gpa > 1.0:
            letter_grade.append("D+")
█
            letter_grade.append("D")
        elif gpa > 0.0:
            letter_grade.append("D-")
        else:
            letter_grade.append("E")
    return letter_grade
'''

GRADES_LAST = GRADES.replace("█\n", "        elif gpa > 0.7:\n").replace(
    '        else:\n            letter_grade.append("E")\n', "        else:\n█\n"
)

BRACKETING = '''def correct_bracketing(brackets: str):
    """True if every opening bracket has a corresponding closing bracket."""
    depth = 0
    for b in brackets:
        if b == "(":
            depth += 1
        else:
█
        if depth < 0:
            return False
    return depth == 0
'''

SPLIT_WORDS = """def fix_spaces(text):
    new_text = ""
    i = 0
    start, end = 0, 0
    while i < len(text):
        if text[i] == " ":
            end += 1
        else:
            if end - start > 2:
                new_text += "-"+text[i]
█
                new_text += "_"*(end - start)+text[i]
            else:
                new_text += text[i]
            start, end = i+1, i+1
        i+=1
    return new_text
"""

KEPT = [
    # (title, document with █, raw model output, expected insertion)
    (
        "a loop header whose body is the code below",
        LARGEST_DIVISOR,
        "    for i in reversed(range(n)):\n        if n % i == 0:\n            return i\n",
        "    for i in reversed(range(n)):",
    ),
    (
        "an if whose body is the code below",
        COUNT_UP_TO,
        "        if is_prime:\n            primes.append(i)\n    return primes\n",
        "        if is_prime:",
    ),
    (
        "an elif whose body is the code below",
        GRADES,
        '        elif gpa > 0.7:\n            letter_grade.append("D")\n',
        "        elif gpa > 0.7:",
    ),
    (
        "the body of the else above, with shallower code below",
        BRACKETING,
        "            depth -= 1\n        if depth < 0:\n",
        "            depth -= 1",
    ),
    (
        "the body of the else above, with code two levels out below",
        GRADES_LAST,
        '            letter_grade.append("E")\n    return letter_grade\n',
        '            letter_grade.append("E")',
    ),
    (
        "a line written after a blank line is moved up to the cursor's line",
        BRACKETING,
        "\n            depth -= 1\n",
        "            depth -= 1",
    ),
]

DROPPED = [
    ("the model skipped the gap: the function's last line", COUNT_UP_TO, "    return primes", ""),
    ("the model skipped the gap after else:", BRACKETING, "    return depth == 0", ""),
    ("a second else", SPLIT_WORDS, "            else:", ""),
    ("an elif at column 0", GRADES, "elif gpa > 0.7:\n", ""),
    ("a body line where the code below is deeper", SPLIT_WORDS, "            new_text += text[i]\n", ""),
]


def complete(text_with_cursor: str, raw: str) -> str:
    """What the engine inserts for ``raw`` at the cursor: the stop rules while streaming, then finalize."""
    return insertion("gap.py", text_with_cursor, raw)


@pytest.mark.parametrize(("title", "text", "raw", "expected"), KEPT, ids=[c[0] for c in KEPT])
def test_the_missing_line_is_kept(title: str, text: str, raw: str, expected: str) -> None:
    assert complete(text, raw) == expected


@pytest.mark.parametrize(("title", "text", "raw", "expected"), DROPPED, ids=[c[0] for c in DROPPED])
def test_what_python_would_reject_is_dropped(title: str, text: str, raw: str, expected: str) -> None:
    assert complete(text, raw) == expected


def test_a_leading_blank_line_is_kept_when_the_suggestion_fits_as_written() -> None:
    # Only when every candidate failed are leading blank lines dropped: here the original fits.
    assert complete(COUNT_UP_TO, "\n        if is_prime:\n") == "\n        if is_prime:"
