"""Code from a comment or a docstring: the completion engine writes the body, verified like a repair."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ghostline.config import CompletionSettings
from ghostline.engine.actions import verify
from ghostline.engine.actions.edits import ActionFailed, Edit, line_ending
from ghostline.engine.actions.examples import Check
from ghostline.engine.actions.instructed import instructed_body
from ghostline.engine.completion.context import CompletionContext, ContextBuilder
from ghostline.engine.completion.generate import comment_token, generate
from ghostline.engine.document import Document
from ghostline.engine.text import to_bytes
from ghostline.model.backend import Backend
from ghostline.syntax.definitions import find_definitions
from ghostline.syntax.tree import parse

SETTINGS = CompletionSettings(max_tokens=384, max_lines=60, max_latency_ms=600_000, cross_file_tokens=0)
TEMPERATURES = (0.0, 0.6, 0.8, 0.8, 1.0)


@dataclass(frozen=True)
class Spot:
    """Where generated code goes: after ``offset`` (the end of a comment or docstring line), indented."""

    offset: int
    indent: str


def generate_at(
    doc: Document,
    spot: Spot,
    backend: Backend,
    *,
    samples: int = 1,
    check: Check | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    settings: CompletionSettings = SETTINGS,
) -> Edit:
    """The verified code to insert at ``spot``; with ``check``, the first of ``samples`` that passes it.

    With a check on Python, an instruction-tuned model's rewrite of the whole function is one more candidate.
    """
    nl = line_ending(doc.text)
    head = doc.text[: spot.offset] + nl + spot.indent
    future = Document(doc.uri, head + doc.text[spot.offset :], doc.version, doc.language, "utf-32")
    ctx = dataclasses.replace(ContextBuilder().build(future, len(head), settings, []), mode="multi")
    fallback: Edit | None = None
    reason = "the model wrote no code"
    temperatures = TEMPERATURES[: max(samples, 1)]
    texts = _texts(doc, spot, backend, ctx, settings, should_stop, temperatures, check is not None)
    for text in texts:
        if should_stop():
            raise InterruptedError("cancelled")
        text = _first_definition(doc.language, text) if not spot.indent else text
        if not text.strip():
            continue
        insert = nl + spot.indent + text.replace("\n", nl)
        merged = doc.text[: spot.offset] + insert + doc.text[spot.offset :]
        end = spot.offset + len(insert)
        if (problem := verify.check(doc.language, doc.text, merged, spot.offset, end)) is not None:
            reason = problem
            continue
        edit = Edit(spot.offset, spot.offset, insert)
        failure = _undefined_names(doc.language, doc.text, merged)
        failure = failure or (check(merged) if check is not None else None)
        if failure is None:
            return edit
        reason = failure
        fallback = fallback or edit
    if fallback is not None:
        return fallback
    raise ActionFailed(f"Ghostline could not generate safe code here: {reason}; nothing was changed.")


def _texts(
    doc: Document,
    spot: Spot,
    backend: Backend,
    ctx: CompletionContext,
    settings: CompletionSettings,
    should_stop: Callable[[], bool],
    temperatures: tuple[float, ...],
    checked: bool,
) -> Iterator[str]:
    """Candidates, made one at a time: the engine's samples, then (checked Python) an instructed rewrite."""
    for temperature in temperatures:
        deadline = time.perf_counter() + settings.max_latency_ms / 1000
        yield generate(backend, ctx, settings, should_stop, deadline, temperature).text
    if checked and doc.language == "python":
        yield instructed_body(doc, spot.offset, backend, should_stop)


def spot_after_comment(doc: Document, offset: int) -> Spot | None:
    """Below the block of line comments at ``offset`` when nothing implements it yet."""
    if doc.language is None:
        return None
    token = comment_token(doc.language)
    row = doc.row_of(offset)
    if not doc.line(row).lstrip().startswith(token):
        return None
    while doc.line(row + 1).lstrip().startswith(token):
        row += 1
    indent = _indent_of(doc.line(row))
    following = doc.line(row + 1)
    if row + 1 < doc.line_count and following.strip() and len(_indent_of(following)) >= len(indent):
        return None  # code follows right below: it is a comment about that code
    return Spot(doc.line_start(row) + len(doc.line(row)), indent)


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def spot_after_docstring(doc: Document, offset: int) -> Spot | None:
    """Below the docstring of a Python function whose body is only that docstring (or ``...``/``pass``)."""
    d = doc.definition_at(offset)
    if doc.language != "python" or d is None or d.kind == "class":
        return None
    if d.doc is None or d.body is None:
        return None
    rest = [n for n in d.body.named_children if n.type != "comment" and n.start_byte > d.doc.end_byte]
    if any(not _is_stub(n.text) for n in rest):
        return None
    end = doc.offset_of_point(*d.doc.end_point)
    line = doc.line(doc.row_of(end))
    return Spot(end, _indent_of(line))


def _is_stub(text: bytes | None) -> bool:
    return (text or b"").strip() in (b"pass", b"...")


def _first_definition(language: str | None, code: str) -> str:
    """At the top level, the code up to the end of the first definition (no usage examples after it)."""
    if language is None:
        return code
    data = to_bytes(code)
    found = find_definitions(language, parse(language, data).root_node)
    if not found:
        return code
    return data[: found[0].node.end_byte].decode("utf-8", "replace")


def _undefined_names(language: str | None, before: str, after: str) -> str | None:
    """Why a Python candidate is suspect: it calls helpers that exist nowhere (another sample may not)."""
    if language != "python" or not (names := verify.new_undefined_names(before, after)):
        return None
    return f"it uses {', '.join(names)}, which nothing defines"
