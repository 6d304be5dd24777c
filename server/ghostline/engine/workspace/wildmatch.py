"""Gitignore globs matched in time linear in the path, whatever the pattern (no regex backtracking).

A pattern with many wildcards (``*a*a*a*a*b``) made Python's regex engine backtrack for minutes on one path,
holding the GIL: an untrusted repository's ``.gitignore`` could freeze the server. Such patterns are matched
here by simulating the glob as a set of positions (at most patterns × path steps); simple ones keep a regex.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

STAR, DIRS, ALL, ONE = "*", "**/", "**", "?"
"""Token kinds besides a literal character and a class: any run without ``/``; nothing or whole folders;
anything (a trailing ``**``); one character but ``/``."""
MAX_WILDCARDS_FOR_REGEX = 2
"""With more wildcards than this a pattern is simulated (a regex could backtrack polynomially deep)."""


@dataclass(frozen=True)
class Token:
    """One step of a glob: its kind (``STAR``, ``DIRS``, ``ALL``, ``ONE``, ``lit``, ``class``) and data."""

    kind: str
    text: str = ""
    """The literal character, or the class's characters as a regex class (``[...]``)."""


def tokens(glob: str) -> list[Token]:
    """The glob as tokens; runs of ``*`` collapse to one, repeated ``**/`` to one."""
    out: list[Token] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "*":
            run = len(glob) - i - len(glob[i:].lstrip("*"))
            before_ok = i == 0 or glob[i - 1] == "/"
            if run >= 2 and before_ok and glob.startswith("/", i + run):
                _add(out, Token(DIRS))
                i += run + 1
            elif run >= 2 and before_ok and i + run == n:
                _add(out, Token(ALL))
                i += run
            else:
                _add(out, Token(STAR))
                i += run
        elif c == "?":
            out.append(Token(ONE))
            i += 1
        elif c == "[" and (end := _class_end(glob, i)) > 0:
            body = glob[i + 1 : end]
            negated = body[:1] in ("!", "^")
            body = body[1:] if negated else body
            escaped = body.replace("\\", "\\\\").replace("[", "\\[")
            out.append(Token("class", f"[{'^' if negated else ''}{escaped}]"))
            i = end + 1
        elif c == "\\" and i + 1 < n:
            out.append(Token("lit", glob[i + 1]))
            i += 2
        else:
            out.append(Token("lit", c))
            i += 1
    return out


def _add(out: list[Token], token: Token) -> None:
    """Append a wildcard, merging it with the one before when together they mean the same."""
    if out and out[-1].kind == token.kind and token.kind in (STAR, DIRS, ALL):
        return
    out.append(token)


def _class_end(glob: str, start: int) -> int:
    """The index of the ``]`` closing the class opened at ``start`` (-1: none, the ``[`` is literal)."""
    i = start + 1
    if i < len(glob) and glob[i] in "!^":
        i += 1
    if i < len(glob) and glob[i] == "]":
        i += 1
    return glob.find("]", i)


def regex_of(found: Sequence[Token]) -> str:
    """The tokens as a regular expression over ``/``-separated relative paths."""
    parts = {STAR: "[^/]*", DIRS: "(?:.*/)?", ALL: ".*", ONE: "[^/]"}
    # as in git, a class never matches the separator
    return "".join(
        parts.get(t.kind) or (f"(?!/){t.text}" if t.kind == "class" else re.escape(t.text)) for t in found
    )


def wildcards(found: Sequence[Token]) -> int:
    """How many tokens match runs of any length."""
    return sum(t.kind in (STAR, DIRS, ALL) for t in found)


class Glob:
    """A compiled glob: a regex when it has few wildcards, else a simulation linear in the path."""

    def __init__(self, glob: str, regex_up_to: int = MAX_WILDCARDS_FOR_REGEX) -> None:
        """``regex_up_to``: the most wildcards a pattern may have to be matched by a regex (-1: none is)."""
        self.tokens = tokens(glob)
        self._classes = {i: re.compile(t.text) for i, t in enumerate(self.tokens) if t.kind == "class"}
        simple = wildcards(self.tokens) <= regex_up_to
        self.regex = re.compile(regex_of(self.tokens), re.DOTALL) if simple else None

    def fullmatch(self, path: str) -> bool:
        """Whether the whole of ``path`` matches."""
        if self.regex is not None:
            return self.regex.fullmatch(path) is not None
        states = self._closure({0})
        for c in path:
            states = self._closure({nxt for s in states for nxt in self._step(s, c)})
            if not states:
                return False
        return len(self.tokens) in states

    def _step(self, s: int, c: str) -> tuple[int, ...]:
        """The positions reached from position ``s`` by reading ``c``.

        A ``DIRS`` token at ``k`` has a second state, ``k + len(tokens) + 1``: inside its folders, where it
        may end only just after a ``/`` (it is ``(.*/)?``).
        """
        n = len(self.tokens)
        if s > n:
            inner = s - n - 1
            return (s, inner + 1) if c == "/" else (s,)
        if s == n:
            return ()
        t = self.tokens[s]
        if t.kind == STAR:
            return (s,) if c != "/" else ()
        if t.kind == DIRS:
            inside = s + n + 1
            return (inside, s + 1) if c == "/" else (inside,)
        if t.kind == ALL:
            return (s,)
        if t.kind == ONE:
            return (s + 1,) if c != "/" else ()
        if t.kind == "class":
            return (s + 1,) if c != "/" and self._classes[s].fullmatch(c) else ()
        return (s + 1,) if c == t.text else ()

    def _closure(self, states: set[int]) -> set[int]:
        """``states`` and the positions reachable from them without reading (past wildcards)."""
        out, todo = set(states), list(states)
        while todo:
            s = todo.pop()
            if s < len(self.tokens) and self.tokens[s].kind in (STAR, DIRS, ALL) and s + 1 not in out:
                # past a wildcard that has read nothing (a DIRS token's inside state is never here)
                out.add(s + 1)
                todo.append(s + 1)
        return out
