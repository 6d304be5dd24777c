"""textDocument/inlineCompletion and textDocument/completion: ghost text from the model."""

from __future__ import annotations

import itertools
from typing import Any

from lsprotocol import types

from ghostline.engine.completion.generate import Suggestion
from ghostline.engine.nextedit.predict import next_edits
from ghostline.lsp import trees
from ghostline.lsp.positions import offset_of, range_of
from ghostline.lsp.server import GhostlineServer

ACCEPTED = "ghostline.accepted"
STATS = "ghostline/stats"
READY = "ghostline/suggestionReady"
"""Sent when a suggestion whose request ran out of budget is ready: the client asks again (VS Code
re-triggers inline suggestions, Neovim shows it) and is answered from the cache."""
_ids = itertools.count(1)
ANSWERED = frozenset({"eos", "stop", "max_tokens"})
"""How a generation ends when the model really answered (not cut by the budget, nor skipped)."""


def register(server: GhostlineServer) -> None:
    """Register the completion handlers and the acceptance command."""

    def ready(uri: str, version: int, offset: int) -> None:
        doc = server.document(uri)
        at = None
        if doc is not None and doc.version == version:
            pos = doc.position_at(offset)
            at = {"line": pos.line, "character": pos.character}
        server.protocol.notify(READY, {"uri": uri, "version": version, "position": at})

    server.completions.on_ready = ready

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: GhostlineServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        if (edit := same_line_edit(ls, params.text_document.uri, params.position)) is not None:
            return types.InlineCompletionList(items=[edit])
        found = await suggest(ls, params.text_document.uri, params.position)
        if found is None:
            return types.InlineCompletionList(items=[])
        suggestion, rng = found
        command = _accept_command(ls, suggestion, params.text_document.uri)
        item = types.InlineCompletionItem(insert_text=suggestion.text, range=rng, command=command)
        return types.InlineCompletionList(items=[item])

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[]))
    async def completion(ls: GhostlineServer, params: types.CompletionParams) -> types.CompletionList:
        found = await suggest(ls, params.text_document.uri, params.position)
        if found is None:
            return types.CompletionList(is_incomplete=True, items=[])
        suggestion, rng = found
        first = suggestion.text.split("\n", 1)[0].strip() or suggestion.text.strip()
        item = types.CompletionItem(
            label=first[:60],
            kind=types.CompletionItemKind.Snippet,
            detail="Ghostline",
            text_edit=types.TextEdit(range=rng, new_text=suggestion.text),
            filter_text=first,
            sort_text="0",
            command=_accept_command(ls, suggestion, params.text_document.uri),
        )
        return types.CompletionList(is_incomplete=True, items=[item])

    @server.command(ACCEPTED)
    def accepted(ls: GhostlineServer, *args: Any) -> None:
        ls.acceptance.accept(str(args[0]) if args else "")
        if len(args) > 1 and isinstance(args[1], str):
            ls.learner.tracker.accepted(args[1])

    @server.feature(STATS)
    def stats(ls: GhostlineServer, params: Any) -> dict[str, Any]:
        counters = vars(ls.completions.counters).copy()
        scheduler = ls.completions.scheduler
        counters.update(ls.acceptance.totals(), cancelled=scheduler.cancelled, model_jobs=scheduler.running)
        counters.update(actions_cancelled=ls.actions_cancelled, reviewed_functions=ls.reviewed_functions)
        counters["outcomes"] = dict(ls.learner.tracker.counts)
        counters["documents"] = trees.figures(ls.documents)
        if ls.loop_lag is not None:
            counters["loop_lag"] = ls.loop_lag.figures()
        return counters


async def suggest(
    ls: GhostlineServer, uri: str, position: types.Position
) -> tuple[Suggestion, types.Range] | None:
    """The suggestion at a position (None when there is none to show)."""
    doc, backend = ls.document(uri), ls.model.backend
    if doc is None or backend is None or not ls.settings.completion.enabled:
        return None
    offset = offset_of(doc, position)
    settings = ls.learner.settings_for(ls.settings.completion)
    suggestion = await ls.completions.complete(doc, offset, backend, settings, ls.others(doc))
    if suggestion is not None and suggestion.error is not None:
        ls.model.report(suggestion.error)
    elif suggestion is not None and suggestion.stats.stopped_by in ANSWERED:
        ls.model.report(None)
    if suggestion is not None and (suggestion.cut or suggestion.stats.stopped_by in ANSWERED):
        took = ls.settings.completion.max_latency_ms if suggestion.cut else suggestion.latency_ms
        ls.model.note_speed(took, ls.settings.completion.max_latency_ms, suggestion.cut)
    if suggestion is None or not suggestion.text:
        return None
    if ls.settings.completion.gate and not ls.learner.judge(uri, doc.text, suggestion, doc.language or ""):
        ls.acceptance.gated()  # the stay-silent gate rated it unlikely to be taken
        return None
    return suggestion, range_of(doc, offset, offset)


def same_line_edit(
    ls: GhostlineServer, uri: str, position: types.Position
) -> types.InlineCompletionItem | None:
    """The next edit after the cursor on its line, as an item whose range reaches over what it replaces.

    Its text is the line from the cursor to the edit's end as the edit leaves it (the range starts at the
    cursor, so every client shows it as a replacement of the text before it).
    """
    doc = ls.document(uri)
    if doc is None or not ls.settings.completion.next_edits:
        return None
    offset = offset_of(doc, position)
    after = [e for e in next_edits(doc, ls.edits, offset) if not e.uri and e.start >= offset]
    if not after or "\n" in doc.text[offset : after[0].end]:
        return None
    edit = after[0]
    text = doc.text[offset : edit.start] + edit.text
    ls.edits.expect(doc.uri, offset, edit.end, text)  # as the item's range and text, or as the minimal edit
    ls.edits.expect(doc.uri, edit.start, edit.end, edit.text)
    return types.InlineCompletionItem(insert_text=text, range=range_of(doc, offset, edit.end))


def _accept_command(ls: GhostlineServer, suggestion: Suggestion, uri: str) -> types.Command:
    shown_id = f"s{next(_ids)}"
    ls.acceptance.shown(shown_id, len(suggestion.text))
    return types.Command(title="Ghostline: accepted", command=ACCEPTED, arguments=[shown_id, uri])
