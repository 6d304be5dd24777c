"""textDocument/codeAction (instant list) and codeAction/resolve (the model computes the edit)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from lsprotocol import types

from ghostline.engine.actions import catalog
from ghostline.engine.actions.edits import Edit
from ghostline.engine.document import Document, Pos
from ghostline.lsp import model_host
from ghostline.lsp.server import GhostlineServer

RUN = "ghostline.runAction"


def register(server: GhostlineServer) -> None:
    """Register code actions, their resolve step and the executeCommand fallback."""
    options = types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.RefactorRewrite, types.CodeActionKind.QuickFix],
        resolve_provider=True,
    )

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    def code_action(ls: GhostlineServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or ls.backend is None:
            return []
        start = params.range.start
        data = {"uri": doc.uri, "version": doc.version, "line": start.line, "character": start.character}
        resolvable = _client_resolves_edits(ls)
        actions = []
        for offer in catalog.offers(doc, Pos(start.line, start.character)):
            payload = {**data, "action": offer.action}
            # A client that resolves edits gets data only; others run the command, which applies the edit.
            command = None if resolvable else types.Command(offer.title, RUN, arguments=[payload])
            actions.append(
                types.CodeAction(title=offer.title, kind=offer.kind, data=payload, command=command)
            )
        return actions

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: GhostlineServer, action: types.CodeAction) -> types.CodeAction:
        edit = await compute(ls, dict(action.data or {}))
        return types.CodeAction(title=action.title, kind=action.kind, data=action.data, edit=edit)

    @server.command(RUN)
    async def run_action(ls: GhostlineServer, *args: Any) -> None:
        edit = await compute(ls, dict(args[0]) if args else {})
        if edit is not None:
            await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="Ghostline"))


def _client_resolves_edits(ls: GhostlineServer) -> bool:
    caps = ls.client_capabilities
    text_document = caps.text_document if caps else None
    code_action = text_document.code_action if text_document else None
    support = code_action.resolve_support if code_action else None
    return bool(support and "edit" in support.properties)


async def compute(ls: GhostlineServer, data: dict[str, Any]) -> types.WorkspaceEdit | None:
    """Run an action in a thread (cancellable, with $/progress); a WorkspaceEdit pinned to the version."""
    doc = ls.documents.get(str(data.get("uri")))
    if doc is None or ls.backend is None or doc.version != data.get("version"):
        return None
    backend, stop = ls.backend, threading.Event()
    pos = Pos(int(data.get("line", 0)), int(data.get("character", 0)))
    token = await model_host.progress_token(ls, "ghostline-action")
    begin = types.WorkDoneProgressBegin(title="Ghostline", message=str(data.get("action")))
    model_host.progress(ls, token, begin)
    try:
        edits = await asyncio.to_thread(catalog.run, str(data.get("action")), doc, pos, backend, stop.is_set)
    except asyncio.CancelledError:
        stop.set()
        raise
    finally:
        model_host.progress(ls, token, types.WorkDoneProgressEnd())
    return workspace_edit(doc, edits) if edits else None


def workspace_edit(doc: Document, edits: list[Edit]) -> types.WorkspaceEdit:
    """Minimal TextEdits for a document version."""
    text_edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = []
    for e in edits:
        start, end = doc.position_at(e.start), doc.position_at(e.end)
        rng = types.Range(
            types.Position(start.line, start.character), types.Position(end.line, end.character)
        )
        text_edits.append(types.TextEdit(range=rng, new_text=e.new_text))
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(identifier, text_edits)])
