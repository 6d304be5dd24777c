"""The engine's insertion for a scripted model output: the stop rules while streaming, then finalize."""

from __future__ import annotations

from ghostline.config import CompletionSettings
from ghostline.engine.completion.context import ContextBuilder
from ghostline.engine.completion.generate import guard_for, safe_text
from ghostline.engine.document import Document


def insertion(name: str, text_with_cursor: str, raw: str) -> str:
    """What the engine inserts at ``█`` when the model writes ``raw``, streamed one character at a time."""
    offset = text_with_cursor.index("█")
    doc = Document(name, text_with_cursor.replace("█", ""))
    ctx = ContextBuilder().build(doc, offset, CompletionSettings(), [])
    guard = guard_for(ctx, 12)
    for ch in raw:
        guard.feed(ch)
    return safe_text(ctx, guard)
