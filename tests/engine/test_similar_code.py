"""Code like the cursor's from the workspace's other files: found by likeness, shown with what follows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ghostline.config import CompletionSettings
from ghostline.engine.completion import similar
from ghostline.engine.completion.context import ContextBuilder
from ghostline.engine.completion.prompt import build_prompt
from ghostline.engine.document import Document
from ghostline.engine.workspace.index import WorkspaceIndex
from ghostline.model import fim

SETTINGS = CompletionSettings(context_tokens=512, cross_file_tokens=256, definition_tokens=0)
HOVER = '''from lsp.converters import to_protocol, from_protocol


def provide_hover(client, document, position, token):
    """Ask the server what lies under the cursor."""
    params = to_protocol.position_params(document, position)
    result = client.send_request("textDocument/hover", params, token)
    if token.cancelled:
        return None
    if result is None:
        return None
    client.log_request("textDocument/hover", params)
    client.remember(document, position)
    return from_protocol.as_hover(result, token)
'''
SHAPES = """def area(width, height):
    return width * height


def perimeter(width, height):
    return 2 * (width + height)
"""
DEFINITION = '''from lsp.converters import to_protocol, from_protocol


def provide_definition(client, document, position, token):
    """Ask the server where the name under the cursor is defined."""
    params = to_protocol.position_params(document, position)
    result = client.send_request("textDocument/definition", params, token)
    if token.cancelled:
        return None
    if result is None:
        return None
    client.log_request("textDocument/definition", params)
    client.remember(document, position)
    return from_protocol.'''


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    features = tmp_path / "features"
    features.mkdir()
    (features / "hover.py").write_text(HOVER)
    (features / "shapes.py").write_text(SHAPES)
    (features / "definition.py").write_text(DEFINITION)
    (features / "__init__.py").write_text("")  # an empty sibling is read too
    return tmp_path


def builder(root: Path, indexed: bool = True) -> ContextBuilder:
    built = ContextBuilder()
    built.root = str(root)
    if indexed:
        built.index = WorkspaceIndex()
        built.index.scan([root])
    return built


def definition_doc(root: Path, text: str = DEFINITION) -> Document:
    return Document((root / "features" / "definition.py").as_uri(), text)


def test_a_similar_window_of_a_sibling_comes_with_the_lines_after_it(workspace: Path) -> None:
    doc = definition_doc(workspace)
    ctx = builder(workspace).build(doc, len(doc.text), SETTINGS, [])
    assert [s.path for s in ctx.snippets] == ["features/hover.py"]  # not shapes.py: it shares no code
    shown = ctx.snippets[0].text
    assert "return from_protocol.as_hover(result, token)" in shown  # beyond the window that matched
    assert "provide_definition" not in shown  # the document itself is never a source
    prompt = build_prompt(ctx, fim.by_name("qwen"))
    assert prompt.index("<|file_sep|>features/hover.py\n") < prompt.index("<|file_sep|>definition.py\n")


def test_without_an_index_or_a_budget_nothing_comes_from_closed_files(workspace: Path) -> None:
    doc = definition_doc(workspace)
    assert builder(workspace, indexed=False).build(doc, len(doc.text), SETTINGS, []).snippets == ()
    off = CompletionSettings(context_tokens=512, cross_file_tokens=0, definition_tokens=0)
    assert builder(workspace).build(doc, len(doc.text), off, []).snippets == ()


def test_an_open_document_is_offered_once(workspace: Path) -> None:
    doc = definition_doc(workspace)
    hover = Document((workspace / "features" / "hover.py").as_uri(), HOVER)
    ctx = builder(workspace).build(doc, len(doc.text), SETTINGS, [hover])
    assert sum("as_hover" in s.text for s in ctx.snippets) == 1


def test_the_snippets_stay_put_while_typing_on_the_line(workspace: Path) -> None:
    built = builder(workspace)
    doc = definition_doc(workspace)
    first = built.build(doc, len(doc.text), SETTINGS, [])
    typed = definition_doc(workspace, DEFINITION + "as_def")
    assert built.build(typed, len(typed.text), SETTINGS, []).snippets == first.snippets


def test_a_file_merely_sharing_words_stays_out(workspace: Path) -> None:
    (workspace / "features" / "notes.py").write_text(
        "def summary(document, position):\n    return [document, position, 'client', 'token']\n"
    )
    doc = definition_doc(workspace)
    ctx = builder(workspace).build(doc, len(doc.text), SETTINGS, [])
    assert "features/notes.py" not in [s.path for s in ctx.snippets]


def test_reading_stops_at_the_bound(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = WorkspaceIndex()
    index.scan([workspace])
    here = str(workspace / "features" / "definition.py")
    paths = similar.candidates(index, here, {"from_protocol", "send_request"}, set())
    assert here not in paths and str(workspace / "features" / "hover.py") in paths
    words = {"from_protocol", "to_protocol", "send_request", "token", "result", "params", "cancelled"}
    assert similar.search(paths, words, {"send_request"}, index)
    monkeypatch.setattr(similar, "MAX_CHARS", 1)
    hover_last = [str(workspace / "features" / p) for p in ("shapes.py", "hover.py")]
    assert similar.search(hover_last, words, {"send_request"}, index) == []  # stopped after shapes.py
