"""The workspace index over a small project in seven languages: definitions, signatures, docs, changes."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from ghostline.engine.workspace.index import Entry, IndexLimits, WorkspaceIndex

PROJECT = Path(__file__).parents[1] / "fixtures" / "workspace" / "project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    return root


@pytest.fixture
def index(project: Path) -> WorkspaceIndex:
    built = WorkspaceIndex()
    built.scan([project])
    return built


def only(index: WorkspaceIndex, name: str) -> Entry:
    found = index.lookup(name)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("name", "kind", "language", "file", "lines", "signature", "doc", "container"),
    [
        (
            "load_config",
            "function",
            "python",
            "app/store.py",
            (12, 14),
            "def load_config(path: str, *, strict: bool = False) -> dict[str, str]:",
            "Read the settings file at ``path``.",
            "",
        ),
        (
            "get",
            "method",
            "python",
            "app/store.py",
            (6, 9),
            "def get(self, key: str, default: int | None = None) -> int | None:",
            "The value of ``key``, or ``default``.",
            "Store",
        ),
        ("Store", "class", "python", "app/store.py", (3, 9), "class Store:", "Keeps values by key.", ""),
        (
            "cartTotal",
            "function",
            "javascript",
            "web/cart.js",
            (3, 5),
            "function cartTotal(items, taxRate)",
            "Sum of the prices of the items in a cart.",
            "",
        ),
        ("addItem", "method", "javascript", "web/cart.js", (9, 11), "addItem(item)", "Adds an item.", "Cart"),
        (
            "fetchUser",
            "function",
            "typescript",
            "web/api.ts",
            (1, 3),
            "async function fetchUser(id: number): Promise<User>",
            "Fetches a user by id.",
            "",
        ),
        (
            "countStock",
            "method",
            "java",
            "src/main/java/shop/Inventory.java",
            (5, 7),
            "public int countStock(String sku)",
            "How many of ``sku`` are in stock.",
            "Inventory",
        ),
        (
            "Inventory",
            "class",
            "java",
            "src/main/java/shop/Inventory.java",
            (3, 8),
            "public class Inventory",
            "Counts the items on the shelves.",
            "",
        ),
        (
            "ListenAndServe",
            "method",
            "go",
            "cmd/server.go",
            (8, 10),
            "func (s *Server) ListenAndServe(addr string) error",
            "ListenAndServe starts the server on its port.",
            "Server",
        ),
        (
            "Server",
            "class",
            "go",
            "cmd/server.go",
            (3, 5),
            "type Server struct",
            "Server answers requests.",
            "",
        ),
        (
            "parse_version",
            "function",
            "rust",
            "core/src/lib.rs",
            (1, 3),
            "pub fn parse_version(text: &str) -> Option<(u32, u32, u32)>",
            "Parses a version string like `1.2.3`.",
            "",
        ),
        (
            "register",
            "method",
            "rust",
            "core/src/lib.rs",
            (11, 11),
            "pub fn register(&mut self, name: &str)",
            "Registers a name.",
            "Registry",
        ),
        (
            "crc32_buffer",
            "function",
            "c",
            "native/checksum.c",
            (3, 6),
            "unsigned int crc32_buffer(const unsigned char *data, size_t length)",
            "CRC-32 of a buffer.",
            "",
        ),
    ],
)
def test_definitions_with_signature_and_doc(
    index: WorkspaceIndex,
    project: Path,
    name: str,
    kind: str,
    language: str,
    file: str,
    lines: tuple[int, int],
    signature: str,
    doc: str,
    container: str,
) -> None:
    entry = only(index, name)
    assert entry == Entry(name, kind, str(project / file), language, *lines, signature, doc, container)


def test_counts_and_files(index: WorkspaceIndex, project: Path) -> None:
    assert index.files == 7  # README.md is not source
    assert index.definitions == sum(len(index.entries_in(p)) for p in project.rglob("*.*"))
    assert [e.name for e in index.entries_in(project / "app" / "store.py")] == ["Store", "get", "load_config"]
    assert index.entries_in(project / "README.md") == []


def test_update_from_a_buffer_then_from_disk(index: WorkspaceIndex, project: Path) -> None:
    path = project / "app" / "store.py"
    before = index.version
    index.update(path, "def load_settings(path):\n    '''Renamed.'''\n")
    assert index.version > before
    assert index.lookup("load_config") == []
    assert only(index, "load_settings").doc == "Renamed."
    index.update(path)  # closed unsaved: the file on disk is the truth again
    assert index.lookup("load_settings") == []
    assert only(index, "load_config").path == str(path)


def test_new_file_and_changed_file_on_disk(index: WorkspaceIndex, project: Path) -> None:
    new = project / "app" / "payments.py"
    new.write_text("class Payment:\n    def refund(self, amount):\n        return amount\n")
    index.update(new)
    assert only(index, "refund").container == "Payment"
    new.write_text("def charge(card):\n    return card\n")
    index.update(new)
    assert index.lookup("refund") == [] and only(index, "charge").kind == "function"


def test_remove_a_file_and_a_folder(index: WorkspaceIndex, project: Path) -> None:
    index.remove(project / "web" / "cart.js")
    assert index.lookup("cartTotal") == [] and index.lookup("addItem") == []
    assert only(index, "fetchUser")
    files, definitions = index.files, index.definitions
    assert index.files_in(project / "web") == [str(project / "web" / "api.ts")]
    index.remove(project / "web")
    assert index.lookup("fetchUser") == [] and index.files_in(project / "web") == []
    assert index.files == files - 1 and index.definitions < definitions


def test_files_by_folder_follow_new_and_removed_files(index: WorkspaceIndex, project: Path) -> None:
    app = project / "app"
    assert index.files_in(app) == [str(p) for p in sorted(app.glob("*.py"))]
    new = app / "payments.py"
    new.write_text("def charge(card):\n    return card\n")
    index.update(new)
    assert str(new) in index.files_in(app) and index.files_in(str(app) + "/") == index.files_in(app)
    index.remove(new)
    assert str(new) not in index.files_in(app)


def test_rescan_drops_deleted_files_and_keeps_buffers(index: WorkspaceIndex, project: Path) -> None:
    (project / "cmd" / "server.go").unlink()
    index.update(project / "app" / "store.py", "def only_in_the_buffer():\n    pass\n")
    index.scan([project])
    assert index.lookup("ListenAndServe") == []
    assert only(index, "only_in_the_buffer")  # the unsaved buffer wins over the file on disk
    assert index.lookup("load_config") == []


def test_search_is_fuzzy_and_ranked(index: WorkspaceIndex) -> None:
    assert [e.name for e in index.search("cartTotal")][:1] == ["cartTotal"]
    assert [e.name for e in index.search("carttot")][:1] == ["cartTotal"]
    assert "ListenAndServe" in [e.name for e in index.search("las")]  # word starts
    assert [e.name for e in index.search("REGISTR")] == ["Registry", "Registry", "register"]  # struct, impl
    assert index.search("zzzz") == []
    assert len(index.search("", limit=3)) == 3
    assert index.search("e", limit=2) and len(index.search("e", limit=2)) == 2


def test_names_defined_several_times_come_and_go_together() -> None:
    index = WorkspaceIndex()
    twice = "def twin():\n    pass\n\ndef twin():\n    pass\n"
    index.update(Path("/virtual/a.py"), twice)
    index.update(Path("/virtual/b.py"), twice)
    assert [(e.path, e.start_line) for e in index.lookup("twin")] == [
        ("/virtual/a.py", 0),
        ("/virtual/a.py", 3),
        ("/virtual/b.py", 0),
        ("/virtual/b.py", 3),
    ]
    index.remove(Path("/virtual/a.py"))
    assert len(index.lookup("twin")) == 2
    index.update(Path("/virtual/b.py"), "def twin():\n    pass\n")
    assert len(index.lookup("twin")) == 1 and [e.name for e in index.search("twn")] == ["twin"]
    index.remove(Path("/virtual/b.py"))
    assert index.lookup("twin") == [] and index.search("twin") == [] and index.definitions == 0


def test_search_prefers_exact_then_prefix_then_word_starts() -> None:
    index = WorkspaceIndex()
    names = ["get_user_name", "gun", "getUserNumber", "guna", "big_gun_store", "Gun"]
    text = "".join(f"def {n}():\n    pass\n" for n in names)
    index.update(Path("/virtual/names.py"), text)
    ranked = [e.name for e in index.search("gun")]
    assert ranked[:2] in (["Gun", "gun"], ["gun", "Gun"])
    assert ranked[2] == "guna"
    assert ranked[3] == "big_gun_store"
    assert set(ranked[4:]) == {"get_user_name", "getUserNumber"}


def test_limits_bound_entries_per_file_and_in_all(project: Path) -> None:
    many = "".join(f"def f{i}():\n    pass\n" for i in range(50))
    (project / "app" / "many.py").write_text(many)
    index = WorkspaceIndex(IndexLimits(max_entries_per_file=10, max_entries=30))
    index.scan([project])
    assert len(index.entries_in(project / "app" / "many.py")) <= 10
    assert index.definitions <= 30
    small = WorkspaceIndex(IndexLimits(max_files=3))
    small.scan([project])
    assert small.files == 3 and small.truncated


def test_lookup_is_safe_while_a_scan_runs(project: Path) -> None:
    for i in range(60):
        (project / "app" / f"mod{i}.py").write_text(f"def helper_{i}(x):\n    return x\n")
    index = WorkspaceIndex()
    seen: list[int] = []
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            while not done.is_set():
                seen.append(len(index.search("helper")) + len(index.lookup("helper_3")))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    done = threading.Event()
    thread = threading.Thread(target=reader)
    thread.start()
    progress: list[tuple[int, int]] = []
    index.scan([project], progress=lambda d, t: progress.append((d, t)))
    done.set()
    thread.join()
    assert errors == []
    assert progress[-1][0] == progress[-1][1] == index.files
    assert len(index.lookup("helper_59")) == 1


def test_a_big_scan_parses_in_a_child_process(project: Path) -> None:
    for i in range(70):  # two batches
        (project / "app" / f"gen{i}.py").write_text(f"def generated_{i}(x):\n    return x\n")
    index = WorkspaceIndex(IndexLimits(child_process_files=0))
    progress: list[int] = []
    index.scan([project], progress=lambda done, total: progress.append(done))
    assert index.files == 77 and progress[-1] == 77
    assert only(index, "generated_69").signature == "def generated_69(x):"
    assert only(index, "cartTotal") == Entry(
        "cartTotal",
        "function",
        str(project / "web" / "cart.js"),
        "javascript",
        3,
        5,
        "function cartTotal(items, taxRate)",
        "Sum of the prices of the items in a cart.",
    )


def test_a_stopped_scan_stops(project: Path) -> None:
    index = WorkspaceIndex()
    index.scan([project], stop=lambda: True)
    assert index.files == 0
