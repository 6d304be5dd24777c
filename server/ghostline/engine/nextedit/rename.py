"""The other occurrences of a name the user just renamed: the next edits of a rename, from tree-sitter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ghostline.engine.document import Document
from ghostline.engine.edits import Hunk
from ghostline.syntax import locals as scopes
from ghostline.syntax import members

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_TOKEN = re.compile(r"[A-Za-z0-9_$]+|\s+|.", re.DOTALL)


def tokens(text: str) -> list[str]:
    """``text`` as words, runs of blanks and single other characters (joined, they give ``text`` back)."""
    return _TOKEN.findall(text)


MAX_EDITS = 200
MAX_CHARS = 1_000_000
"""Documents longer than this get no next edits (the scope query walks the whole tree on the event loop)."""


@dataclass(frozen=True)
class NextEdit:
    """Replace ``doc.text[start:end]`` by ``text``; ``why`` says what implies it."""

    start: int
    end: int
    text: str
    why: str
    uri: str = ""
    """The document to edit when it is another open one ("": the document asked about)."""


def renamed(hunk: Hunk) -> tuple[int, str, str] | None:
    """(offset of the new name in the document, old name, new name) when the hunk renamed one identifier.

    The hunk's lines must differ only in whole identifiers, each the same old name become the same new one
    (a hunk that took in several accepted renames on nearby lines still counts).
    """
    before, after = tokens(hunk.before), tokens(hunk.after)
    if len(before) != len(after):
        return None
    pairs = {(a, b) for a, b in zip(before, after, strict=True) if a != b}
    if len(pairs) != 1:
        return None
    ((old, new),) = pairs
    if not _IDENTIFIER.match(old) or not _IDENTIFIER.match(new):
        return None
    first = next(i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b)
    return hunk.start + sum(len(t) for t in after[:first]), old, new


def rename_edits(doc: Document, hunk: Hunk, cursor: int) -> list[NextEdit]:
    """The occurrences of the old name that mean what the renamed one meant, nearest after ``cursor`` first.

    Empty unless ``hunk`` (the document's last) renamed an identifier of a language with a locals query
    and the tree is current.
    """
    found = renamed(hunk)
    if found is None or doc.syntax is None or doc.language is None or doc.parsing:
        return []
    if len(doc.text) > MAX_CHARS:
        return []
    at, old, new = found
    if doc.text[at : at + len(new)] != new:
        return []  # the hunk no longer matches the text
    site = (doc.byte_at(at), doc.byte_at(at + len(new)))
    nodes = scopes.same_variable(doc.language, doc.syntax.root, site, old, new) or []
    if not nodes:  # not a variable: perhaps an attribute of self / this, renamed through its class
        nodes = members.same_attribute(doc.syntax.root, site, old)
    edits = []
    for node in nodes[:MAX_EDITS]:
        start = doc.offset_of_point(*node.start_point)
        edits.append(NextEdit(start, start + len(old), new, f"rename {old} → {new}"))
    after = [e for e in edits if e.start >= cursor]
    return after + [e for e in edits if e.start < cursor]
