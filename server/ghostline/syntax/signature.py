"""Parameter names and whether a definition returns a value, read from its tree."""

from __future__ import annotations

from tree_sitter import Node

SKIP = {"self", "cls", "this"}
_PARAM_LISTS = ("parameters", "formal_parameters", "parameter_list", "parameter_declaration_list")
_RETURN_FIELDS = ("return_type", "result", "type")


def parameter_names(definition: Node) -> list[str]:
    """Names of the parameters of a function-like node (``self``/``this`` left out)."""
    params = _parameter_list(definition)
    if params is None:
        return []
    names: list[str] = []
    for param in params.named_children:
        if param.type == "comment":
            continue
        for ident in _identifiers(param):
            if ident not in SKIP and ident not in names:
                names.append(ident)
    return names


def returns_value(definition: Node, body: Node | None) -> bool:
    """Whether the function declares a non-void result or returns an expression."""
    for field in _RETURN_FIELDS:
        result = definition.child_by_field_name(field)
        if result is not None and (result.text or b"").strip() not in (b"void", b"()", b"None"):
            return True
    return body is not None and _has_valued_return(body)


def _parameter_list(definition: Node) -> Node | None:
    """The parameter list, also when it sits inside a C/C++ declarator."""
    node: Node | None = definition
    while node is not None:
        params = node.child_by_field_name("parameters") or _find(node, _PARAM_LISTS)
        if params is not None:
            return params
        node = node.child_by_field_name("declarator")
    return None


def _identifiers(param: Node) -> list[str]:
    """The declared name(s) of one parameter node (not its type or default)."""
    several = param.children_by_field_name("name")
    if len(several) > 1:  # Go: `a, b int`
        return [_text(n) for n in several]
    for field in ("name", "pattern", "declarator"):
        child = param.child_by_field_name(field)
        if child is not None:
            return _identifiers(child) if child.named_child_count else [_text(child)]
    if param.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [_text(param)]
    first = next((c for c in param.named_children if c.type == "identifier"), None)
    return [_text(first)] if first is not None else []


def _has_valued_return(node: Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("return_statement", "return_expression") and current.named_child_count:
            return True
        if current is node or current.type not in (
            "function_definition",
            "function_declaration",
            "closure_expression",
            "lambda",
            "arrow_function",
            "func_literal",
        ):
            stack.extend(current.named_children)
    return False


def _find(node: Node, types: tuple[str, ...]) -> Node | None:
    for child in node.named_children:
        if child.type in types:
            return child
    return None


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")
