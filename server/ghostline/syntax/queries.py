"""Loads and compiles the query files under ``grammars/<language>/<kind>.scm`` once each."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from tree_sitter import Node, Query, QueryCursor

from ghostline.syntax import languages

KINDS = ("definitions", "comments", "imports", "blocks")
_INHERITS = re.compile(r"^;\s*inherits:\s*([\w,\s]+)$", re.MULTILINE)


def grammars_dir() -> Path:
    """Where the query files live: the source checkout, or inside the installed wheel."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[3] / "grammars", here.parents[1] / "grammars"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("grammars/ folder not found next to the ghostline package")


def source(language: str, kind: str) -> str:
    """The text of one query file with its ``; inherits:`` parents prepended ("" if absent)."""
    path = grammars_dir() / language / f"{kind}.scm"
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    parents = _INHERITS.search(text)
    if not parents:
        return text
    inherited = [source(p.strip(), kind) for p in parents.group(1).split(",") if p.strip()]
    return "\n".join([*inherited, text])


@cache
def query(language: str, kind: str) -> Query | None:
    """The compiled query of one kind for a language, or None when it has no such file."""
    text = source(language, kind)
    if not text.strip():
        return None
    return Query(languages.load(language), text)


ByteRange = tuple[int, int]


def captures(
    language: str, kind: str, node: Node, byte_range: ByteRange | None = None
) -> dict[str, list[Node]]:
    """Run one query kind under ``node`` (only where it meets ``byte_range``); capture name → nodes."""
    q = query(language, kind)
    if q is None:
        return {}
    return _cursor(q, byte_range).captures(node)


def matches(
    language: str, kind: str, node: Node, byte_range: ByteRange | None = None
) -> list[tuple[int, dict[str, list[Node]]]]:
    """Run one query kind under ``node`` (where it meets ``byte_range``); (pattern, captures) per match."""
    q = query(language, kind)
    if q is None:
        return []
    return _cursor(q, byte_range).matches(node)


def chunks(node: Node, size: int) -> list[ByteRange]:
    """``node``'s bytes cut into ranges of ``size`` bytes.

    Querying one range at a time lets other threads run in between (a query holds the GIL while it runs); a
    node met by several ranges is found by each, so callers drop repeats.
    """
    start, end = node.start_byte, max(node.end_byte, node.start_byte + 1)
    return [(at, min(at + size, end)) for at in range(start, end, max(size, 1))]


def _cursor(q: Query, byte_range: ByteRange | None) -> QueryCursor:
    cursor = QueryCursor(q)
    if byte_range is not None:
        cursor.set_byte_range(*byte_range)
    return cursor
