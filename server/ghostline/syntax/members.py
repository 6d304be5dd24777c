"""Attributes of the object a method works on (``self.x``, ``this.x``): one name throughout their class."""

from __future__ import annotations

from tree_sitter import Node

from ghostline.syntax.locals import Span, words

ACCESS = {"attribute": "attribute", "member_expression": "property", "field_access": "field"}
"""Node types of ``object.name`` and the field that holds the name (Python, JavaScript/TypeScript, Java)."""
SELVES = frozenset({b"self", b"cls", b"this"})
CLASSES = frozenset({"class_definition", "class_declaration", "abstract_class_declaration", "class"})


def same_attribute(root: Node, site: Span, old: str) -> list[Node]:
    """The ``self.old`` (``this.old``) names in the class around ``site``, where ``self.old`` was renamed.

    Empty unless the name at ``site`` is an attribute of ``self``, ``cls`` or ``this`` inside a class.
    """
    node = root.descendant_for_byte_range(*site)
    if node is None or (node.start_byte, node.end_byte) != site:
        return []
    owner = _owner(node)
    klass = node.parent
    while klass is not None and klass.type not in CLASSES:
        klass = klass.parent
    if owner is None or klass is None:
        return []
    source = root.text or b""
    found = []
    for start, end in words(source[klass.start_byte : klass.end_byte], old.encode("utf-8")):
        span = (klass.start_byte + start, klass.start_byte + end)
        word = root.descendant_for_byte_range(*span)
        if word is not None and (word.start_byte, word.end_byte) == span and _owner(word) == owner:
            found.append(word)
    return found


def _owner(node: Node) -> bytes | None:
    """``self``, ``cls`` or ``this`` when ``node`` is the name in ``self.name``, else None."""
    access = node.parent
    field = ACCESS.get(access.type) if access is not None else None
    if access is None or field is None:
        return None
    name, target = access.child_by_field_name(field), access.child_by_field_name("object")
    if name is None or target is None or (name.start_byte, name.end_byte) != (node.start_byte, node.end_byte):
        return None
    text = target.text or b""
    return text if text in SELVES else None
