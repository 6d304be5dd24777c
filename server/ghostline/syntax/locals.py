"""Which identifiers name the same variable: scopes and bindings from each language's ``locals.scm``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from ghostline.syntax import queries

MEMBER_TYPES = frozenset({"property_identifier", "field_identifier"})
"""Identifier node types that name a member after a dot, never a variable."""
_WORD = re.compile(rb"[A-Za-z0-9_$]")

Span = tuple[int, int]
"""A node's start and end byte."""


@dataclass
class _Scopes:
    """The scopes of one tree and the names each binds."""

    spans: set[Span]
    outer: set[Span]
    defined: set[Span]
    members: set[Span]
    root: Span
    bound: dict[Span, set[str]] = field(default_factory=dict)

    def chain(self, node: Node) -> list[Span]:
        """The scopes holding ``node``, innermost first (the node itself when it opens one), then the root."""
        found: list[Span] = []
        at: Node | None = node
        while at is not None:
            span = (at.start_byte, at.end_byte)
            if span in self.spans and span not in found:
                found.append(span)
            at = at.parent
        return found if found and found[-1] == self.root else [*found, self.root]

    def around(self, node: Node, outer: bool = False) -> Span:
        """The innermost scope holding ``node`` (for an outer definition: the scope around its own)."""
        chain = self.chain(node)
        return chain[1] if outer and len(chain) > 1 else chain[0]

    def binding(self, node: Node, name: str, defines: bool = False) -> Span:
        """The scope whose ``name`` the identifier ``node`` means (the outermost scope when none binds it).

        ``defines``: the identifier is a definition of ``name`` (its own scope binds it).
        """
        span = (node.start_byte, node.end_byte)
        if defines or span in self.defined or span in self.outer:
            return self.around(node, span in self.outer)
        chain = self.chain(node)
        return next((scope for scope in chain if name in self.bound.get(scope, ())), chain[-1])


def is_name(root: Node, site: Span) -> bool:
    """Whether ``site`` is exactly an identifier of the tree (not a word in a string, comment or keyword)."""
    node = root.descendant_for_byte_range(*site)
    return node is not None and (node.start_byte, node.end_byte) == site and node.type.endswith("identifier")


def has_locals(language: str) -> bool:
    """Whether the language has a ``locals.scm`` query."""
    return queries.query(language, "locals") is not None


def same_variable(language: str, root: Node, site: Span, old: str, new: str = "") -> list[Node] | None:
    """The identifiers named ``old`` that mean what the identifier at ``site`` meant before it was renamed.

    ``site`` now holds the new name. None when the language has no locals query. Members (``obj.old``), and
    identifiers in a scope that binds ``old`` anew, are left out. Nothing is a rename unless the site is a
    variable, and either a definition or a use changed to a ``new`` name not defined where it is seen (a use
    changed to a name defined already is a switch to another variable, not a rename).
    """
    caps = queries.captures(language, "locals", root)
    if not caps:
        return None if not has_locals(language) else []
    scopes = _scopes(caps, root)
    node = root.descendant_for_byte_range(*site)
    if node is None or (node.start_byte, node.end_byte) != site or not _is_variable(node, scopes):
        return []  # a member, a string, a comment: not a variable renamed
    site_defines = site in scopes.defined or site in scopes.outer
    home = scopes.binding(node, old, defines=site_defines)
    if not site_defines and new in scopes.bound.get(scopes.binding(node, new), ()):
        return []  # a use switched to a name defined already: not a rename
    if site_defines:  # the renamed definition bound the old name there
        scopes.bound.setdefault(home, set()).add(old)
    source = root.text or b""
    found = []
    for span in words(source, old.encode("utf-8")):
        word = root.descendant_for_byte_range(*span)
        if word is None or (word.start_byte, word.end_byte) != span or not _is_variable(word, scopes):
            continue
        if scopes.binding(word, old) == home:
            found.append(word)
    return found


def _scopes(caps: dict[str, list[Node]], root: Node) -> _Scopes:
    def spans(name: str) -> set[Span]:
        return {(n.start_byte, n.end_byte) for n in caps.get(name, [])}

    scopes = _Scopes(
        spans("local.scope"),
        spans("local.definition.outer"),
        spans("local.definition"),
        spans("local.member"),
        (root.start_byte, root.end_byte),
    )
    for kind in ("local.definition", "local.definition.outer"):
        for node in caps.get(kind, []):
            home = scopes.around(node, kind.endswith("outer"))
            scopes.bound.setdefault(home, set()).add((node.text or b"").decode("utf-8", "replace"))
    return scopes


def _is_variable(node: Node, scopes: _Scopes) -> bool:
    span = (node.start_byte, node.end_byte)
    return node.type.endswith("identifier") and node.type not in MEMBER_TYPES and span not in scopes.members


def words(source: bytes, word: bytes) -> list[Span]:
    """Where ``word`` occurs in ``source`` as a whole word."""
    found, at = [], source.find(word)
    while at >= 0 and word:
        end = at + len(word)
        before = source[at - 1 : at] if at else b""
        if not _WORD.match(before or b" ") and not _WORD.match(source[end : end + 1] or b" "):
            found.append((at, end))
        at = source.find(word, end)
    return found
