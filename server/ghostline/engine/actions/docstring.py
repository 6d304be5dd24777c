"""Docstrings and doc comments, placed where each language expects them (PEP 257, JSDoc, ///, // Name, …)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

from ghostline.engine.actions.describe import Description, describe
from ghostline.engine.actions.edits import Edit, line_ending
from ghostline.engine.actions.examples import Runner, verified_examples
from ghostline.engine.actions.fill import SLOT, fill_slots
from ghostline.engine.document import Document
from ghostline.model.backend import Backend
from ghostline.syntax.definitions import Definition
from ghostline.syntax.signature import parameter_names, returns_value

WIDTH = 88
_WRAPPERS = {"export_statement", "decorated_definition", "template_declaration"}


def generate_docstring(
    doc: Document,
    d: Definition,
    backend: Backend,
    should_stop: Callable[[], bool] = lambda: False,
    run: Runner | None = None,
) -> Edit:
    """The edit that inserts (or replaces) the docstring of definition ``d``.

    With a sandbox ``run``, a Python function's docstring gets examples whose results its code computed.
    """
    assert doc.language is not None
    params = parameter_names(d.node) if d.kind != "class" else []
    returns = d.kind != "class" and returns_value(d.node, d.body)
    nl = line_ending(doc.text)
    code = d.node.text.decode("utf-8", "replace") if d.node.text else ""
    described = describe(backend, doc.language, d.name, code, should_stop)
    details = bool(described and described.details)
    if doc.language == "python":
        start, end, indent = _python_place(doc, d)
        runner = run if d.kind != "class" else None
        examples = verified_examples(backend, doc.text, d.name, code, runner, should_stop)
        template = _python(params, returns, indent, nl, details, examples)
    else:
        start, end, indent = _above_place(doc, d)
        template = _comment_block(doc.language, d.name, params, returns, indent, nl)
    fallbacks = [f"{d.name.replace('_', ' ')}."] + [f"the {p}." for p in params] + ["the result."]
    if described is not None:
        template, fallbacks = _with_description(template, described, nl), fallbacks[1:]
    # Only the definition itself follows: the code below it would lead the model to describe that instead.
    after = doc.text[end : max(end, doc.offset_of_point(*d.node.end_point))] + nl
    body = fill_slots(backend, doc.text[:start], template, after, fallbacks, should_stop)
    return Edit(start, end, body)


def _line_start(doc: Document, offset: int) -> int:
    return doc.text.rfind("\n", 0, offset) + 1


def _python_place(doc: Document, d: Definition) -> tuple[int, int, str]:
    """Insert before the first statement of the body (or replace the existing docstring)."""
    assert d.body is not None
    first = d.doc.parent if (d.doc is not None and d.doc.parent is not None) else None
    anchor = first if first is not None else (d.body.named_children[0] if d.body.named_children else d.body)
    at = doc.offset_of_point(*anchor.start_point)
    line_start = _line_start(doc, at)
    indent = doc.text[line_start:at] if not doc.text[line_start:at].strip() else " " * 4
    if first is not None:
        return line_start, doc.offset_of_point(*first.end_point), indent
    return line_start, line_start, indent


def definition_start(doc: Document, d: Definition) -> tuple[int, str]:
    """The start of the line the definition (with its decorators or export) begins on, and its indent."""
    node = d.node.parent if d.node.parent is not None and d.node.parent.type in _WRAPPERS else d.node
    at = _line_start(doc, doc.offset_of_point(*node.start_point))
    line = doc.line(doc.row_of(at))
    return at, line[: len(line) - len(line.lstrip(" \t"))]


def _above_place(doc: Document, d: Definition) -> tuple[int, int, str]:
    """Insert on the lines above the definition (or replace its doc comment)."""
    node = d.node.parent if d.node.parent is not None and d.node.parent.type in _WRAPPERS else d.node
    if d.doc is not None:
        last = d.doc_end or d.doc
        start = _line_start(doc, doc.offset_of_point(*d.doc.start_point))
        end = doc.text.find("\n", doc.offset_of_point(*last.end_point))
        end = len(doc.text) if end < 0 else end + 1
    else:
        start = end = _line_start(doc, doc.offset_of_point(*node.start_point))
    first_line = doc.text[start : doc.text.find("\n", start) if "\n" in doc.text[start:] else len(doc.text)]
    return start, end, first_line[: len(first_line) - len(first_line.lstrip(" \t"))]


def _with_description(template: str, described: Description, nl: str) -> str:
    """``template`` with its first slot (the summary) filled, and the details wrapped below it alike."""
    head, _, rest = template.partition(SLOT)
    line = head[head.rfind("\n") + 1 :]
    match = re.match(r'([ \t]*)("""|///|//|--|#|\*)?', line)
    assert match is not None
    indent, mark = match.group(1), match.group(2) or ""
    prefix = indent if mark in ('"""', "") else f"{indent}{mark} "
    summary_end = rest.find("\n") + 1
    wrapped = textwrap.wrap(" ".join(described.details), max(WIDTH - len(prefix), 40))
    block = "".join(f"{prefix}{text}{nl}" for text in wrapped)
    block = f"{prefix.rstrip()}{nl}{block}" if block else ""
    first, *more = textwrap.wrap(described.summary, max(WIDTH - len(line), 40)) or [""]
    summary = "".join([first, *(f"{nl}{prefix}{text}" for text in more)])
    return head + summary + rest[:summary_end] + block + rest[summary_end:]


