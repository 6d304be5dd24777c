"""Next edits of a rename over stdio: rename a name once, the server offers its other occurrences."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp_session import change, inline, open_doc, request

pytestmark = pytest.mark.asyncio(loop_scope="module")

PYTHON = """total = 0


def area(width, height):
    total = width * height
    print("total", total)
    obj.total = total
    return total


def other():
    return total
"""
JAVASCRIPT = """const total = 1;
function area(width, height) {
  let total = width * height;
  const shape = { total: 2 };
  return total + shape.total;
}
console.log(total);
"""
RUST = """fn area(width: u32, height: u32) -> u32 {
    let total = width * height;
    let doubled = |x: u32| x * 2;
    s.total = doubled(total);
    total
}
"""
CASES = [
    ("python", "py", PYTHON, 4, [(5, 19), (6, 16), (7, 11)]),
    ("javascript", "js", JAVASCRIPT, 2, [(4, 9)]),
    ("rust", "rs", RUST, 1, [(3, 22), (4, 4)]),
]


async def rename_by_typing(client: LanguageClient, uri: str, line: int, column: int, new: str) -> int:
    """Delete ``total`` at (line, column) and type ``new`` a key at a time; returns the last version."""
    change(client, uri, 2, (line, column), (line, column + len("total")), "")
    for i, char in enumerate(new):
        change(client, uri, 3 + i, (line, column + i), (line, column + i), char)
    return 2 + len(new)


@pytest.mark.parametrize(("language", "ext", "text", "line", "expected"), CASES)
async def test_the_other_occurrences_of_the_renamed_variable_come_next(
    client: LanguageClient, language: str, ext: str, text: str, line: int, expected: list[tuple[int, int]]
) -> None:
    uri = f"file:///project/rename_{client.profile}.{ext}"  # type: ignore[attr-defined]
    open_doc(client, uri, text, language)
    column = text.split("\n")[line].index("total")
    version = await rename_by_typing(client, uri, line, column, "result")
    params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": column + 6}}
    edits = plain(await request(client, "ghostline/nextEdit", params))["edits"]
    got = [(e["range"]["start"]["line"], e["range"]["start"]["character"]) for e in edits]
    assert got == expected  # not the string, the member, the field, nor the outer variable of that name
    assert all(e["text"] == "result" and e["textDocument"] == {"uri": uri, "version": version} for e in edits)
    assert all(_width(e) == len("total") for e in edits)
    copilot = plain(await request(client, "textDocument/copilotInlineEdit", params))
    assert copilot["edits"] == edits[:1]  # Copilot's shape: the next one


def plain(value: Any) -> Any:
    """A result as JSON-like dicts and lists (the client hands back named tuples)."""
    if hasattr(value, "_asdict"):
        value = value._asdict()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return [plain(v) for v in value] if isinstance(value, list | tuple) else value


def _width(edit: dict[str, Any]) -> int:
    rng = edit["range"]
    assert rng["start"]["line"] == rng["end"]["line"]
    return int(rng["end"]["character"]) - int(rng["start"]["character"])


async def test_no_next_edit_without_a_rename_and_bad_params_get_an_error(client: LanguageClient) -> None:
    uri = f"file:///project/typed_{client.profile}.py"  # type: ignore[attr-defined]
    open_doc(client, uri, "x = 1\n", "python")
    change(client, uri, 2, (1, 0), (1, 0), "y = x + 1\n")  # typing new code implies nothing
    params = {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 0}}
    assert plain(await request(client, "ghostline/nextEdit", params)) == {"edits": []}
    unknown = {"textDocument": {"uri": "file:///nowhere.py"}, "position": {"line": 0, "character": 0}}
    assert plain(await request(client, "ghostline/nextEdit", unknown)) == {"edits": []}
    for bad in ({"textDocument": {"uri": uri}}, None, [1, 2], {"textDocument": uri, "position": [0, 0]}):
        with pytest.raises(Exception, match="position"):
            await request(client, "ghostline/nextEdit", bad)
    far = {"textDocument": {"uri": uri}, "position": {"line": 10**6, "character": 10**6}}
    assert plain(await request(client, "textDocument/copilotInlineEdit", far)) == {"edits": []}
    negative = {"textDocument": {"uri": uri}, "position": {"line": -1, "character": 0}}
    with pytest.raises(Exception, match="position"):
        await request(client, "ghostline/nextEdit", negative)


async def test_a_parameter_removed_offers_the_calls_without_its_argument(client: LanguageClient) -> None:
    uri = f"file:///project/signature_{client.profile}.py"  # type: ignore[attr-defined]
    text = "def area(width, height, scale):\n    return width * height\n\n\nprint(area(2, 3, 10))\n"
    open_doc(client, uri, text, "python")
    change(client, uri, 2, (0, 22), (0, 29), "")  # ", scale" deleted
    params = {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 22}}
    (edit,) = plain(await request(client, "ghostline/nextEdit", params))["edits"]
    assert edit["range"] == {"start": {"line": 4, "character": 15}, "end": {"line": 4, "character": 19}}
    assert edit["text"] == "" and edit["reason"] == "removed parameter scale"


async def test_the_calls_in_other_open_documents_come_after_this_ones(client: LanguageClient) -> None:
    profile = client.profile  # type: ignore[attr-defined]
    lib, app = f"file:///project/lib_{profile}.py", f"file:///project/app_{profile}.py"
    open_doc(client, app, f"from lib_{profile} import area\n\nprint(area(1, 2))\n", "python")
    open_doc(
        client, lib, "def area(width, height):\n    return width * height\n\n\nx = area(3, 4)\n", "python"
    )
    change(client, lib, 2, (0, 9), (0, 16), "")  # "width, " deleted
    params = {"textDocument": {"uri": lib}, "position": {"line": 0, "character": 9}}
    edits = plain(await request(client, "ghostline/nextEdit", params))["edits"]
    got = [
        (e["textDocument"]["uri"], e["range"]["start"]["line"], e["range"]["start"]["character"])
        for e in edits
    ]
    assert got == [(lib, 4, 9), (app, 2, 11)]
    assert edits[1]["textDocument"]["version"] == 1 and all(e["text"] == "" for e in edits)


async def test_an_occurrence_on_the_cursors_line_is_the_inline_suggestion(client: LanguageClient) -> None:
    """LSP 3.18 inline completion: an item whose range reaches over the old name, no model needed."""
    uri = f"file:///project/sameline_{client.profile}.py"  # type: ignore[attr-defined]
    text = "def count(items):\n    total = 0\n    for item in items:\n        total = total + item\n"
    open_doc(client, uri, text, "python")
    await rename_by_typing(client, uri, 3, 8, "result")  # the first `total` of `total = total + item`
    (item,) = await inline(client, uri, types.Position(line=3, character=14))
    assert item.insert_text == " = result"
    assert (item.range.start.line, item.range.start.character) == (3, 14)
    assert (item.range.end.line, item.range.end.character) == (3, 22)  # over " = total"
    (there,) = await inline(client, uri, types.Position(line=1, character=4))  # the cursor before one
    assert there.insert_text == "result" and there.range.end.character == 9
    assert await inline(client, uri, types.Position(line=2, character=4)) == []  # none on this line, no model
