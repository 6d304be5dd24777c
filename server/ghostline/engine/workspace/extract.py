"""One file's definitions as index entries: name, kind, lines, signature, doc and container."""

from __future__ import annotations

import inspect
import re
import sys

from ghostline.engine.workspace.entry import Entry
from ghostline.syntax.definitions import Definition, find_definitions
from ghostline.syntax.tree import parse

MAX_SIGNATURE = 400
MAX_DOC = 300
SUMMARY_CHARS = 60
"""A doc whose first paragraph is at least this long is kept to that paragraph."""
CHUNK_BYTES = 64 * 1024
"""Larger sources are queried a slice at a time, so other threads (the event loop) run in between.

They are parsed whole, never through a read callback: a tree parsed from chunks keeps no text, so the query's
text predicates read it back through the callback again and again (16 s instead of 0.4 s for a 460 KB Python
file), and tree-sitter 0.26 keeps every chunk the callback returned (the source's size leaked per parse)."""
_COMMENT_MARK = re.compile(r"^\s*(/\*\*|/\*|\*/|\*|///|//!|//|---|--|#)\s?")
_RECEIVER = re.compile(r"(\w+)\s*(?:\[[^\]]*\])?\s*\)\s*$")
"""A Go receiver's type name: ``(s *Store)``, ``(s Store[T])``."""
_QUOTE = re.compile(r"^[rRuUbBfF]{0,2}(\"\"\"|'''|\"|')")


def extract(path: str, language: str, text: str, limit: int = 5_000) -> list[Entry]:
    """At most ``limit`` definitions of a source, in document order."""
    source = text.encode("utf-8", "surrogatepass")
    tree = parse(language, source)
    found = find_definitions(language, tree.root_node, None, CHUNK_BYTES if len(source) > CHUNK_BYTES else 0)
    found = found[:limit]
    language = sys.intern(language)
    classes = [d for d in found if d.kind == "class"]
    out = []
    for d in found:
        out.append(
            Entry(
                sys.intern(d.name),
                sys.intern(d.kind),
                path,
                language,
                d.node.start_point.row,
                d.node.end_point.row,
                signature(source, d),
                doc_text(source, d),
                sys.intern(_container(d, classes)) if d.kind == "method" else "",
            )
        )
    return out


def signature(source: bytes, d: Definition) -> str:
    """The text from the definition's start to its body (its first line when it has none), collapsed."""
    start = d.node.start_byte
    if d.body is not None and d.body.start_byte > start:
        raw = source[start : d.body.start_byte]
    else:
        end = source.find(b"\n", start, d.node.end_byte)
        raw = source[start : end if end >= 0 else d.node.end_byte]
    text = _collapse(raw.decode("utf-8", "replace"))
    if d.node.type == "type_spec":  # Go: `type Name struct`
        kind = d.body.type.removesuffix("_type") if d.body is not None else ""
        text = f"type {text} {kind if kind in ('struct', 'interface') else ''}".rstrip()
    elif d.name not in text and d.body is not None:  # C: `typedef struct { ... } name`
        text = f"{text} {{ … }} {d.name}"
    return _trim(text, MAX_SIGNATURE)


def doc_text(source: bytes, d: Definition) -> str:
    """The doc's text without quotes or comment markers, dedented and trimmed ("" when there is none)."""
    if d.doc is None:
        return ""
    last = d.doc_end or d.doc
    raw = source[d.doc.start_byte : last.end_byte].decode("utf-8", "replace").strip()
    quote = _QUOTE.match(raw)
    if quote and raw.endswith(quote.group(1)) and len(raw) >= 2 * len(quote.group(1)):
        body = raw[len(quote.group(0)) : len(raw) - len(quote.group(1))]
    else:
        lines = [_COMMENT_MARK.sub("", line).rstrip() for line in raw.splitlines()]
        body = "\n".join(line[:-2].rstrip() if line.endswith("*/") else line for line in lines)
    text = inspect.cleandoc(body).strip()
    summary = text.find("\n\n")
    if summary >= SUMMARY_CHARS:  # the first paragraph says what it is; the rest stays in the file
        text = text[:summary]
    return _trim(text, MAX_DOC)


def _container(d: Definition, classes: list[Definition]) -> str:
    """The innermost class around a method, or a Go method's receiver type."""
    receiver = d.node.child_by_field_name("receiver")
    if receiver is not None:
        typed = _RECEIVER.search((receiver.text or b"").decode("utf-8", "replace"))
        return typed.group(1) if typed else ""
    around = [
        c
        for c in classes
        if c.node.start_byte <= d.node.start_byte and d.node.end_byte <= c.node.end_byte and c is not d
    ]
    return max(around, key=lambda c: c.node.start_byte).name if around else ""


def _collapse(text: str) -> str:
    """Lines joined by one space (none just inside brackets), runs of whitespace made one space."""
    out = ""
    for line in text.splitlines():
        piece = " ".join(line.split())
        if not piece:
            continue
        glue = "" if not out or out[-1] in "([{" or piece[0] in ")]}" else " "
        out += glue + piece
    return out


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip() + "…"
