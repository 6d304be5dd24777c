"""Property: random edits keep client and server text equal, and the tree equal to a fresh parse."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from tree_sitter import Node

from ghostline.engine import text as tx
from ghostline.engine.document import Document, Pos

ALPHABET = st.sampled_from([*"ab(){}[]:=+ \n\t\r\"'#xé😀中", "\r\n", "def ", "return ", "if x:\n    "])
LANGUAGES = {"python": "a.py", "javascript": "a.js", "rust": "a.rs", "go": "a.go"}


def client_lines(text: str) -> list[str]:
    """Lines without their breaks, as an editor numbers them (independent of the server's table)."""
    return re.split(r"\r\n|\r|\n", text)


def units(s: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return len(s.encode("utf-16-le", "surrogatepass")) // 2
    return len(s)


def client_offset(text: str, line: int, index: int) -> int:
    """Offset of (line, character index) computed the slow, obvious way."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    return starts[line] + index


def shape(node: Node) -> list[tuple[str, int, int, tuple[int, int], tuple[int, int]]]:
    """Every node with its byte range and points, in pre-order."""
    out = [(node.type, node.start_byte, node.end_byte, tuple(node.start_point), tuple(node.end_point))]
    for child in node.children:
        out.extend(shape(child))
    return out


@st.composite
def edits(draw: st.DrawFn, text: str) -> tuple[int, int, int, int, str]:
    lines = client_lines(text)
    a_line = draw(st.integers(0, len(lines) - 1))
    b_line = draw(st.integers(a_line, min(a_line + 2, len(lines) - 1)))
    a_idx = draw(st.integers(0, len(lines[a_line])))
    b_idx = draw(st.integers(0, len(lines[b_line])))
    if b_line == a_line and b_idx < a_idx:
        a_idx, b_idx = b_idx, a_idx
    insert = "".join(draw(st.lists(ALPHABET, max_size=6)))
    return a_line, a_idx, b_line, b_idx, insert


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(LANGUAGES)),
    st.sampled_from(list(tx.ENCODINGS)),
    st.lists(ALPHABET, max_size=30).map("".join),
    st.data(),
)
def test_random_edits_keep_text_and_tree_in_sync(
    language: str, encoding: str, initial: str, data: st.DataObject
) -> None:
    doc = Document(LANGUAGES[language], initial, encoding=encoding)
    client = initial
    for _ in range(data.draw(st.integers(1, 8))):
        a_line, a_idx, b_line, b_idx, insert = data.draw(edits(client))
        lines = client_lines(client)
        start = Pos(a_line, units(lines[a_line][:a_idx], encoding))
        end = Pos(b_line, units(lines[b_line][:b_idx], encoding))
        s, e = client_offset(client, a_line, a_idx), client_offset(client, b_line, b_idx)
        client = client[:s] + insert + client[e:]
        doc.apply_change(insert, start, end)
        if data.draw(st.booleans()):
            doc.reparse()  # sometimes several edits go into one reparse
    doc.reparse()
    assert doc.text == client
    assert doc.line_count == len(client_lines(client))
    assert [doc.line(i) for i in range(doc.line_count)] == client_lines(client)
    assert doc.syntax is not None
    fresh = doc.syntax.fresh_parse(tx.to_bytes(client)).root_node
    assert str(doc.syntax.root) == str(fresh)
    assert shape(doc.syntax.root) == shape(fresh)
    assert [(p.start, p.end) for p in doc.problems()] == [
        (p.start, p.end) for p in Document(LANGUAGES[language], client).problems()
    ]
