"""The query files under ``grammars/``: each compiles, and the caret-annotated fixtures hold.

A fixture in ``tests/fixtures/queries`` is a source file whose assertion lines are line
comments holding a caret (or ``<-`` for the comment's own column) and capture names::

    def add(a, b):
    # ^ @definition.function !@definition.method

Each assertion points at the nearest preceding non-assertion line, at the caret's column:
``@name`` asserts that some node captured as ``name`` (by the query kind owning that name)
contains the position; ``!@name`` asserts that none does. The comment token may carry one
extra repeat of its last character (``/// ^ @doc``, ``--- ^ @doc``), so that an assertion on a
doc comment can itself be a doc comment and keep the run of doc comments unbroken.
"""

from __future__ import annotations

import re
import runpy
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from tree_sitter import Node, Parser, Tree

from ghostline.syntax import languages, queries

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "queries"
ALL_KINDS = (*queries.KINDS, "complexity")
OWNER = {  # every capture name a query file may use → the kind whose file owns it
    **dict.fromkeys(
        ("definition.function", "definition.method", "definition.class", "name", "body", "doc"),
        "definitions",
    ),
    "comment": "comments",
    "docstring": "comments",
    "import": "imports",
    "block": "blocks",
    "statement": "blocks",
    "branch": "complexity",
    "nobranch": "complexity",
}
FIXTURE_FILES = sorted(p for p in FIXTURES.iterdir() if p.is_file()) if FIXTURES.is_dir() else []


@dataclass(frozen=True)
class Assertion:
    """One capture expectation read from an assertion line."""

    line: int  # 1-based line of the assertion itself
    row: int  # 0-based row of the source line it points at
    column: int  # byte column in that row
    capture: str
    negated: bool


def _assertion_line(comment: str) -> re.Pattern[str]:
    # The token may end in one extra repeat (``///``, ``---``): a doc comment assertion.
    token = re.escape(comment) + re.escape(comment[-1]) + "?"
    return re.compile(rf"^\s*{token}\s*(?P<caret>\^|<-)(?P<names>(?:\s+!?@[\w.]+)+)\s*$")


def parse_assertions(text: str, comment: str) -> list[Assertion]:
    """Read every assertion line of a fixture (``comment`` is its line comment token)."""
    pattern = _assertion_line(comment)
    found: list[Assertion] = []
    target: tuple[int, str] | None = None
    for number, line in enumerate(text.splitlines()):
        m = pattern.match(line)
        if m is None:
            target = (number, line)
            continue
        if target is None:
            raise ValueError(f"line {number + 1}: assertion before any source line")
        char_col = m.start("caret") if m["caret"] == "^" else line.index(comment)
        byte_col = len(target[1][:char_col].encode("utf-8"))
        for name in m["names"].split():
            negated = name.startswith("!")
            capture = name.lstrip("!@")
            found.append(Assertion(number + 1, target[0], byte_col, capture, negated))
    return found


def kind_of(capture: str) -> str:
    """Return the query kind whose file defines a capture name (KeyError if none)."""
    return OWNER[capture]


def parse(language: str, text: str) -> Tree:
    return Parser(languages.load(language)).parse(text.encode("utf-8"))


def _contains(node: Node, row: int, column: int) -> bool:
    return tuple(node.start_point) <= (row, column) < tuple(node.end_point)


def check(language: str, text: str, label: str = "<fixture>") -> list[str]:
    """Every failed assertion of a fixture, as ``label:line: message`` (empty when all hold)."""
    root = parse(language, text).root_node

    @cache
    def captured(kind: str) -> dict[str, list[Node]]:
        return queries.captures(language, kind, root)

    failures: list[str] = []
    for a in parse_assertions(text, languages.spec(language).line_comment):
        nodes = captured(kind_of(a.capture)).get(a.capture, [])
        hits = [n for n in nodes if _contains(n, a.row, a.column)]
        where = f"{label}:{a.line}: ({a.row + 1}:{a.column})"
        if a.negated and hits:
            kinds = ", ".join(sorted({n.type for n in hits}))
            failures.append(f"{where} expected no @{a.capture}, got one on {kinds}")
        elif not a.negated and not hits:
            failures.append(f"{where} expected @{a.capture}, none contains the position")
    return failures


