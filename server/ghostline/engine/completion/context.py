"""What the model sees around the cursor, laid out so the prompt's start stays put while you type."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from ghostline.config import CompletionSettings
from ghostline.engine.completion import project, similar
from ghostline.engine.completion.gap import tight_gap
from ghostline.engine.completion.project import Index, Section
from ghostline.engine.completion.window import middle_start, suffix_after
from ghostline.engine.document import Document
from ghostline.engine.edits import EditLog, unified
from ghostline.engine.uris import to_path
from ghostline.syntax import cursor, languages
from ghostline.syntax.definitions import find_definitions

CHARS_PER_TOKEN = 3.5
CHUNK_LINES = 12
MAX_DEFINED_CHARS = 200_000
"""Larger documents are not searched for the names they define (snippet relevance falls back to imports)."""
MAX_OTHERS = 32
"""Open documents read for snippets: the most recently used (``others`` comes least recent first)."""
MAX_DEFINED_DOCS = 256
"""Documents whose defined names are remembered (names only; each recomputed when its version changes)."""
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
    """From the window start to where typing at this place began (the start of a line)."""
    typed: str
    """From where typing began to the start of the cursor's line: it goes after the FIM middle token."""
    line_before: str
    suffix: str
    """The rest of the cursor's line and a few lines after it."""
    mode: str
    offset: int
    text: str
    """The whole document (the suggestion is checked merged into it)."""
    errors: int = 0
    """Syntax errors the document has already (counted on its live tree)."""
    definitions: tuple[Section, ...] = ()
    """Signatures and docs of names used near the cursor, from other files of the workspace."""
    edits: str = ""
    """The session's recent edits as unified diffs, oldest first ('' when none)."""
    repo: str = ""
    """The workspace's name (the model's repository header, where it has one)."""
    tight: bool = False
    """On an empty line between two lines of code of one block: one statement fills the gap."""


@dataclass
class _Anchor:
    line: int
    snippets: tuple[Snippet, ...]
    definitions: tuple[Section, ...] = ()
    indexed: int = 0
    """How many files the workspace index held when ``definitions`` were chosen."""
    middle: int = -1
    """The line where typing at this place began (-1: not yet asked here)."""


