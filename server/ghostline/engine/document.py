"""An open document: its text, line table, position encoding and incremental syntax tree."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from ghostline.engine import text as tx
from ghostline.syntax import languages
from ghostline.syntax.definitions import Definition, definition_at
from ghostline.syntax.errors import SyntaxProblem, find_problems
from ghostline.syntax.tree import Edit, SyntaxTree


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
    ) -> None:
        self.uri = uri
        self.version = version
        self.encoding = encoding
        self.text = text
        self._starts = tx.line_starts(text)
        self.source = tx.to_bytes(text)
        """The text as the UTF-8 bytes tree-sitter parsed (brought up to date by ``reparse``)."""
        spec = languages.detect(language_id, uri)
        self.language: str | None = spec.name if spec else None
        self.syntax: SyntaxTree | None = SyntaxTree(spec.name, self.source) if spec else None

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
        """String index of a tree-sitter (row, byte column) point (rows end at \\n only)."""
        if self._lone_cr:
            start = 0
            for _ in range(row):
                start = self.text.find("\n", start) + 1
                if start == 0:
                    return len(self.text)
        elif row >= len(self._starts):
            return len(self.text)
        else:
            start = self._starts[max(row, 0)]
        line_end = self.text.find("\n", start)
        line = self.text[start : len(self.text) if line_end < 0 else line_end]
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

    @property
    def _lone_cr(self) -> bool:
        """Whether a bare \\r ends a line somewhere (then LSP rows and tree-sitter rows differ)."""
        return "\r" in self.text and self.text.count("\r") != self.text.count("\r\n")

    def apply_change(self, new_text: str, start: Pos | None = None, end: Pos | None = None) -> None:
        """Apply one LSP content change (whole text when ``start`` is None); call ``reparse`` after."""
        if start is None or end is None:
            self._replace_all(new_text)
            return
        s, e = self.offset_at(start), self.offset_at(end)
        if e < s:
            s, e = e, s
        edit = self._edit_for(s, e, new_text) if self.syntax else None
        self.text = self.text[:s] + new_text + self.text[e:]
        self._starts = tx.update_line_starts(self._starts, self.text, s, e, len(new_text))
        if self.syntax and edit:
            self.syntax.edit(edit)

    def reparse(self) -> None:
        """Bring the syntax tree up to date after one or more ``apply_change`` calls."""
        self.source = tx.to_bytes(self.text)
        if self.syntax:
            self.syntax.reparse(self.source)

    def problems(self) -> list[SyntaxProblem]:
        """Current syntax problems (empty for languages without a grammar)."""
        return find_problems(self.syntax.root) if self.syntax else []

    def _replace_all(self, new_text: str) -> None:
        self.text = new_text
        self._starts = tx.line_starts(new_text)
        self.source = tx.to_bytes(new_text)
        if self.syntax:
            self.syntax = SyntaxTree(self.syntax.language, self.source)

    def _point(self, offset: int) -> tuple[int, int]:
        """Tree-sitter point of a string index: rows end at \\n only, columns count bytes."""
        if self._lone_cr:
            row = self.text.count("\n", 0, offset)
            start = self.text.rfind("\n", 0, offset) + 1
        else:
            row = bisect_right(self._starts, offset) - 1
            start = self._starts[row]
        return (row, tx.byte_length(self.text[start:offset]))

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
