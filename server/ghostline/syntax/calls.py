"""A function's parameters and the calls to it, read from the tree by field names most grammars share."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ghostline.syntax.definitions import find_definitions

CALLS = frozenset({"call", "call_expression", "method_invocation"})
"""Node types of a call (Python, JavaScript / TypeScript / Rust / Go / C, Java)."""
SPREAD = frozenset({"list_splat", "dictionary_splat", "spread_element"})
"""Arguments whose count is unknown: a call holding one is left alone."""
SKIPPED = frozenset({"comment", "keyword_separator", "positional_separator"})


Point = tuple[int, int]
"""A row and a byte column."""
POSITIONAL = frozenset(
    {"identifier", "typed_parameter", "default_parameter", "typed_default_parameter", "required_parameter",
     "optional_parameter", "assignment_pattern", "parameter", "parameter_declaration", "formal_parameter"}
)  # fmt: skip
"""Parameter node types a positional argument fills (not a splat, a keyword-only marker or a pattern)."""
DEFAULTED = frozenset(
    {"default_parameter", "typed_default_parameter", "assignment_pattern", "optional_parameter"}
)


@dataclass(frozen=True)
class Parameter:
    """One parameter: its name, whether a positional argument fills it, whether it has a default."""

    name: str
    positional: bool
    default: bool


@dataclass(frozen=True)
class Argument:
    """One argument of a call: where it is, and its keyword when it is passed by name (``f(x=1)``)."""

    start: Point
    end: Point
    keyword: str | None = None


@dataclass(frozen=True)
class Call:
    """A call by name: its arguments in order, where they may be inserted, and whether it calls a member."""

    name: str
    arguments: tuple[Argument, ...]
    open_end: Point
    """Just past the opening bracket."""
    member: bool
    spread: bool


def parameters(definition: Node) -> list[Parameter] | None:
    """The parameters of a function definition node, in order (None when it has no parameter list).

    After a splat (``*args``) or Python's bare ``*``, no parameter is positional.
    """
    params = definition.child_by_field_name("parameters")
    if params is None:
        return None
    found, positional = [], True
    for child in params.named_children:
        if child.type == "comment":
            continue
        kind = child.type
        if kind == "required_parameter" and child.child_by_field_name("value") is not None:
            kind = "optional_parameter"
        if kind != "positional_separator" and kind not in POSITIONAL:
            positional = False
        if kind in SKIPPED:
            continue
        name = _first_identifier(child) or ""
        found.append(Parameter(name, positional and kind in POSITIONAL, kind in DEFAULTED))
    return found


def signature_at(language: str, root: Node, start: int, end: int) -> tuple[str, list[Parameter], bool] | None:
    """The definition whose parameter list the bytes ``start:end`` touch: (name, parameters, is a method)."""
    for found in find_definitions(language, root, (start, max(end, start + 1))):
        params = found.node.child_by_field_name("parameters")
        if params is None or params.end_byte < start or params.start_byte > end:
            continue
        names = parameters(found.node)
        if names is not None:
            return found.name, names, found.kind == "method"
    return None


def calls_to(root: Node, name: str) -> list[Call]:
    """The calls under ``root`` whose callee is ``name`` or ``something.name``, in document order."""
    found = []
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type not in CALLS:
            continue
        callee, member = _callee(node)
        args = node.child_by_field_name("arguments")
        if callee != name or args is None or not args.children:
            continue
        arguments = tuple(_argument(a) for a in args.named_children if a.type not in SKIPPED)
        spread = any(a.type in SPREAD for a in args.named_children)
        found.append(Call(name, arguments, args.children[0].end_point, member, spread))
    return found


def _callee(call: Node) -> tuple[str | None, bool]:
    if call.type == "method_invocation":
        name = call.child_by_field_name("name")
        return _text(name), call.child_by_field_name("object") is not None
    function = call.child_by_field_name("function")
    if function is None:
        return None, False
    if function.type in ("identifier",):
        return _text(function), False
    for field in ("attribute", "property", "field", "name"):
        part = function.child_by_field_name(field)
        if part is not None:
            return _text(part), True
    return None, False


def _argument(node: Node) -> Argument:
    keyword = None
    if node.type == "keyword_argument":
        keyword = _text(node.child_by_field_name("name"))
    return Argument(node.start_point, node.end_point, keyword)


def _first_identifier(node: Node) -> str | None:
    if node.type == "identifier":
        return _text(node)
    for field in ("name", "pattern", "left"):
        part = node.child_by_field_name(field)
        if part is not None:
            return _first_identifier(part)
    for child in node.named_children:
        if child.type == "identifier":
            return _text(child)
    for child in node.named_children:
        found = _first_identifier(child)
        if found is not None:
            return found
    return None


def _text(node: Node | None) -> str | None:
    return None if node is None else (node.text or b"").decode("utf-8", "replace")