def fixture_language(path: Path) -> str:
    spec = languages.detect(None, path.name)
    assert spec is not None, f"{path.name}: no language for this extension"
    return spec.name


@pytest.mark.parametrize("language", languages.names())
def test_every_kind_exists_compiles_and_keeps_to_its_captures(language: str) -> None:
    for kind in ALL_KINDS:
        path = queries.grammars_dir() / language / f"{kind}.scm"
        assert path.is_file(), f"missing {path}"
        q = queries.query(language, kind)
        assert q is not None, f"{path} is empty"
        names = {q.capture_name(i) for i in range(q.capture_count)}
        wrong = {n for n in names if not n.startswith("_") and OWNER.get(n) != kind}
        assert not wrong, f"{path} uses captures it does not own: {wrong}"


def test_every_language_has_a_fixture() -> None:
    assert sorted({fixture_language(p) for p in FIXTURE_FILES}) == sorted(languages.names())


def test_cpp_definitions_are_generated() -> None:
    """cpp/definitions.scm is what cpp/generate.py writes from its tables and C's shared part."""
    cpp = queries.grammars_dir() / "cpp"
    expected = runpy.run_path(str(cpp / "generate.py"))["render"]()
    assert (cpp / "definitions.scm").read_text(encoding="utf-8") == expected, (
        "grammars/cpp/definitions.scm is out of date: run python3 grammars/cpp/generate.py"
    )


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture_parses_cleanly(path: Path) -> None:
    tree = parse(fixture_language(path), path.read_text(encoding="utf-8"))
    assert not tree.root_node.has_error, f"{path.name} has syntax errors"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture_assertions(path: Path) -> None:
    language = fixture_language(path)
    text = path.read_text(encoding="utf-8")
    assertions = parse_assertions(text, languages.spec(language).line_comment)
    assert len(assertions) >= 10, f"{path.name}: too few assertions to mean much"
    assert {kind_of(a.capture) for a in assertions} == set(ALL_KINDS), "a kind is never tested"
    failures = check(language, text, path.name)
    assert not failures, "\n".join(failures)


WRONG = """\
def add(a, b):
# ^ @definition.class
# ^ !@definition.function
    return a + b
#   ^ @import
"""


def test_checker_reports_wrong_assertions() -> None:
    failures = check("python", WRONG, "wrong.py")
    assert len(failures) == 3, failures
    assert failures[0].startswith("wrong.py:2: (1:2) expected @definition.class")
    assert "expected no @definition.function" in failures[1]
    assert failures[2].startswith("wrong.py:5: (4:4) expected @import")
    with pytest.raises(KeyError):
        check("python", "x = 1\n# <- @nonsense\n")


def test_checker_accepts_right_assertions_and_arrow() -> None:
    text = "def add(a, b):\n# <- @definition.function\n    return a + b\n#   ^ @statement\n"
    assert check("python", text) == []
    assert [a.column for a in parse_assertions(text, "#")] == [0, 4]


def test_python_complexity_matches_radon() -> None:
    """Each function's 1 + @branch count (nested definitions and @nobranch left out) is radon's."""
    text = (FIXTURES / "radon" / "cases.py").read_text(encoding="utf-8")
    root = parse("python", text).root_node
    found = queries.captures("python", "complexity", root)
    skip = found.get("nobranch", [])

    def owner(node: Node) -> Node | None:
        parent = node.parent
        while parent is not None and parent.type not in ("function_definition", "class_definition"):
            parent = parent.parent
        return parent

    branches = [
        b
        for b in found["branch"]
        if not any(s.start_byte <= b.start_byte and b.end_byte <= s.end_byte for s in skip)
    ]
    lines = text.splitlines()
    functions = [n for n in root.children if n.type == "function_definition"]
    assert len(functions) >= 8
    for function in functions:
        row = function.start_point.row
        expected = re.search(r"# cc=(\d+)", lines[row])
        assert expected, f"cases.py:{row + 1}: no `# cc=N`"
        got = 1 + sum(1 for b in branches if owner(b) == function)
        assert got == int(expected[1]), f"cases.py:{row + 1}: {got} != radon's {expected[1]}"
    star = parse("python", "try:\n    f()\nexcept* E:\n    f()\nelse:\n    f()\n").root_node
    assert "branch" not in queries.captures("python", "complexity", star)  # radon skips TryStar
