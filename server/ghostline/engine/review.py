"""AI review on save: the model points out likely bugs in the functions that changed since the last review."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from ghostline.engine.actions.chat import ask_for_text, fence_name
from ghostline.engine.document import Document
from ghostline.model.backend import Backend
from ghostline.syntax.definitions import Definition, find_definitions

MAX_FUNCTIONS = 4
SYSTEM = (
    "You are Ghostline, a strict code reviewer. You report only real bugs (wrong results, crashes, "
    "off-by-one errors, wrong conditions), never style."
)
_FINDING = re.compile(r"^\s*(?:line\s*)?(\d+)\s*[:.)-]\s*(.+)$", re.I)


@dataclass(frozen=True)
class Finding:
    """A likely bug: the line (0-based, in the document) and what is wrong."""

    line: int
    message: str


def fingerprint(definition: Definition) -> str:
    """A hash of a definition's text (to review only what changed)."""
    return hashlib.sha1(definition.node.text or b"", usedforsecurity=False).hexdigest()


def changed_functions(doc: Document, reviewed: set[str]) -> list[Definition]:
    """Functions whose text is not among the ``reviewed`` fingerprints (innermost first, capped)."""
    if doc.syntax is None or doc.language is None:
        return []
    found = [
        d
        for d in find_definitions(doc.language, doc.syntax.root)
        if d.kind != "class" and fingerprint(d) not in reviewed
    ]
    return found[:MAX_FUNCTIONS]


def review_function(
    doc: Document, definition: Definition, backend: Backend, should_stop: Callable[[], bool]
) -> list[Finding]:
    """The model's findings for one function (empty when it sees no bug)."""
    code = (definition.node.text or b"").decode("utf-8", "replace")
    numbered = "\n".join(f"{i + 1:>3} {line}" for i, line in enumerate(code.split("\n")))
    user = (
        "Review this function for bugs. If it is correct, answer exactly: NONE\n"
        "Otherwise answer one line per bug as `LINE: what is wrong`, using the line numbers shown.\n\n"
        f"```{fence_name(doc.language)}\n{numbered}\n```"
    )
    answer = ask_for_text(backend, SYSTEM, user, max_tokens=120, should_stop=should_stop)
    first_row = definition.node.start_point[0]
    rows = code.count("\n") + 1
    findings = []
    for line in answer.split("\n"):
        match = _FINDING.match(line.strip("`* "))
        if match is None or "NONE" in line.upper().split():
            continue
        row = int(match[1])
        if 1 <= row <= rows:
            findings.append(Finding(first_row + row - 1, match[2].strip().rstrip(".") + "."))
    return findings[:3]


def line_span(doc: Document, finding: Finding) -> tuple[int, int]:
    """String indices of the code on the finding's line (its indentation left out)."""
    text, start = doc.line(finding.line), doc.line_start(finding.line)
    return start + len(text) - len(text.lstrip()), start + len(text.rstrip())
