"""One incrementally maintained tree-sitter parse tree per document."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node, Parser, Point
from tree_sitter import Tree as Tree

from ghostline.syntax import languages

CHUNK = 8192
"""Bytes handed to tree-sitter per read callback of a parse in a worker thread."""
_THREAD = threading.local()
"""Each worker thread's chunk buffer and the views of it that read callbacks return."""


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


def parse_apart(language: str, source: bytes, old_tree: Tree | None = None) -> Tree:
    """Parse ``source`` in a worker thread, handing it to tree-sitter ``CHUNK`` bytes at a time.

    Each chunk is fetched by a Python callback, so the other threads (the server's event loop) take the GIL
    in between; tree-sitter holds it throughout a parse of bytes (1 MB: about half a second). The tree
    returned holds its text (see below).
    """
    parser = Parser(languages.load(language))
    read = _reader(source)
    chunked = parser.parse(read, old_tree) if old_tree is not None else parser.parse(read)
    # A tree parsed through a callback holds no text: queries with text predicates would read it back
    # through the callback again and again. Parsing the bytes once more, incrementally from the chunked
    # tree (nothing changed: milliseconds), gives the same tree holding its text.
    return parser.parse(source, chunked)


def _reader(source: bytes) -> Callable[[int, Point], memoryview]:
    """The read callback: each chunk copied into this thread's buffer and returned as a view kept for reuse.

    tree-sitter 0.26 never lets go of what a read callback returns: returning fresh slices kept about twice
    the source per parse (2.7 MB per parse of a 1.4 MB file, measured: on every keystroke in a large
    document). The views returned here live as long as the thread, one per length, whatever the parses.
    """
    if not hasattr(_THREAD, "views"):
        _THREAD.buffer, _THREAD.views = bytearray(CHUNK), {}
    buffer: bytearray = _THREAD.buffer
    views: dict[int, memoryview] = _THREAD.views

    def read(byte: int, point: Point) -> memoryview:
        piece = source[byte : byte + CHUNK]
        buffer[: len(piece)] = piece
        view = views.get(len(piece))
        if view is None:
            view = views[len(piece)] = memoryview(buffer)[: len(piece)]
        return view

    return read