def _python(
    params: list[str],
    returns: bool,
    indent: str,
    nl: str,
    details: bool = False,
    examples: list[tuple[str, str]] | None = None,
) -> str:
    lines = [f'{indent}"""{SLOT}']
    if params:
        lines += ["", f"{indent}Args:", *(f"{indent}    {p}: {SLOT}" for p in params)]
    if returns:
        lines += ["", f"{indent}Returns:", f"{indent}    {SLOT}"]
    if examples:
        lines += ["", f"{indent}Examples:"]
        lines += [f"{indent}    {text}" for call, result in examples for text in (f">>> {call}", result)]
    lines.append(f'{indent}"""' if len(lines) > 1 else "")
    text = nl.join(line.rstrip() if line.strip() else "" for line in lines)
    if len(lines) == 2 and not details:  # one line: """Summary."""
        text = f'{indent}"""{SLOT}"""'
    return text + nl


def _comment_block(language: str, name: str, params: list[str], returns: bool, indent: str, nl: str) -> str:
    if language == "rust":
        lines = [f"/// {SLOT}"]
        if params:
            lines += ["///", "/// # Arguments", "///", *(f"/// * `{p}` - {SLOT}" for p in params)]
        if returns:
            lines += ["///", "/// # Returns", "///", f"/// {SLOT}"]
    elif language == "go":
        lines = [f"// {name} {SLOT}", *(f"// {p}: {SLOT}" for p in params)]
        if returns:
            lines.append(f"// Returns {SLOT}")
    elif language in ("lua", "bash"):
        mark = "--" if language == "lua" else "#"
        lines = [f"{mark} {SLOT}", *(f"{mark} @param {p} {SLOT}" for p in params)]
        if returns:
            lines.append(f"{mark} @return {SLOT}")
    else:  # JSDoc, Javadoc, Doxygen
        tag = "@returns" if language in ("javascript", "typescript", "tsx") else "@return"
        brief = "@brief " if language in ("c", "cpp") else ""
        lines = ["/**", f" * {brief}{SLOT}"]
        if params or returns:
            lines.append(" *")
        lines += [f" * @param {p} {SLOT}" for p in params]
        if returns:
            lines.append(f" * {tag} {SLOT}")
        lines.append(" */")
    return "".join(f"{indent}{line}{nl}" for line in lines)
