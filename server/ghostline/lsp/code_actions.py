"""textDocument/codeAction (instant list) and codeAction/resolve (the model computes the edit)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from lsprotocol import types

from ghostline import sandbox
from ghostline.engine.actions import catalog
from ghostline.engine.actions.bounds import Problem
from ghostline.engine.actions.edits import ActionFailed, Edit
from ghostline.engine.diagnostics import syntax_findings
from ghostline.engine.document import Document
from ghostline.lsp.diagnostics import to_lsp
from ghostline.lsp.positions import offset_of, range_of, span_of
from ghostline.lsp.progress import cancel_event, progress, progress_token
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
        doc = ls.document(params.text_document.uri)
        if doc is None or not ls.model.coming:
            return []  # listed at once while the model loads; resolving waits for it
        start = params.range.start
        data = {"uri": doc.uri, "version": doc.version, "line": start.line, "character": start.character}
        diagnostics = _diagnostics(doc, params)
        problems = [_problem(doc, d) for d in diagnostics]
        resolvable = _client_resolves_edits(ls)
        actions = []
        for offer in catalog.offers(doc, offset_of(doc, start), problems):
            payload = {**data, **offer.data, "action": offer.action}
            # A client that resolves edits gets data only; others run the command, which applies the edit.
            command = None if resolvable else types.Command(offer.title, RUN, arguments=[payload])
            fixes = [
                d
                for d, p in zip(diagnostics, problems, strict=True)
                if p.message == offer.data.get("message")
            ]
            actions.append(
                types.CodeAction(
                    title=offer.title,
                    kind=offer.kind,
                    data=payload,
                    command=command,
                    diagnostics=fixes[:1] or None,
                    is_preferred=True if fixes else None,
                )
            )
        return actions

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: GhostlineServer, action: types.CodeAction) -> types.CodeAction:
        edit = await compute(ls, dict(action.data or {}))
        return types.CodeAction(
            title=action.title, kind=action.kind, data=action.data, diagnostics=action.diagnostics, edit=edit
        )

    @server.command(RUN)
    async def run_action(ls: GhostlineServer, *args: Any) -> None:
        edit = await compute(ls, dict(args[0]) if args else {})
        if edit is not None:
            await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="Ghostline"))


def _diagnostics(doc: Document, params: types.CodeActionParams) -> list[types.Diagnostic]:
    """The client's diagnostics in range, plus Ghostline's own syntax problems there it did not send."""
    found = list(params.context.diagnostics)
    first, last = params.range.start.line, params.range.end.line
    for f in syntax_findings(doc):
        if (
            doc.row_of(f.end) < first
            or doc.row_of(f.start) > last
            or any(d.message == f.message for d in found)
        ):
            continue
        found.append(to_lsp(doc, f))
    return found


def _problem(doc: Document, d: types.Diagnostic) -> Problem:
    start, end = span_of(doc, d.range)
    source = f" ({d.source})" if d.source and d.source != "ghostline" else ""
    return Problem(d.message + source, start, end)


def _client_resolves_edits(ls: GhostlineServer) -> bool:
    caps = ls.client_capabilities
    text_document = caps.text_document if caps else None
    code_action = text_document.code_action if text_document else None
    support = code_action.resolve_support if code_action else None
    return bool(support and "edit" in support.properties)


async def compute(ls: GhostlineServer, data: dict[str, Any]) -> types.WorkspaceEdit | None:
    """Run an action in a thread (cancellable, with $/progress); a WorkspaceEdit pinned to the version.

    While the model loads, the action waits for it (the progress says so); the client's cancel button
    (``window/workDoneProgress/cancel``) and ``$/cancelRequest`` both stop it.
    """
    doc = ls.document(str(data.get("uri")))
    if doc is None or doc.version != data.get("version"):
        return None
    offset = offset_of(doc, types.Position(int(data.get("line", 0)), int(data.get("character", 0))))
    action = str(data.get("action"))
    token = await progress_token(ls, "ghostline-action")
    stop = cancel_event(ls, token)
    waiting = ls.model.backend is None
    begin = types.WorkDoneProgressBegin("Ghostline", message="waiting for the model" if waiting else action)
    begin.cancellable = True
    progress(ls, token, begin)
    try:
        return await _compute(ls, doc, offset, action, data, stop, token if waiting else None)
    finally:
        progress(ls, token, types.WorkDoneProgressEnd())


async def _compute(
    ls: GhostlineServer,
    doc: Document,
    offset: int,
    action: str,
    data: dict[str, Any],
    stop: threading.Event,
    waited: str | None,
) -> types.WorkspaceEdit | None:
    backend = await ls.model.ready(stop)
    if backend is None or stop.is_set() or doc.version != data.get("version"):
        return None
    if waited is not None:
        progress(ls, waited, types.WorkDoneProgressReport(message=action))

    def job() -> catalog.Result:
        try:
            return catalog.run(action, doc, offset, backend, stop.is_set, data, sandbox.run_program)
        except InterruptedError:
            ls.actions_cancelled += 1
            raise

    try:
        result = await asyncio.to_thread(job)
    except asyncio.CancelledError:
        stop.set()
        raise
    except ActionFailed as exc:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, str(exc)))
        return None
    except InterruptedError:
        return None
    return workspace_edit(doc, result) if result.edits or result.files else None


def _text_edits(
    doc: Document, edits: list[Edit]
) -> list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit]:
    out: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = []
    for e in edits:
        out.append(types.TextEdit(range=range_of(doc, e.start, e.end), new_text=e.new_text))
    return out


def workspace_edit(doc: Document, result: catalog.Result) -> types.WorkspaceEdit:
    """Minimal TextEdits for a document version, and other files created or edited."""
    changes: list[types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile] = []
    if result.edits:
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
        changes.append(types.TextDocumentEdit(identifier, _text_edits(doc, result.edits)))
    for change in result.files:
        uri = Path(change.path).as_uri()
        if change.create:
            changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
        other = Document(uri, change.text, encoding=doc.encoding)
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None)
        changes.append(types.TextDocumentEdit(identifier, _text_edits(other, change.edits)))
    return types.WorkspaceEdit(document_changes=changes)
