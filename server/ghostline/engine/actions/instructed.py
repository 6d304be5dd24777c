"""A function body written on instruction: the model gets the header and docstring, writes it whole."""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Callable

from ghostline.engine.actions.chat import ask_for_code, has_chat
from ghostline.engine.document import Document
from ghostline.model.backend import Backend

SYSTEM = "You are Ghostline, a careful Python programmer. You write correct, plain code."
CONTEXT_CHARS = 1500
"""Of the file before the function (its imports and helpers)."""
_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)


def instructed_body(doc: Document, offset: int, backend: Backend, should_stop: Callable[[], bool]) -> str:
    """The body (after the docstring) the model writes for the Python function that ends at ``offset``.

    Indented as the lines after the docstring are ('' when the model has no chat format or wrote none).
    """
    if not has_chat(backend):
        return ""
    found = [m for m in _DEF.finditer(doc.text, 0, offset)]
    if not found:
        return ""
    header = found[-1]
    stub = doc.text[header.start() : offset]
    context = doc.text[max(0, header.start() - CONTEXT_CHARS) : header.start()]
    user = (
        f"Complete the Python function `{header.group(2)}` so that it does what its docstring says and its "
        f"examples hold. Reply with the whole function.\n\n```python\n{context}{stub}\n```"
    )
    answer = ask_for_code(backend, SYSTEM, user, "python", max_tokens=512, should_stop=should_stop)
    body = _body_of(answer, header.group(2))
    if not body:
        return ""
    indent = header.group(1) + "    "
    return textwrap.indent(body, indent).removeprefix(indent)  # the first line follows the spot's indent


def _body_of(code: str, name: str) -> str:
    """The statements of function ``name`` in ``code`` after its docstring, dedented ('' when absent)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            if not body or body[-1].end_lineno is None:
                return ""
            lines = code.splitlines()[body[0].lineno - 1 : body[-1].end_lineno]
            return textwrap.dedent("\n".join(lines))
    return ""
