"""The Ghostline language server's state: open documents, settings, the model host and the engine services.

Handlers live in their own modules and are registered by ``lsp.app``; none of them is imported here.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ghostline import __version__, config
from ghostline.engine.completion.acceptance import Acceptance
from ghostline.engine.completion.learn import Learner
from ghostline.engine.completion.service import CompletionService
from ghostline.engine.document import Document
from ghostline.engine.edits import EditLog
from ghostline.engine.workspace.index import WorkspaceIndex
from ghostline.lsp import trees
from ghostline.lsp.documents import OpenDocument
from ghostline.lsp.model_host import ModelHost
from ghostline.lsp.monitor import LoopLag
from ghostline.lsp.protocol import GhostlineProtocol

log = logging.getLogger("ghostline")


class GhostlineServer(LanguageServer):
    """Holds one record per open document, the settings, the model and the completion service."""

    def __init__(self) -> None:
        super().__init__(
            "ghostline",
            __version__,
            protocol_cls=GhostlineProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.protocol: GhostlineProtocol
        self.protocol.on_lost_change = self.lost_sync
        self.documents: dict[str, OpenDocument] = {}
        """Open documents, the least recently used first."""
        self.parse_woken: Callable[[OpenDocument], None] = lambda record: record.doc.reparse()
        """Parses a document woken from rest (``lsp/sync.py`` sends large ones to a worker thread)."""
        self.settings = config.Settings()
        self.overrides: dict[str, Any] = {}
        """Model settings from the command line (``--model``, ``--adapter``): they win over the client's."""
        self.model = ModelHost(self)
        self.completions = CompletionService()
        self.edits = EditLog()
        """The session's recent edits: completion prompts show them as diffs."""
        self.completions.builder.edits = self.edits
        self.acceptance = Acceptance()
        self.learner = Learner()
        """Outcomes of suggestions and the stay-silent gate (``completion.gate``), on this machine only."""
        self.index = WorkspaceIndex()
        """Definitions of the workspace's files (``lsp/workspace.py`` scans it and keeps it current)."""
        self.completions.builder.index = self.index
        self.reviewed_functions = 0
        """Functions the AI review has read since the server started."""
        self.actions_cancelled = 0
        """Code actions whose generation stopped because the client cancelled them."""
        self.loop_lag: LoopLag | None = None
        """Set by ``serve --loop-lag``: how late the event loop runs, reported by ``ghostline/stats``."""

    @property
    def encoding(self) -> str:
        """The position encoding negotiated with the client (utf-16 unless it offered another)."""
        try:
            chosen = self.workspace.position_encoding
        except RuntimeError:
            return "utf-16"
        return str(getattr(chosen, "value", chosen) or "utf-16")

    def document(self, uri: str) -> Document | None:
        """The open document at ``uri``, if any (not one whose text is known to differ from the editor's).

        It becomes the most recently used, with its syntax tree (``lsp/trees.py``).
        """
        record = self.documents.get(uri)
        if record is None or record.stale:
            return None
        trees.use(self.documents, uri, self.parse_woken)
        return record.doc

    def others(self, doc: Document) -> list[Document]:
        """Every other open document (cross-file context), the least recently used first."""
        return [r.doc for r in self.documents.values() if r.doc is not doc]

    def lost_sync(self, uri: str, why: str) -> None:
        """A change could not be applied: stop using the document's text until the editor sends it again.

        Its diagnostics are cleared and the user is told once; a whole-text change, a save (the file is read
        from disk) or reopening it brings it back.
        """
        record = self.documents.get(uri)
        if record is None or record.stale:
            return
        record.stale = True
        record.close()
        self.completions.forget(record.doc)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        name = uri.rsplit("/", 1)[-1]
        text = f"Ghostline lost track of {name} ({why}); features resume when it is saved or reopened"
        log.warning(text)
        self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, text))

    def close(self) -> None:
        """End the session: stop running jobs and timers, free the model, stop pygls' workers."""
        self.completions.scheduler.stop_all()
        for record in self.documents.values():
            record.close()
        self.documents.clear()
        if self.loop_lag is not None:
            self.loop_lag.stop()
        self.model.unload()
        self.shutdown()  # type: ignore[no-untyped-call]

    def apply_settings(self, raw: object) -> None:
        """Take new settings from the client; invalid ones are shown and fall back to defaults."""
        settings, problems = config.load(raw, config.Settings())
        if self.overrides:
            settings = dataclasses.replace(
                settings, model=dataclasses.replace(settings.model, **self.overrides)
            )
        self.settings = settings
        logging.getLogger("ghostline").setLevel(self.settings.log_level.upper())
        if problems:
            text = "Ghostline: invalid settings ignored: " + "; ".join(problems)
            log.warning(text)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, text))
