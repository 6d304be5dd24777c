"""Cyclomatic complexity agrees with radon on real standard-library modules; diagnostics and hover."""

from __future__ import annotations

import argparse
import difflib
import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from radon.complexity import cc_visit

from ghostline.engine.diagnostics import complexity_at, complexity_findings
from ghostline.engine.document import Document
from ghostline.syntax.complexity import complexities

MODULES = [
    *sorted(Path(inspect.getfile(json)).parent.glob("*.py")),
    Path(inspect.getfile(argparse)),
    Path(inspect.getfile(difflib)),
]


def radon_functions(blocks: list[Any]) -> dict[tuple[str, int], int]:
    """Every function, method and closure radon reports, by (name, line)."""
    out: dict[tuple[str, int], int] = {}
    for block in blocks:
        if hasattr(block, "methods"):  # a class
            out.update(radon_functions(list(block.methods) + list(block.inner_classes)))
        else:
            out[(block.name, block.lineno)] = block.complexity
            out.update(radon_functions(list(block.closures)))
    return out


@pytest.mark.parametrize(
    "path", MODULES, ids=lambda p: p.name if p.parent.name != "json" else f"json/{p.name}"
)
def test_python_complexity_matches_radon(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    expected = radon_functions(cc_visit(source))
    doc = Document(str(path), source)
    assert doc.syntax is not None
    ours = {
        (c.definition.name, c.definition.node.start_point.row + 1): c.value
        for c in complexities("python", doc.syntax.root)
    }
    assert ours.keys() == expected.keys()
    differing = {k: (ours[k], expected[k]) for k in ours if ours[k] != expected[k]}
    assert differing == {}


def test_diagnostic_above_threshold_and_hover() -> None:
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(12))
    doc = Document("a.py", f"def busy(x):\n{branches}    return -1\n\n\ndef calm():\n    return 0\n")
    [finding] = complexity_findings(doc, 10)
    assert finding.code == "complexity/cyclomatic" and "13" in finding.message
    assert (finding.start, finding.end) == (4, 8)  # the name "busy" on the first line
    assert complexity_findings(doc, 13) == []
    found = complexity_at(doc, 6)
    assert found is not None and found[:2] == ("busy", 13)
    assert complexity_at(doc, doc.line_start(1) + 6) is None


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("a.js", "function f(a) {\n  if (a && b) { return 1; }\n  for (;;) {}\n  return a ? 1 : 2;\n}\n", 5),
        (
            "a.go",
            "package m\nfunc f(a int) int {\n\tif a > 1 || a < 0 {\n\t\treturn 1\n\t}\n\treturn 0\n}\n",
            3,
        ),
        ("a.rs", "fn f(a: i32) -> i32 {\n    match a {\n        1 => 1,\n        _ => 0,\n    }\n}\n", 2),
    ],
)
def test_other_languages(name: str, source: str, expected: int) -> None:
    doc = Document(name, source)
    assert doc.syntax is not None and doc.language is not None
    [c] = complexities(doc.language, doc.syntax.root)
    assert c.value == expected
