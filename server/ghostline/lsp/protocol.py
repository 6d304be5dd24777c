"""Protocol fixes: every request gets an answer, and pygls' own document store is bypassed."""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol, lsp_method

log = logging.getLogger("ghostline")


class _Dropped:
    """Stands for a message that could not be decoded and was already answered."""


class GhostlineProtocol(LanguageServerProtocol):
    """pygls' protocol with malformed requests answered and document sync left to Ghostline."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Decode a message; a request whose params do not fit its type gets a -32602 reply."""
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            method = data.get("method", "?")
            cause = exc.__cause__ or exc
            detail = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
            if "id" in data and "method" in data:
                kind = JsonRpcInvalidParams if isinstance(exc, JsonRpcInvalidParams) else JsonRpcInternalError
                error = kind(f"invalid params for {method}: {detail}").to_response_error()
                self._send_response(data["id"], None, error)
            log.warning("dropped malformed %s message: %s", method, detail)
            return _Dropped()

    def handle_message(self, message: Any) -> None:
        """Dispatch a decoded message, skipping those already answered as malformed."""
        if isinstance(message, _Dropped):
            return
        super().handle_message(message)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Hand didOpen to Ghostline's own document store."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Hand didChange to Ghostline's own document store (pygls would re-split every line)."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Hand didClose to Ghostline's own document store."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None
