"""What a definition does, in a docstring's words: a summary sentence and, for longer code, how it works."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ghostline.engine.actions.chat import ask_for_text, fence_name, has_chat
from ghostline.model.backend import Backend

SYSTEM = "You are Ghostline. You document code: precise, plain words, no filler."
DETAIL_LINES = 4
"""A body of at least this many non-blank lines gets a paragraph on how it works after its summary."""
MAX_SENTENCES = 4
MAX_CODE_CHARS = 6000
"""Longer definitions are described from their start (the model's context is small)."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`])")


@dataclass(frozen=True)
class Description:
    """A summary sentence, then zero or more sentences of details."""

    summary: str
    details: list[str]


def describe(
    backend: Backend,
    language: str,
    name: str,
    code: str,
    should_stop: Callable[[], bool] = lambda: False,
) -> Description | None:
    """The model's description of ``code`` (None without a chat format, or when it says nothing)."""
    if not has_chat(backend):
        return None
    fenced = f"\n\n```{fence_name(language)}\n{code[:MAX_CODE_CHARS]}\n```"
    ask = (
        f"In one sentence, what does this {language} code return or do? Start with a verb (for example "
        f"'Return the ...' or 'Count the ...')."
    )
    summary = _sentences(
        ask_for_text(backend, SYSTEM, ask + fenced, max_tokens=60, should_stop=should_stop), name
    )
    if not summary:
        return None
    if sum(1 for line in code.splitlines()[1:] if line.strip()) < DETAIL_LINES:
        return Description(summary[0], [])
    ask = (
        f"Explain in two or three sentences how this {language} code computes its result, step by step, "
        f"and what it does with empty or unusual inputs. Plain text, no code."
    )
    details = _sentences(
        ask_for_text(backend, SYSTEM, ask + fenced, max_tokens=160, should_stop=should_stop), name
    )
    return Description(summary[0], [d for d in details if d != summary[0]][:MAX_SENTENCES])


def _sentences(text: str, name: str) -> list[str]:
    """Whole sentences of ``text``, the first one rephrased to start with its verb ("Returns ...")."""
    flat = " ".join(text.split())
    found = [s.strip().replace("`", "") for s in _SENTENCE_END.split(flat)]
    found = [s for s in found if s.endswith((".", "!", "?"))]  # a cut-off last one is dropped
    if not found:
        return []
    named = rf"(?:{re.escape(name)}\s+|\(\)\s+)?"
    opening = rf"^(?:the|this)\s+{named}(?:\w+\s+)?(?:function|method|class|code)\s+{named}"
    first = re.sub(opening, "", found[0], flags=re.I).strip()
    found[0] = first[:1].upper() + first[1:] if first else found[0]
    return found
