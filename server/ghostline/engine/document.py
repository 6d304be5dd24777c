"""An open document: its text, line table, position encoding and incremental syntax tree."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from ghostline.engine import text as tx
from ghostline.syntax import languages
from ghostline.syntax.definitions import Definition, definition_at
from ghostline.syntax.errors import SyntaxProblem, find_problems
from ghostline.syntax.tree import Edit, SyntaxTree, Tree, parse_apart


@dataclass(frozen=True)
class Pos:
    """An LSP position: zero-based line and column in the document's position encoding."""

    line: int
    character: int


class Document:
    """The server's copy of one open text document."""

    def __init__(
        self,
        uri: str,
        text: str,
        version: int = 0,
        language_id: str | None = None,
        encoding: str = "utf-16",
        parse: bool = True,
        syntax: bool = True,
    ) -> None:
        """A document; ``parse=False`` leaves its tree empty until a background parse (``parse_job``).

        ``syntax=False`` keeps no tree at all (a document too large or too odd to parse).
        """
        self.uri = uri
        self.version = version
        self.encoding = encoding
        self.text = text
        self._starts = tx.line_starts(text)
        self.source = tx.to_bytes(text)
        """The text as the UTF-8 bytes tree-sitter parsed (brought up to date by ``reparse``)."""
        self._fresh_parse = not parse
        self.parsing = False
        """A background parse is running: edits wait in ``_queued`` for the tree it brings."""
        self._queued: list[Edit] = []
        spec = languages.detect(language_id, uri)
        self.language: str | None = spec.name if spec else None
        self.syntax: SyntaxTree | None = (
            SyntaxTree(spec.name, self.source if parse else b"") if spec else None
        )
        self._resting: str | None = None
        """The language of a tree freed by ``rest`` (None: not resting)."""

    @property
    def line_count(self) -> int:
        """Number of lines (a trailing line break starts one more, empty, line)."""
        return len(self._starts)

    def line(self, row: int) -> str:
        """The text of one line without its line break ("" past the end)."""
        if not 0 <= row < len(self._starts):
            return ""
        end = self._starts[row + 1] if row + 1 < len(self._starts) else len(self.text)
        return self.text[self._starts[row] : end].rstrip("\r\n")

    def row_of(self, offset: int) -> int:
        """The (LSP) line a string index is on."""
        return bisect_right(self._starts, max(0, min(offset, len(self.text)))) - 1

    def line_start(self, row: int) -> int:
        """String index where line ``row`` starts (clamped into the document)."""
        if row <= 0:
            return 0
        return self._starts[row] if row < len(self._starts) else len(self.text)

    def offset_at(self, pos: Pos) -> int:
        """String index of an LSP position, clamped into the document."""
        if pos.line < 0:
            return 0
        if pos.line >= len(self._starts):
            return len(self.text)
        return self._starts[pos.line] + tx.column_to_index(self.line(pos.line), pos.character, self.encoding)

    def position_at(self, offset: int) -> Pos:
        """LSP position of a string index."""
        offset = max(0, min(offset, len(self.text)))
        row = bisect_right(self._starts, offset) - 1
        start = self._starts[row]
        return Pos(row, tx.index_to_column(self.line(row), offset - start, self.encoding))

    def offset_of_point(self, row: int, byte_column: int) -> int:
        """String index of a tree-sitter (row, byte column) point (its rows are the document's lines)."""
        if row >= len(self._starts):
            return len(self.text)
        line = self.line(max(row, 0))
        start = self._starts[max(row, 0)]
        if line.isascii():
            return start + min(byte_column, len(line))
        return start + tx.index_of_byte(line, byte_column)

    def byte_at(self, offset: int) -> int:
        """Tree-sitter byte offset of a string index."""
        return offset if self.text.isascii() else tx.byte_length(self.text[:offset])

    def definition_at(self, offset: int) -> Definition | None:
        """The innermost function, method or class around a string index."""
        if self.syntax is None or self.language is None:
            return None
        return definition_at(self.language, self.syntax.root, self.byte_at(offset))

    def apply_change(self, new_text: str, start: Pos | None = None, end: Pos | None = None) -> None:
        """Apply one LSP content change (whole text when ``start`` is None); call ``reparse`` after."""
        if start is None or end is None:
            self._replace_all(new_text)
            return
        s, e = self.offset_at(start), self.offset_at(end)
        if e < s:
            s, e = e, s
        if "\r" in new_text or "\r" in self.text[max(s - 1, 0) : e + 1]:
            self._fresh_parse = True  # a CR that pairs or unpairs changes where lines end: parse afresh
        edit = self._edit_for(s, e, new_text) if self.syntax and not self._fresh_parse else None
        self.text = self.text[:s] + new_text + self.text[e:]
        self._starts = tx.update_line_starts(self._starts, self.text, s, e, len(new_text))
        if self.syntax and edit and self.parsing:
            self._queued.append(edit)
        elif self.syntax and edit:
            self.syntax.edit(edit)

    def reparse(self) -> None:
        """Bring the syntax tree up to date after one or more ``apply_change`` calls."""
        if self.parsing:
            return  # the background parse takes the edits in turn
        self.source = tx.to_bytes(self.text)
        if self.syntax and self._fresh_parse:
            self.syntax = SyntaxTree(self.syntax.language, self.source)
        elif self.syntax:
            self.syntax.reparse(self.source)
        self._fresh_parse = False

    @property
    def resting(self) -> bool:
        """The syntax tree was freed (``rest``) and comes back with ``wake``."""
        return self._resting is not None

    def rest(self) -> None:
        """Free the syntax tree, the largest part of an open document, until ``wake`` (not while parsing)."""
        if self.syntax is not None and not self.parsing:
            self._resting, self.syntax = self.syntax.language, None

    def wake(self) -> None:
        """Give a resting document an empty tree back, to be parsed afresh by the next ``reparse``."""
        if self._resting is not None:
            self.syntax, self._resting = SyntaxTree(self._resting, b""), None
            self._fresh_parse = True

    def snapshot(self) -> Document:
        """A separate copy of this version (text, lines, a copy of the tree) for work in another thread."""
        copy = Document.__new__(Document)
        copy.__dict__.update(self.__dict__)
        copy._queued = []
        copy.syntax = self.syntax.copy() if self.syntax is not None else None
        return copy

    def parse_job(self) -> Callable[[], Tree]:
        """Start a background parse: the function to run in a worker thread (edits wait for its tree)."""
        assert self.syntax is not None
        self.source = tx.to_bytes(self.text)
        language, source = self.syntax.language, self.source
        old = None if self._fresh_parse else self.syntax.tree
        self._fresh_parse, self.parsing = False, True
        return lambda: parse_apart(language, source, old)

    def adopt(self, tree: Tree) -> bool:
        """Take the tree a background parse brought; True when edits made meanwhile need another parse."""
        assert self.syntax is not None
        self.syntax.tree = tree
        queued, self._queued = self._queued, []
        for edit in queued:
            self.syntax.edit(edit)
        self.parsing = False
        return bool(queued) or self._fresh_parse

    def problems(self) -> list[SyntaxProblem]:
        """Current syntax problems (empty for languages without a grammar)."""
        return find_problems(self.syntax.root) if self.syntax else []

    def _replace_all(self, new_text: str) -> None:
        self.text = new_text
        self._starts = tx.line_starts(new_text)
        self.source = tx.to_bytes(new_text)
        self._queued.clear()
        self._fresh_parse = True  # the next parse starts afresh (``reparse``, or a background one)

    def _point(self, offset: int) -> tuple[int, int]:
        """Tree-sitter point of a string index: the line (``to_bytes`` ends lone CRs), columns in bytes."""
        row = bisect_right(self._starts, offset) - 1
        return (row, tx.byte_length(self.text[self._starts[row] : offset]))

    def _edit_for(self, s: int, e: int, new_text: str) -> Edit:
        start_byte, old_end_byte = self.byte_at(s), self.byte_at(e)
        start_point, old_end_point = self._point(s), self._point(e)
        rows = new_text.count("\n")
        if rows == 0:
            new_end_point = (start_point[0], start_point[1] + tx.byte_length(new_text))
        else:
            tail = new_text[new_text.rfind("\n") + 1 :]
            new_end_point = (start_point[0] + rows, tx.byte_length(tail))
        return Edit(
            start_byte,
            old_end_byte,
            start_byte + tx.byte_length(new_text),
            start_point,
            old_end_point,
            new_end_point,
        )