class ContextBuilder:
    """Builds contexts; remembers per document where the window starts and which snippets it uses."""

    def __init__(self) -> None:
        self._anchors: dict[str, _Anchor] = {}
        self.recent: deque[tuple[str, str, frozenset[str]]] = deque(maxlen=8)
        """(uri, text, defined names) of recently closed documents, still offered as cross-file context."""
        self._defined: dict[str, tuple[int, tuple[tuple[str, int], ...]]] = {}
        self.index: Index | None = None
        """The workspace index: definitions of the names at the cursor come from it."""
        self.edits: EditLog | None = None
        """The session's edit log: its recent hunks go into the prompt."""
        self.root = ""
        """The workspace folder (paths in the prompt are relative to it)."""

    def forget(self, doc: Document) -> None:
        """A document closed: drop its anchor and keep its text as a recent document (unless it is huge)."""
        self._anchors.pop(doc.uri, None)
        if len(doc.text) <= MAX_DEFINED_CHARS:  # eight closed 60 MB logs would pin half a gigabyte
            self.recent.append((doc.uri, doc.text, self._defined_in(doc)))
        self._defined.pop(doc.uri, None)

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
        anchor.middle = middle_start(anchor.middle, anchor.line, line)
        middle = doc.line_start(anchor.middle)
        mode, head, errors = "single", "", 0
        tight = not before.strip() and tight_gap(doc, line, before)
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
            prefix=doc.text[window_start:middle],
            typed=doc.text[middle:line_start],
            line_before=before,
            suffix=suffix_after(doc, offset, line, budget // 4),
            mode=mode,
            offset=offset,
            text=doc.text,
            errors=errors,
            definitions=anchor.definitions,
            edits=self._edits(doc, offset, settings.recent_edits),
            repo=self.root.rstrip("/").rsplit("/", 1)[-1],
            tight=tight,
        )

    def _anchor(
        self, doc: Document, line: int, budget: int, settings: CompletionSettings, others: list[Document]
    ) -> _Anchor:
        """Keep the window start until the prefix outgrows the budget, then move it forward a lot."""
        anchor = self._anchors.get(doc.uri)
        if anchor is not None and anchor.line <= line:
            size = doc.line_start(line) - doc.line_start(anchor.line)
            if size <= budget * 4 // 3 and not self._index_arrived(anchor):
                return anchor
        start, size = line, 0
        while start > 0 and size + len(doc.line(start - 1)) + 1 <= budget:
            start -= 1
            size += len(doc.line(start)) + 1
        near = "\n".join(doc.line(i) for i in range(max(line - 20, 0), line + 1))
        code = project.code_only(near)  # a name in a comment or a licence does not make a file related
        wanted = set(project.names_near(code, len(code))) - self._defined_in(doc)
        snippets = self._snippets(
            doc, near, wanted, int(settings.cross_file_tokens * CHARS_PER_TOKEN), others
        )
        end = min(line + 10, doc.line_count - 1)
        definitions = self._definitions(doc, start, line, end, settings)
        anchor = _Anchor(start, snippets, definitions, self.index.files if self.index else 0)
        self._anchors[doc.uri] = anchor
        return anchor

    def _index_arrived(self, anchor: _Anchor) -> bool:
        """The index had nothing when the anchor was set and has files now (its first scan ended)."""
        return self.index is not None and anchor.indexed == 0 and self.index.files > 0

    def _definitions(
        self, doc: Document, start: int, line: int, end: int, settings: CompletionSettings
    ) -> tuple[Section, ...]:
        """Definitions from the workspace of the names in the window (nearest the cursor first)."""
        budget = int(settings.definition_tokens * CHARS_PER_TOKEN)
        if self.index is None or budget <= 0:
            return ()
        window = doc.text[doc.line_start(start) : doc.line_start(end + 1)]
        cursor_at = doc.line_start(line) - doc.line_start(start)
        inside = self._defined_in(doc, (start, end))
        ranked = project.ranked(window, cursor_at, project.imported_names(doc.text))
        names = [n for n in ranked if n not in inside]
        here = _fs_path(doc.uri)
        sections = project.definitions(
            self.index,
            names,
            here,
            (start, end),
            project.imported(doc.text),
            budget,
            project.comment_of(doc.language),
        )
        return tuple(Section(self._relative(s.path), s.text) for s in sections)

    def _edits(self, doc: Document, offset: int, count: int) -> str:
        """The recent hunks (not the one being typed) as diffs; stable while typing in one place."""
        if self.edits is None or count <= 0:
            return ""
        hunks = self.edits.recent(count, exclude=self.edits.active(doc.uri, offset))
        return "".join(unified(h, self._relative(_fs_path(h.uri))) for h in hunks)

    def _relative(self, path: str) -> str:
        return path[len(self.root.rstrip("/")) + 1 :] if self._inside(path) else path.rsplit("/", 1)[-1]

    def _inside(self, path: str) -> bool:
        """Whether a file path lies in the workspace folder (never when there is none)."""
        return bool(self.root) and path.startswith(self.root.rstrip("/") + "/")

    def _defined_in(self, doc: Document, rows: tuple[int, int] | None = None) -> frozenset[str]:
        """Names of the functions, methods and classes ``doc`` defines (whose header is within ``rows``)."""
        cached = self._defined.get(doc.uri)
        if cached is None or cached[0] != doc.version:
            found: tuple[tuple[str, int], ...] = ()
            big = len(doc.text) > MAX_DEFINED_CHARS  # a query over the whole tree: not on a keystroke
            if doc.syntax is not None and doc.language is not None and not doc.parsing and not big:
                defs = find_definitions(doc.language, doc.syntax.root)
                found = tuple((d.name, d.name_node.start_point[0]) for d in defs)
            if doc.resting:  # no tree until it is used again: nothing to say, and nothing to keep
                return frozenset()
            self._defined.pop(doc.uri, None)
            while len(self._defined) >= MAX_DEFINED_DOCS:  # the least recently computed go first
                del self._defined[next(iter(self._defined))]
            cached = self._defined[doc.uri] = (doc.version, found)
        if rows is None:
            return frozenset(name for name, _ in cached[1])
        return frozenset(name for name, row in cached[1] if rows[0] <= row <= rows[1])

    def _snippets(
        self, doc: Document, near: str, wanted: set[str], budget: int, others: list[Document]
    ) -> tuple[Snippet, ...]:
        """Chunks of related documents most similar to the text near the cursor, in a stable order.

        A document is related when ``doc`` imports it or it defines a name in ``wanted`` (used near the
        cursor, defined nowhere in ``doc``); a chunk counts only when it holds one of those names.
        """
        if budget <= 0 or not wanted:
            return ()
        words = set(_WORD.findall(near))
        imports = project.imported(doc.text)
        sources = [
            (o.uri, o.text, self._defined_in(o))
            for o in others[-MAX_OTHERS:]
            if o.uri != doc.uri and o.language == doc.language and len(o.text) <= MAX_DEFINED_CHARS
        ]
        seen = {uri for uri, _, _ in sources} | {doc.uri}
        sources += [s for s in self.recent if s[0] not in seen and self._may_inform(doc, s[0])]
        related = [(uri, text) for uri, text, defined in sources if defined & wanted or _stem(uri) in imports]
        live = {_fs_path(uri): text for uri, text, _ in sources}
        scored = self._similar(doc, words, wanted, {_fs_path(uri) for uri, _ in related}, live)
        for uri, text in related:
            scored += _chunks(_path_of(uri), text, words, wanted)
        chosen, used = [], 0
        for _, snippet in sorted(scored, key=lambda s: -s[0]):
            if used + len(snippet.text) <= budget:
                chosen.append(snippet)
                used += len(snippet.text)
        return tuple(sorted(chosen, key=lambda s: (s.path, s.start_line)))

    def _similar(
        self, doc: Document, words: set[str], wanted: set[str], skip: set[str], live: dict[str, str]
    ) -> list[tuple[float, Snippet]]:
        """Windows of the workspace's other files like the code above the cursor (none without an index).

        ``live``: the texts of open and recently closed documents by path (read instead of the disk).
        """
        here = _fs_path(doc.uri)
        if self.index is None or not self._inside(here):
            return []
        paths = similar.candidates(self.index, here, wanted, skip)
        found = similar.search(paths, words, wanted, self.index, live)
        return [(f.score, Snippet(self._relative(f.path), f.start_line, f.text)) for f in found]

    def _may_inform(self, doc: Document, other: str) -> bool:
        """Whether a closed document may inform ``doc``: the same language, in the same workspace folder."""
        inside = self._inside(_fs_path(doc.uri))
        return _language_of(other) == doc.language and (not inside or self._inside(_fs_path(other)))

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


def _chunks(path: str, text: str, words: set[str], wanted: set[str]) -> list[tuple[float, Snippet]]:
    """The chunks of a related document that hold a name in ``wanted``, scored by likeness to ``words``."""
    lines = text.splitlines()
    scored = []
    for start in range(0, len(lines), CHUNK_LINES):
        chunk = "\n".join(lines[start : start + CHUNK_LINES])
        other = set(_WORD.findall(chunk))
        if other and words and other & wanted:
            score = len(words & other) / len(words | other)
            if score > 0.05:
                scored.append((score, Snippet(path, start, chunk)))
    return scored


def _language_of(uri: str) -> str | None:
    spec = languages.detect(None, uri)
    return spec.name if spec else None


def _stem(uri: str) -> str:
    name = uri.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def _fs_path(uri: str) -> str:
    return to_path(uri) or uri


def _path_of(uri: str) -> str:
    return uri.rsplit("/", 1)[-1] if "/" in uri else uri
