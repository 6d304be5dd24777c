"""Examples as the editor would see them: the same context and prompt as an inline completion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ghostline.config import CompletionSettings
from ghostline.engine.completion.context import CompletionContext, ContextBuilder
from ghostline.engine.completion.prompt import build_prompt, healed
from ghostline.engine.document import Document
from ghostline.model.fim import FimFormat
from ghostline.syntax import languages


@dataclass(frozen=True)
class Pair:
    """A prompt and the text the model should write after it."""

    prompt: str
    target: str


def training_settings(max_length: int) -> CompletionSettings:
    """The editor's settings with its window sized so that a prompt and its answer fit ``max_length`` tokens.

    Examples laid out with the editor's 1,024-token window and then cut to a 384-token training length lost
    the start of three prompts in four (pip's source): the layout's opening and the lines the answer follows.
    """
    return CompletionSettings(context_tokens=max(64, max_length * 2 // 3))


def fim_context(example: dict[str, Any], settings: CompletionSettings) -> tuple[Document, CompletionContext]:
    """The document with the middle taken out, and the completion context at the gap."""
    prefix, suffix = example["prefix"], example["suffix"]
    doc = Document(example["path"], prefix + suffix, encoding="utf-32")
    return doc, ContextBuilder().build(doc, len(prefix), settings, [])


def to_pair(example: dict[str, Any], fim: FimFormat | None, settings: CompletionSettings) -> Pair:
    """The training pair of any example; FIM ones get exactly the prompt an editor request would get."""
    if "middle" not in example:
        return Pair(example["prompt"], example["completion"])
    _, ctx = fim_context(example, settings)
    comment = languages.spec(ctx.language).line_comment if ctx.language else "#"
    prompt = build_prompt(ctx, fim, comment)
    # The prompt ends with the healed line: blanks before the gap are the model's to write.
    return Pair(prompt, ctx.line_before[len(healed(ctx.line_before)) :] + example["middle"])
