"""Entries of odd definitions (long, documented by comment runs, other languages); search on many names."""

from __future__ import annotations

import time
from pathlib import Path

from ghostline.engine.workspace.extract import MAX_DOC, MAX_SIGNATURE, extract
from ghostline.engine.workspace.index import WorkspaceIndex


def test_long_signature_and_doc_are_trimmed() -> None:
    params = ", ".join(f"argument_{i}: int = {i}" for i in range(60))
    doc = "Does a thing. " * 100
    [entry] = extract("/w/long.py", "python", f'def wide({params}) -> None:\n    """{doc}"""\n')
    assert len(entry.signature) <= MAX_SIGNATURE and entry.signature.endswith("…")
    assert entry.signature.startswith("def wide(argument_0: int = 0, argument_1")
    assert len(entry.doc) <= MAX_DOC and entry.doc.startswith("Does a thing.")


def test_runs_of_line_comments_and_block_comments_become_plain_text() -> None:
    rust = "/// First line.\n///\n/// Second paragraph.\nfn documented() {}\n"
    [entry] = extract("/w/lib.rs", "rust", rust)
    assert entry.doc == "First line.\n\nSecond paragraph."
    java = "class A {\n    /**\n     * Opens it.\n     * @param x what\n     */\n    void open(int x) {}\n}\n"
    method = next(e for e in extract("/w/A.java", "java", java) if e.name == "open")
    assert method.doc == "Opens it.\n@param x what"
    assert method.container == "A" and method.start_line == 5


def test_other_languages_and_no_definitions() -> None:
    assert [e.name for e in extract("/w/s.sh", "bash", "# Greets.\ngreet() { echo hi; }\n")] == ["greet"]
    assert [e.name for e in extract("/w/m.lua", "lua", "local function f(a) return a end\n")] == ["f"]
    cpp = extract("/w/a.cpp", "cpp", "class Foo { public: int bar(int x) { return x; } };\n")
    assert [(e.name, e.kind, e.container) for e in cpp] == [("Foo", "class", ""), ("bar", "method", "Foo")]
    assert extract("/w/empty.py", "python", "") == []
    broken = extract("/w/broken.py", "python", "def ok(a):\n    return a\n\ndef broken(:\n")
    assert "ok" in [e.name for e in broken]


def test_search_does_not_backtrack_on_near_misses() -> None:
    index = WorkspaceIndex()
    names = [f"a{'b' * 40}{i}" for i in range(3000)]
    index.update(Path("/virtual/many.py"), "".join(f"def {n}():\n    pass\n" for n in names))
    t0 = time.perf_counter()
    assert index.search("abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz") == []
    assert len(index.search("ab1", limit=10)) == 10
    assert time.perf_counter() - t0 < 1.0


def test_a_delete_storm_in_a_skipped_folder_is_cheap(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def kept():\n    pass\n")
    index = WorkspaceIndex()
    index.scan([tmp_path])
    t0 = time.perf_counter()
    for i in range(2000):
        index.remove(tmp_path / "node_modules" / f"pkg{i}")
    assert time.perf_counter() - t0 < 1.0
    assert index.lookup("kept")
