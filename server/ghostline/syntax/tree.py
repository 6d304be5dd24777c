"""One incrementally maintained tree-sitter parse tree per document."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node, Parser, Point
from tree_sitter import Tree as Tree

from ghostline.syntax import languages


@dataclass(frozen=True)
class Edit:
    """A text edit in tree-sitter coordinates: byte offsets and (row, byte column) points."""

    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]


class SyntaxTree:
    """A parser and its latest tree for one document; edits are applied incrementally."""

    def __init__(self, language: str, source: bytes) -> None:
        self.language = language
        self._parser = Parser(languages.load(language))
        self.tree: Tree = self._parser.parse(source)

    @property
    def root(self) -> Node:
        """The root node of the current tree."""
        return self.tree.root_node

    def edit(self, edit: Edit) -> None:
        """Tell the old tree about an edit (call ``reparse`` after one or more edits)."""
        self.tree.edit(
            start_byte=edit.start_byte,
            old_end_byte=edit.old_end_byte,
            new_end_byte=edit.new_end_byte,
            start_point=Point(*edit.start_point),
            old_end_point=Point(*edit.old_end_point),
            new_end_point=Point(*edit.new_end_point),
        )

    def reparse(self, source: bytes) -> None:
        """Parse the new source reusing the edited old tree."""
        self.tree = self._parser.parse(source, self.tree)

    def copy(self) -> SyntaxTree:
        """Another handle on the current tree (edits to one do not reach the other), for another thread."""
        other = SyntaxTree.__new__(SyntaxTree)
        other.language, other._parser, other.tree = self.language, self._parser, self.tree.copy()
        return other

    def fresh_parse(self, source: bytes) -> Tree:
        """A from-scratch parse of ``source`` (for checks and benchmarks; keeps the current tree)."""
        return self._parser.parse(source)


def parse(language: str, source: bytes) -> Tree:
    """Parse a whole source once (for the command line and one-off checks)."""
    return Parser(languages.load(language)).parse(source)


def parse_in_chunks(language: str, source: bytes, old_tree: Tree | None = None, chunk: int = 8192) -> Tree:
    """Parse ``source`` handing it to tree-sitter a chunk at a time.

    Each chunk is fetched by a Python callback, so a parse running in a worker thread lets other threads
    (the server's event loop) take the GIL in between instead of waiting for the whole parse. The tree
    returned holds its text (see below).
    """
    parser = Parser(languages.load(language))

    def read(byte: int, point: Point) -> bytes:
        return source[byte : byte + chunk]

    chunked = parser.parse(read, old_tree) if old_tree is not None else parser.parse(read)
    # A tree parsed through a callback holds no text: queries with text predicates would read it back
    # through the callback again and again. Parsing the bytes once more, incrementally from the chunked
    # tree (nothing changed: milliseconds), gives the same tree holding its text.
    return parser.parse(source, chunked)
