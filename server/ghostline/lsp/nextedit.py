"""``ghostline/nextEdit`` and Copilot's ``textDocument/copilotInlineEdit``: the edits the last one implies."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ghostline.engine.nextedit.predict import next_edits
from ghostline.lsp.positions import offset_of, range_of
from ghostline.lsp.server import GhostlineServer

NEXT_EDIT = "ghostline/nextEdit"
COPILOT_INLINE_EDIT = "textDocument/copilotInlineEdit"
DID_SHOW = "textDocument/didShowInlineEdit"
MOST = 50
"""Edits one answer lists (the client walks them in order)."""


def register(server: GhostlineServer) -> None:
    """Register the next-edit requests."""

    @server.feature(NEXT_EDIT)
    def next_edit(ls: GhostlineServer, params: Any) -> dict[str, Any]:
        return {"edits": answer(ls, params, MOST)}

    @server.feature(COPILOT_INLINE_EDIT)
    def copilot_inline_edit(ls: GhostlineServer, params: Any) -> dict[str, Any]:
        return {"edits": answer(ls, params, 1)}

    @server.feature(DID_SHOW)
    def did_show(ls: GhostlineServer, params: Any) -> None:
        return None


def answer(ls: GhostlineServer, params: Any, most: int) -> list[dict[str, Any]]:
    """The next edits for ``{textDocument: {uri}, position}``, as ``{range, text, textDocument}`` objects."""
    uri, position = _where(params)
    doc = ls.document(uri)
    if doc is None:
        return []
    found = next_edits(doc, ls.edits, offset_of(doc, position), ls.others(doc))[:most]
    out = []
    for edit in found:
        target = ls.document(edit.uri) if edit.uri else doc
        if target is None:
            continue
        ls.edits.expect(target.uri, edit.start, edit.end, edit.text)
        rng = range_of(target, edit.start, edit.end)
        as_json = {"start": _pos(rng.start), "end": _pos(rng.end)}
        where = {"uri": target.uri, "version": target.version}
        out.append({"range": as_json, "text": edit.text, "textDocument": where, "reason": edit.why})
    return out


def _where(params: Any) -> tuple[str, types.Position]:
    """The document and position a request names (-32602 when it names none)."""
    document, position = _get(params, "textDocument"), _get(params, "position")
    uri, line, character = _get(document, "uri"), _get(position, "line"), _get(position, "character")
    if not isinstance(uri, str) or not _count(line) or not _count(character):
        raise JsonRpcInvalidParams("expected {textDocument: {uri}, position: {line, character}}")
    return uri, types.Position(line=line, character=character)


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31


def _pos(pos: types.Position) -> dict[str, int]:
    return {"line": pos.line, "character": pos.character}
