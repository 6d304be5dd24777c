"""Training examples of one source file: FIM middles at syntax-aligned spans, doc ↔ function pairs."""

from __future__ import annotations

import bisect
import hashlib
import inspect
import random
import re
import textwrap
from typing import Any

from ghostline.syntax import cursor, languages, spans
from ghostline.syntax.tree import parse
from ghostline.tune.files import SourceFile
from ghostline.tune.secrets import byte_ranges

MAX_MIDDLE_LINES = 12
"""As many lines as an inline suggestion may have (completion.maxLines)."""
MAX_MIDDLE_CHARS = 800
PREFIX_CHARS, SUFFIX_CHARS = 6000, 1500
"""How much text around the gap an example keeps (more than the completion context uses)."""
MAX_PAIR_LINES = 60
_COMMENT_MARK = re.compile(r"^\s*(/\*\*|/\*|\*/|\*|///|//!|//|---|--|#)\s?")

Example = dict[str, Any]


class Hidden:
    """The byte ranges of a file's secret lines, which no example may show."""

    def __init__(self, source: SourceFile, data: bytes) -> None:
        self.data = data
        self.ranges = byte_ranges(source.text, source.secrets.lines) if source.secrets else []
        self.starts = [a for a, _ in self.ranges]

    def touches(self, start: int, end: int) -> bool:
        """Whether a secret line is one of the lines that bytes ``start``..``end`` are on."""
        if not self.ranges:
            return False
        first = self.data.rfind(b"\n", 0, start) + 1
        last = self.data.find(b"\n", end)
        last = len(self.data) if last < 0 else last
        i = bisect.bisect_right(self.starts, last) - 1  # the last range starting on or before the end
        return i >= 0 and self.ranges[i][1] > first

    def context(self, start: int, end: int) -> tuple[int, int]:
        """Where the text around a gap may start and end: past the secret lines on either side."""
        before = [b for _, b in self.ranges if b <= start]
        after = [a for a, _ in self.ranges if a >= end]
        return (before[-1] if before else 0), (after[0] if after else len(self.data))


def example_id(*parts: str) -> str:
    """A stable id from the example's content."""
    return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:16]


def fim_examples(source: SourceFile, seed: int, per_kind: int) -> list[Example]:
    """Up to ``per_kind`` FIM examples of each span kind, chosen by a seeded, file-specific draw."""
    data = source.text.encode("utf-8")
    rng = random.Random(f"{seed}:{source.path}")
    hidden = Hidden(source, data)
    by_kind: dict[str, list[spans.Span]] = {}
    for span in spans.fim_spans(source.language, data):
        middle = data[span.start : span.end].decode("utf-8", "replace")
        fits = middle.strip() and middle.count("\n") < MAX_MIDDLE_LINES and len(middle) <= MAX_MIDDLE_CHARS
        if fits and not hidden.touches(span.start, span.end):  # a secret on the gap's lines: draw another
            by_kind.setdefault(span.kind, []).append(span)
    out = []
    for kind in sorted(by_kind):
        candidates = by_kind[kind]
        rng.shuffle(candidates)
        taken = 0
        for span in candidates:
            if taken >= per_kind:
                break
            example = _fim(source, data, span, hidden)
            if example is not None:
                out.append(example)
                taken += 1
    return out


def _fim(source: SourceFile, data: bytes, span: spans.Span, hidden: Hidden) -> Example | None:
    prefix_b, middle_b, suffix_b = data[: span.start], data[span.start : span.end], data[span.end :]
    before = prefix_b[prefix_b.rfind(b"\n") + 1 :].decode("utf-8", "replace")
    after_line = suffix_b.split(b"\n", 1)[0].decode("utf-8", "replace")
    gapped = prefix_b + suffix_b
    root = parse(source.language, gapped).root_node
    mode = cursor.completion_mode(source.language, root, len(prefix_b), before, after_line)
    middle = middle_b.decode("utf-8", "replace")
    if mode == "none" or (mode == "single" and "\n" in middle):
        return None
    full_prefix = prefix_b.decode("utf-8", "replace")
    start, end = hidden.context(span.start, span.end)  # the context stops short of secret lines
    prefix = _tail(data[start : span.start].decode("utf-8", "replace"))
    suffix = _head(data[span.end : end].decode("utf-8", "replace"))
    return {
        "id": example_id(source.path, str(span.start), str(span.end), span.kind),
        "kind": f"fim-{span.kind}",
        "language": source.language,
        "path": source.path,
        "mode": mode,
        "offset": len(full_prefix),
        "prefix": prefix,
        "middle": middle,
        "suffix": suffix,
    }


