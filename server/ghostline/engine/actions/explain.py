"""'Explain this code': a short plain-language explanation as a comment block above the definition."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from ghostline.engine.actions.chat import ask_for_text, fence_name
from ghostline.engine.actions.docstring import definition_start
from ghostline.engine.actions.edits import ActionFailed, Edit, line_ending
from ghostline.engine.completion.generate import comment_token
from ghostline.engine.document import Document
from ghostline.model.backend import Backend
from ghostline.syntax.definitions import Definition

WIDTH = 88
SYSTEM = "You are Ghostline. You explain code to a colleague in plain words, briefly and precisely."


def explanation(doc: Document, d: Definition, backend: Backend, should_stop: Callable[[], bool]) -> str:
    """Two or three sentences on what the definition does."""
    code = d.node.text.decode("utf-8", "replace") if d.node.text else ""
    user = (
        f"Explain what this {doc.language} code does in two or three sentences. Mention its inputs, "
        f"its result and any side effects.\n\n```{fence_name(doc.language)}\n{code}\n```"
    )
    text = ask_for_text(backend, SYSTEM, user, should_stop=should_stop)
    text = " ".join(text.replace("`", "").split())
    if not text:
        raise ActionFailed("Ghostline could not explain this code (the model wrote nothing).")
    return text


def explain_edit(
    doc: Document, d: Definition, backend: Backend, should_stop: Callable[[], bool] = lambda: False
) -> Edit:
    """The explanation as line comments inserted above the definition."""
    text = explanation(doc, d, backend, should_stop)
    at, indent = definition_start(doc, d)
    mark = comment_token(doc.language)
    nl = line_ending(doc.text)
    lines = textwrap.wrap(text, WIDTH - len(indent) - len(mark) - 1)
    block = "".join(f"{indent}{mark} {line}{nl}" for line in lines)
    return Edit(at, at, block)
