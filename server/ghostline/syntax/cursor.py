"""Syntax questions about a cursor: completion mode, enclosing definition, imports, error counts."""

from __future__ import annotations

from tree_sitter import Node

from ghostline.syntax import queries
from ghostline.syntax.definitions import find_definitions
from ghostline.syntax.tree import parse

BLOCK_OPENERS = (":", "{", "=>", "->", "(", "[", "do", "then")
CLOSERS = set(")]}'\"`;:, \t")


def completion_mode(language: str, root: Node, byte: int, before: str, after: str) -> str:
    """``none``, ``single`` or ``multi``: how much to suggest at this point of the line.

    ``before``/``after`` are the text of the current line on each side of the cursor.
    """
    if after.strip() and not set(after.strip()) <= CLOSERS:
        return "none"  # in the middle of existing code: do not overwrite it
    node = root.descendant_for_byte_range(max(byte - 1, 0), max(byte - 1, 0))
    if node is not None and _inside(node, ("comment",)) and before.strip():
        return "single"
    if node is not None and _inside(node, ("string", "string_content", "template_string")):
        return "single"
    if not before.strip():
        return "multi" if _in_block(language, root, byte) else "single"
    if before.rstrip().endswith(BLOCK_OPENERS) and not after.strip():
        return "multi"
    return "single"


INSIDE_LEVELS = 6
"""How far up a string or comment is looked for (``Node.parent`` walks down from the root each time: an
unbounded walk up a document nested 10,000 deep took seconds per keystroke, 100,000 deep hours)."""


def _inside(node: Node | None, kinds: tuple[str, ...]) -> bool:
    for _ in range(INSIDE_LEVELS):
        if node is None:
            break
        if any(node.type.startswith(k) for k in kinds):
            return True
        node = node.parent
    return False


def _in_block(language: str, root: Node, byte: int) -> bool:
    near = (max(byte - 1, 0), byte + 1)
    for block in queries.captures(language, "blocks", root, near).get("block", []):
        if block.start_byte <= byte <= block.end_byte:
            return True
    return False


def enclosing_header(language: str, root: Node, byte: int) -> tuple[int, int] | None:
    """Byte range of the header (up to its body) of the innermost definition around ``byte``."""
    best = None
    for d in find_definitions(language, root, (max(byte - 1, 0), byte + 1)):
        body = d.body
        inside = body is not None and body.start_byte <= byte <= d.node.end_byte
        if inside and body is not None and (best is None or d.node.start_byte >= best[0]):
            best = (d.node.start_byte, body.start_byte)
    return best


def import_ranges(language: str, root: Node, end: int | None = None) -> list[tuple[int, int]]:
    """Byte ranges of the file's import statements (those starting before byte ``end``), in order."""
    byte_range = (0, end) if end is not None else None
    nodes = queries.captures(language, "imports", root, byte_range).get("import", [])
    return sorted({(n.start_byte, n.end_byte) for n in nodes})


def error_count(language: str, source: bytes) -> int:
    """How many ERROR and MISSING nodes a source has."""
    return count_errors(parse(language, source).root_node)


def count_errors(root: Node) -> int:
    """How many ERROR and MISSING nodes a tree has."""
    if not root.has_error:
        return 0
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        elif node.has_error:
            stack.extend(node.children)
    return count