def _tail(text: str) -> str:
    """The last PREFIX_CHARS of ``text``, starting at a line start."""
    if len(text) <= PREFIX_CHARS:
        return text
    cut = text.find("\n", len(text) - PREFIX_CHARS)
    return text[cut + 1 :] if cut >= 0 else text[-PREFIX_CHARS:]


def _head(text: str) -> str:
    """The first SUFFIX_CHARS of ``text``, ending at a line end."""
    if len(text) <= SUFFIX_CHARS:
        return text
    cut = text.rfind("\n", 0, SUFFIX_CHARS)
    return text[: cut + 1] if cut > 0 else text[:SUFFIX_CHARS]


def doc_pairs(source: SourceFile) -> list[Example]:
    """For each documented function: a doc → function and a function → doc example."""
    data = source.text.encode("utf-8")
    comment = languages.spec(source.language).line_comment
    hidden = Hidden(source, data)
    out = []
    for d in spans.documented_definitions(source.language, data):
        if hidden.touches(min(d.start, d.doc_start), max(d.end, d.doc_end)):
            continue
        code, doc = _split_doc(data, d)
        if not doc or not code.strip() or code.count("\n") >= MAX_PAIR_LINES:
            continue
        commented = "".join(f"{comment} {line}".rstrip() + "\n" for line in doc.splitlines())
        base = {"language": source.language, "path": source.path, "name": d.name}
        out.append(
            {
                "id": example_id(source.path, d.name, str(d.start), "doc2fn"),
                "kind": "doc-to-function",
                **base,
                "prompt": commented,
                "completion": code,
            }
        )
        out.append(
            {
                "id": example_id(source.path, d.name, str(d.start), "fn2doc"),
                "kind": "function-to-doc",
                **base,
                "prompt": f"{code}\n\n{comment} What `{d.name}` does:\n",
                "completion": doc,
            }
        )
    return out


def _split_doc(data: bytes, d: spans.DocumentedDefinition) -> tuple[str, str]:
    """The definition's code without its doc (dedented), and the doc's plain text."""
    line_start = data.rfind(b"\n", 0, d.start) + 1
    raw_doc = data[d.doc_start : d.doc_end].decode("utf-8", "replace")
    if d.start <= d.doc_start < d.end:  # a docstring inside the definition: cut its lines out
        cut_from = data.rfind(b"\n", 0, d.doc_start) + 1
        cut_to = data.find(b"\n", d.doc_end)
        cut_to = d.end if cut_to < 0 or cut_to > d.end else cut_to + 1
        code_b = data[line_start:cut_from] + data[cut_to : d.end]
    else:
        code_b = data[line_start : d.end]
    code = textwrap.dedent(code_b.decode("utf-8", "replace")).rstrip() + "\n"
    return code, _doc_text(raw_doc)


def _doc_text(raw: str) -> str:
    """A docstring without its quotes, or a doc comment without its markers, dedented."""
    stripped = raw.strip()
    quote = re.match(r"^[rRuUbBfF]{0,2}(\"\"\"|'''|\"|')", stripped)
    if quote and stripped.endswith(quote.group(1)):
        body = stripped[len(quote.group(0)) : len(stripped) - len(quote.group(1))]
        return inspect.cleandoc(body).strip()
    lines = [_COMMENT_MARK.sub("", line).rstrip() for line in raw.splitlines()]
    lines = [line[:-2].rstrip() if line.endswith("*/") else line for line in lines]
    return inspect.cleandoc("\n".join(lines)).strip()
