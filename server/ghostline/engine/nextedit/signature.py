"""The calls to a function whose parameter the user just added or removed: the next edits of a signature."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from ghostline.engine.completion.project import imported
from ghostline.engine.document import Document
from ghostline.engine.edits import Hunk
from ghostline.engine.nextedit.rename import MAX_CHARS, MAX_EDITS, NextEdit
from ghostline.syntax import calls

SELF = frozenset({"self", "cls"})


@dataclass(frozen=True)
class Change:
    """One parameter added to or removed from a function's definition."""

    function: str
    index: int
    kind: str
    """``added`` or ``removed``."""
    parameter: calls.Parameter
    method: bool
    bound: bool
    """The first parameter is Python's ``self`` or ``cls``, which a member call does not pass."""


def signature_change(doc: Document, hunk: Hunk) -> Change | None:
    """The parameter the hunk added or removed, if it changed exactly one.

    The hunk must lie on the parameter list of one definition, and the list must differ by exactly one
    parameter that a positional argument fills.
    """
    if doc.syntax is None or doc.language is None or doc.parsing or len(doc.text) > MAX_CHARS:
        return None
    start = doc.byte_at(hunk.start)
    new = calls.signature_at(doc.language, doc.syntax.root, start, doc.byte_at(hunk.end))
    if new is None:
        return None  # not on a parameter list: the old text need not be parsed
    earlier = doc.snapshot()  # the text before the hunk, parsed incrementally from a copy of the tree
    earlier.apply_change(hunk.before, earlier.position_at(hunk.start), earlier.position_at(hunk.end))
    earlier.reparse()
    if earlier.syntax is None:
        return None
    end = earlier.byte_at(hunk.start + len(hunk.before))
    old = calls.signature_at(doc.language, earlier.syntax.root, start, end)
    if old is None or old[0] != new[0]:
        return None
    (name, was, method), (_, now, _) = old, new
    change = _one_difference(was, now)
    if change is None:
        return None
    index, kind = change
    param = now[index] if kind == "added" else was[index]
    if not param.positional or not all(p.positional for p in (now if kind == "added" else was)[:index]):
        return None
    bound = method and doc.language == "python" and bool(now) and now[0].name in SELF
    return Change(name, index, kind, param, method, bound)


def call_edits(doc: Document, hunk: Hunk, cursor: int, others: Sequence[Document] = ()) -> list[NextEdit]:
    """The edits that bring the calls of the function in line with its new parameter list.

    The document's own calls come first (nearest after the cursor first), then those of the other open
    documents in the same language that import this one, each edit naming its document.
    """
    change = signature_change(doc, hunk)
    if change is None or doc.syntax is None:
        return []
    if change.kind == "added" and change.parameter.default:
        return []  # the calls still work as they are
    edits = _calls(doc, change)
    after = [e for e in edits if e.start >= cursor]
    edits = after + [e for e in edits if e.start < cursor]
    stem = PurePosixPath(doc.uri).stem
    for other in others:
        usable = other.syntax is not None and not other.parsing and len(other.text) <= MAX_CHARS
        same = other.uri != doc.uri and other.language == doc.language
        if usable and same and change.function in other.text and stem in imported(other.text):
            edits += [replace(e, uri=other.uri) for e in _calls(other, change)]
    return edits[:MAX_EDITS]


def _calls(doc: Document, change: Change) -> list[NextEdit]:
    """The edits of ``doc``'s calls of the changed function, in document order."""
    if doc.syntax is None:
        return []
    edits = []
    for call in calls.calls_to(doc.syntax.root, change.function):
        if call.member != change.method and not (change.method and doc.language == "java"):
            continue  # ``x.f()`` of a function ``f``, ``f()`` of a method ``f``: some other function
        index = change.index - (1 if change.bound else 0)
        edit = _edit(doc, call, index, change.kind, change.parameter.name)
        if edit is not None:
            edits.append(edit)
    return edits


def _one_difference(was: list[calls.Parameter], now: list[calls.Parameter]) -> tuple[int, str] | None:
    """(index, "added" or "removed") when ``now`` is ``was`` with one parameter more or fewer, by name."""
    old, new = [p.name for p in was], [p.name for p in now]
    if len(new) == len(old) + 1:
        index = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
        return (index, "added") if new[:index] + new[index + 1 :] == old else None
    if len(old) == len(new) + 1:
        index = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(new))
        return (index, "removed") if old[:index] + old[index + 1 :] == new else None
    return None


def _edit(doc: Document, call: calls.Call, index: int, kind: str, name: str) -> NextEdit | None:
    """One call's edit: the argument at ``index`` (or passed by ``name``) removed, or ``name`` inserted."""
    args = list(call.arguments)
    positional = [a for a in args if a.keyword is None]
    why = f"{kind} parameter {name}"
    if kind == "removed":
        by_name = next((a for a in args if a.keyword == name), None)
        target = by_name or (positional[index] if not call.spread and 0 <= index < len(positional) else None)
        if target is None:
            return None
        at = args.index(target)
        if at + 1 < len(args):
            start, end = _offset(doc, target.start), _offset(doc, args[at + 1].start)
        elif at > 0:
            start, end = _offset(doc, args[at - 1].end), _offset(doc, target.end)
        else:
            start, end = _offset(doc, target.start), _offset(doc, target.end)
        return NextEdit(start, end, "", why)
    if call.spread or index < 0 or len(positional) < index or any(a.keyword == name for a in args):
        return None
    if index < len(args) and args[index].keyword is None and index < len(positional):
        at = _offset(doc, args[index].start)
        return NextEdit(at, at, f"{name}, ", why)
    if index == 0:
        at = _offset(doc, call.open_end)
        return NextEdit(at, at, name if not args else f"{name}, ", why)
    at = _offset(doc, positional[index - 1].end)
    return NextEdit(at, at, f", {name}", why)


def _offset(doc: Document, point: calls.Point) -> int:
    return doc.offset_of_point(*point)
