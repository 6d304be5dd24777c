"""End to end over stdio: the workspace index answers workspace/symbol and follows the editor and the disk."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from ghostline.lsp.workspace import MAX_PENDING
from tests.lsp_session import change, open_doc

PROJECT = Path(__file__).parents[1] / "fixtures" / "workspace" / "project"


async def initialize(client: LanguageClient, root: Path, profile: str = "visual_studio_code") -> list[Any]:
    """Start a session on ``root``; returns the registrations the server asks the client for."""
    registrations: list[Any] = []

    def register_capability(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    client.protocol.fm.features[types.CLIENT_REGISTER_CAPABILITY] = register_capability
    folder = types.WorkspaceFolder(root.as_uri(), root.name)
    params = types.InitializeParams(
        capabilities=client_capabilities(profile),
        root_uri=root.as_uri(),
        workspace_folders=[folder],
        initialization_options={"diagnostics": {"debounceMs": 20}},
    )
    await client.initialize_session(params)
    return registrations


async def symbols(client: LanguageClient, query: str) -> list[types.SymbolInformation]:
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
    return [s for s in found or [] if isinstance(s, types.SymbolInformation)]


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def named(client: LanguageClient, name: str) -> list[types.SymbolInformation]:
    return [s for s in await symbols(client, name) if s.name == name]


async def test_unopened_files_are_found_then_follow_deletes(
    raw_client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    registrations = await initialize(raw_client, root)

    async def indexed() -> bool:
        return bool(await named(raw_client, "cartTotal"))

    await eventually(indexed)
    [found] = await named(raw_client, "cartTotal")
    assert found.location.uri == (root / "web" / "cart.js").as_uri()
    assert found.location.range.start == types.Position(3, 0)
    assert found.kind == types.SymbolKind.Function
    [method] = await named(raw_client, "ListenAndServe")
    assert method.kind == types.SymbolKind.Method and method.container_name == "Server"
    assert "fetchUser" in [s.name for s in await symbols(raw_client, "fetchusr")]  # fuzzy

    [watcher] = [r for r in registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    globs = [w["globPattern"] for w in watcher.register_options["watchers"]]
    assert any(".js" in g or "js," in g for g in globs) and "**/.gitignore" in globs

    def reports() -> list[Any]:
        return [v for t, vs in raw_client.progress_reports.items() if "index" in str(t) for v in vs]

    async def ended() -> bool:
        return isinstance(reports()[-1], types.WorkDoneProgressEnd)

    await eventually(ended, 10)  # the symbols were there before the scan's end was reported
    assert isinstance(reports()[0], types.WorkDoneProgressBegin)

    (root / "web" / "cart.js").unlink()
    deleted = types.FileEvent((root / "web" / "cart.js").as_uri(), types.FileChangeType.Deleted)
    raw_client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([deleted]))

    async def gone() -> bool:
        return not await named(raw_client, "cartTotal")

    await eventually(gone, 10)

    new = root / "web" / "checkout.js"
    new.write_text("function checkout(cart) {\n  return cart;\n}\n")
    created = types.FileEvent(new.as_uri(), types.FileChangeType.Created)
    raw_client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([created]))

    async def appeared() -> bool:
        return bool(await named(raw_client, "checkout"))

    await eventually(appeared, 10)


async def test_unsaved_edits_are_indexed_and_undone_on_close(
    raw_client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    await initialize(raw_client, root, "neovim")

    async def indexed() -> bool:
        return bool(await named(raw_client, "load_config"))

    await eventually(indexed)
    uri = (root / "app" / "store.py").as_uri()
    text = (root / "app" / "store.py").read_text()
    open_doc(raw_client, uri, text, "python")
    row = text.splitlines().index("def load_config(path: str, *, strict: bool = False) -> dict[str, str]:")
    change(raw_client, uri, 2, (row, 4), (row, 15), "read_settings")

    async def renamed() -> bool:
        return bool(await named(raw_client, "read_settings")) and not await named(raw_client, "load_config")

    await eventually(renamed, 10)
    raw_client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    await eventually(indexed, 10)  # closed unsaved: back to the file on disk
    assert not await named(raw_client, "read_settings")


async def test_requests_are_answered_while_a_scan_runs(raw_client: LanguageClient, tmp_path: Path) -> None:
    for i in range(600):
        body = "".join(f"def helper_{i}_{j}(value):\n    return value + {j}\n\n" for j in range(30))
        (tmp_path / f"pkg{i % 20}").mkdir(exist_ok=True)
        (tmp_path / f"pkg{i % 20}" / f"mod_{i}.py").write_text(body)
    await initialize(raw_client, tmp_path, "neovim")
    uri = (tmp_path / "open.py").as_uri()
    open_doc(raw_client, uri, "def here():\n    pass\n", "python")

    def ended() -> bool:
        values = [v for t, vs in raw_client.progress_reports.items() if "index" in str(t) for v in vs]
        return any(isinstance(v, types.WorkDoneProgressEnd) for v in values)

    answered, slowest = 0, 0.0
    while not ended():
        t0 = time.perf_counter()
        await raw_client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
        )
        slowest = max(slowest, time.perf_counter() - t0)
        answered += 1
    print(f"answered {answered} requests during the scan, slowest {slowest * 1000:.0f} ms")
    assert answered >= 3, "the scan finished before requests could be measured"
    assert slowest < 1.0
    assert len(await named(raw_client, "helper_599_29")) == 1


async def test_indexing_can_be_turned_off(raw_client: LanguageClient, tmp_path: Path) -> None:
    shutil.copytree(PROJECT, tmp_path / "project")
    folder = types.WorkspaceFolder((tmp_path / "project").as_uri(), "project")
    params = types.InitializeParams(
        capabilities=client_capabilities("neovim"),
        workspace_folders=[folder],
        initialization_options={"index": {"enabled": False}},
    )
    await raw_client.initialize_session(params)
    await asyncio.sleep(1.0)
    assert await symbols(raw_client, "cartTotal") == []
    raw_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ghostline": {"index": {"enabled": True}}})
    )

    async def indexed() -> bool:
        return bool(await named(raw_client, "cartTotal"))

    await eventually(indexed)


async def test_file_names_that_are_not_utf8_keep_their_bytes(
    raw_client: LanguageClient, tmp_path: Path
) -> None:
    """A name like ``caf\\xe9.py`` (Latin-1 on disk) is listed by a URI naming it, and follows events."""
    root = tmp_path / "odd"
    (root / "sub\udcff").mkdir(parents=True)  # the byte 0xff, as Python spells a name that is not UTF-8
    odd = root / "caf\udce9.py"
    odd.write_text("def latin_named():\n    pass\n")
    (root / "sub\udcff" / "inner.py").write_text("def inside_odd_folder():\n    pass\n")
    await initialize(raw_client, root)

    async def indexed() -> bool:
        return bool(await named(raw_client, "latin_named"))

    await eventually(indexed)
    [found] = await named(raw_client, "latin_named")
    assert found.location.uri == odd.as_uri() and found.location.uri.endswith("/caf%E9.py")
    [inner] = await named(raw_client, "inside_odd_folder")
    assert inner.location.uri.endswith("/sub%FF/inner.py")
    odd.unlink()
    deleted = types.FileEvent(odd.as_uri(), types.FileChangeType.Deleted)
    raw_client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([deleted]))

    async def gone() -> bool:
        return not await named(raw_client, "latin_named")

    await eventually(gone, 10)


async def test_after_a_flood_of_watched_file_changes_the_index_is_right(
    raw_client: LanguageClient, tmp_path: Path
) -> None:
    """More files changed at once than the queue holds: the file told of last is indexed, the rest kept.

    Whether the update thread kept up or a rescan replaced the queue depends on the machine's speed.
    """
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    await initialize(raw_client, root)

    async def indexed() -> bool:
        return bool(await named(raw_client, "cartTotal"))

    await eventually(indexed)
    new = root / "web" / "flood.js"
    new.write_text("function afterTheFlood() {\n  return 1;\n}\n")
    flood = [
        types.FileEvent((root / "gone" / f"f{i}.py").as_uri(), types.FileChangeType.Changed)
        for i in range(MAX_PENDING + 10)
    ]
    flood.append(types.FileEvent(new.as_uri(), types.FileChangeType.Created))
    raw_client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(flood))

    async def found() -> bool:
        return bool(await named(raw_client, "afterTheFlood"))

    await eventually(found, 30)
    assert await named(raw_client, "cartTotal")
