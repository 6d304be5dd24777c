"""What the model sees around the cursor, laid out so the prompt's start stays put while you type."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from ghostline.config import CompletionSettings
from ghostline.engine.document import Document
from ghostline.syntax import cursor, languages

CHARS_PER_TOKEN = 3.5
CHUNK_LINES = 12
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


@dataclass(frozen=True)
class Snippet:
    """A chunk of another document offered as cross-file context."""

    path: str
    start_line: int
    text: str


@dataclass(frozen=True)
class CompletionContext:
    """The pieces of a completion prompt, most stable first."""

    path: str
    language: str | None
    snippets: tuple[Snippet, ...]
    head: str
    """Imports and the enclosing definition's header when they fall before the window."""
    prefix: str
    """From the window start to the start of the cursor's line."""
    line_before: str
    suffix: str
    """The rest of the cursor's line and a few lines after it."""
    mode: str
    offset: int
    text: str
    """The whole document (the suggestion is checked merged into it)."""
    errors: int = 0
    """Syntax errors the document has already (counted on its live tree)."""


@dataclass
class _Anchor:
    line: int
    snippets: tuple[Snippet, ...]


class ContextBuilder:
    """Builds contexts; remembers per document where the window starts and which snippets it uses."""

    def __init__(self) -> None:
        self._anchors: dict[str, _Anchor] = {}
        self.recent: deque[tuple[str, str]] = deque(maxlen=8)
        """(uri, text) of recently closed documents, still offered as cross-file context."""

    def forget(self, doc: Document) -> None:
        """A document closed: drop its anchor and keep its text as a recent document."""
        self._anchors.pop(doc.uri, None)
        self.recent.append((doc.uri, doc.text))

    def build(
        self, doc: Document, offset: int, settings: CompletionSettings, others: list[Document]
    ) -> CompletionContext:
        """The context for a completion at string index ``offset`` of ``doc``."""
        offset = max(0, min(offset, len(doc.text)))
        line = doc.row_of(offset)
        line_start = doc.line_start(line)
        before, after = doc.text[line_start:offset], doc.line(line)[offset - line_start :]
        budget = int(settings.context_tokens * CHARS_PER_TOKEN)
        anchor = self._anchor(doc, line, budget * 3 // 4, settings, others)
        window_start = doc.line_start(anchor.line)
        mode, head, errors = "single", "", 0
        if doc.syntax is not None and doc.language is not None:
            byte = doc.byte_at(offset)
            mode = cursor.completion_mode(doc.language, doc.syntax.root, byte, before, after)
            head = self._head(doc, window_start, byte)
            errors = cursor.count_errors(doc.syntax.root)
        return CompletionContext(
            path=_path_of(doc.uri),
            language=doc.language,
            snippets=anchor.snippets,
            head=head,
            prefix=doc.text[window_start:line_start],
            line_before=before,
            suffix=_suffix(doc, offset, line, budget // 8),
            mode=mode,
            offset=offset,
            text=doc.text,
            errors=errors,
        )

    def _anchor(
        self, doc: Document, line: int, budget: int, settings: CompletionSettings, others: list[Document]
    ) -> _Anchor:
        """Keep the window start until the prefix outgrows the budget, then move it forward a lot."""
        anchor = self._anchors.get(doc.uri)
        if anchor is not None and anchor.line <= line:
            size = doc.line_start(line) - doc.line_start(anchor.line)
            if size <= budget * 4 // 3:
                return anchor
        start, size = line, 0
        while start > 0 and size + len(doc.line(start - 1)) + 1 <= budget:
            start -= 1
            size += len(doc.line(start)) + 1
        near = "\n".join(doc.line(i) for i in range(max(line - 20, 0), line + 1))
        snippets = self._snippets(doc, near, int(settings.cross_file_tokens * CHARS_PER_TOKEN), others)
        anchor = _Anchor(start, snippets)
        self._anchors[doc.uri] = anchor
        return anchor

    def _snippets(self, doc: Document, near: str, budget: int, others: list[Document]) -> tuple[Snippet, ...]:
        """The chunks of other documents most similar to the text near the cursor, in a stable order."""
        if budget <= 0:
            return ()
        words = set(_WORD.findall(near))
        sources = [(o.uri, o.text) for o in others if o.uri != doc.uri and o.language == doc.language]
        seen = {uri for uri, _ in sources} | {doc.uri}
        sources += [
            (uri, text) for uri, text in self.recent if uri not in seen and _language_of(uri) == doc.language
        ]
        scored = []
        for uri, text in sources:
            lines = text.splitlines()
            for start in range(0, len(lines), CHUNK_LINES):
                chunk = "\n".join(lines[start : start + CHUNK_LINES])
                other = set(_WORD.findall(chunk))
                if other and words:
                    score = len(words & other) / len(words | other)
                    if score > 0.05:
                        scored.append((score, Snippet(_path_of(uri), start, chunk)))
        chosen, used = [], 0
        for _, snippet in sorted(scored, key=lambda s: -s[0]):
            if used + len(snippet.text) <= budget:
                chosen.append(snippet)
                used += len(snippet.text)
        return tuple(sorted(chosen, key=lambda s: (s.path, s.start_line)))

    def _head(self, doc: Document, window_start: int, byte: int) -> str:
        """Imports and the enclosing header that lie before the window (as text)."""
        assert doc.syntax is not None and doc.language is not None
        source = doc.source
        start_byte = doc.byte_at(window_start)
        parts = [
            source[a:b].decode("utf-8", "replace")
            for a, b in cursor.import_ranges(doc.language, doc.syntax.root, start_byte)
            if b <= start_byte
        ]
        header = cursor.enclosing_header(doc.language, doc.syntax.root, byte)
        if header is not None and header[0] < start_byte:
            parts.append(source[header[0] : header[1]].decode("utf-8", "replace").rstrip())
        return "".join(p + "\n" for p in parts)


def _suffix(doc: Document, offset: int, line: int, budget: int) -> str:
    end_line = min(line + 10, doc.line_count - 1)
    text = doc.text[offset : doc.line_start(end_line + 1)]
    return text[:budget] if len(text) > budget else text


def _language_of(uri: str) -> str | None:
    spec = languages.detect(None, uri)
    return spec.name if spec else None


def _path_of(uri: str) -> str:
    return uri.rsplit("/", 1)[-1] if "/" in uri else uri
