"""What the workspace scan reads: .gitignore semantics, vendored folders, binary, huge and minified files."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from ghostline.engine.workspace.ignore import Ignorer, parse
from ghostline.engine.workspace.index import IndexLimits, WorkspaceIndex
from ghostline.engine.workspace.walk import read_regular

DEF = "def {name}():\n    pass\n"


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "ignored"),
    [
        ("*.py", "a/b/c.py", False, True),
        ("*.py", "a/b/c.pyc", False, False),
        ("gen", "a/gen", True, True),
        ("gen", "a/gen", False, True),
        ("gen/", "a/gen", False, False),  # directory-only
        ("gen/", "a/gen", True, True),
        ("/top.py", "top.py", False, True),  # anchored
        ("/top.py", "a/top.py", False, False),
        ("a/*.py", "a/x.py", False, True),  # a slash in the middle anchors too
        ("a/*.py", "b/a/x.py", False, False),
        ("a/*.py", "a/b/x.py", False, False),  # * stops at /
        ("**/logs", "x/y/logs", True, True),
        ("a/**/z.py", "a/z.py", False, True),
        ("a/**/z.py", "a/b/c/z.py", False, True),
        ("a/**", "a/b/c.py", False, True),
        ("f?o.py", "fxo.py", False, True),
        ("f?o.py", "f/o.py", False, False),
        ("[abc].py", "b.py", False, True),
        ("[!abc].py", "b.py", False, False),
        ("[!abc].py", "d.py", False, True),
        ("\\#hash.py", "#hash.py", False, True),
        ("# comment", "# comment", False, False),
        ("trailing.py   ", "trailing.py", False, True),
    ],
)
def test_patterns(pattern: str, path: str, is_dir: bool, ignored: bool) -> None:
    verdict = False
    for rule in parse(pattern):
        if rule.matches(path, is_dir):
            verdict = not rule.negate
    assert verdict is ignored


def test_negation_and_precedence(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.py\n!keep.py\n")
    ignorer = Ignorer(tmp_path)
    assert ignorer.ignored("drop.py", False)
    assert not ignorer.ignored("keep.py", False)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitignore").write_text("!drop.py\n")  # deeper files win
    assert not ignorer.ignored_path("sub/drop.py")
    (tmp_path / ".gitignore").write_text("out/\n!out/keep.py\n")  # no re-including below an ignored folder
    assert Ignorer(tmp_path).ignored_path("out/keep.py")


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def names(index: WorkspaceIndex) -> set[str]:
    return {e.name for e in index.search("", limit=10_000)}


def test_scan_respects_gitignore_files(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "generated/\n/local_*.py\n*.tmp.js\n")
    write(tmp_path, "pkg/.gitignore", "secret.py\n!important.tmp.js\n")
    write(tmp_path, "main.py", DEF.format(name="kept_main"))
    write(tmp_path, "generated/out.py", DEF.format(name="in_generated"))
    write(tmp_path, "pkg/generated/deep.py", DEF.format(name="in_deep_generated"))
    write(tmp_path, "local_notes.py", DEF.format(name="anchored_away"))
    write(tmp_path, "pkg/local_ok.py", DEF.format(name="kept_not_anchored"))
    write(tmp_path, "pkg/secret.py", DEF.format(name="nested_ignore"))
    write(tmp_path, "pkg/x.tmp.js", "function glob_away() {}\n")
    write(tmp_path, "pkg/important.tmp.js", "function negated_back() {}\n")
    index = WorkspaceIndex()
    index.scan([tmp_path])
    assert names(index) == {"kept_main", "kept_not_anchored", "negated_back"}


def test_a_hostile_gitignore_cannot_stall_the_scan(tmp_path: Path) -> None:
    """Patterns a regex would backtrack on for hours with these names (holding the GIL: a frozen server)."""
    hostile = ["*a" * 25 + "b", "*" * 5000 + "c", "**/" * 60 + "z*z*z*z*z*q", " " * 100_000 + "x"]
    write(tmp_path, ".gitignore", "\n".join([*hostile, "ignored_*.py"]) + "\n")
    long_name = "a" * 200 + ".py"
    write(tmp_path, long_name, DEF.format(name="kept_long"))
    write(tmp_path, "/".join(["z" * 20] * 30) + "/deep.py", DEF.format(name="kept_deep"))
    write(tmp_path, "ignored_one.py", DEF.format(name="ignored_by_the_sane_rule"))
    write(tmp_path, "aab", DEF.format(name="not_source"))
    index = WorkspaceIndex()
    index.scan([tmp_path])
    assert names(index) == {"kept_long", "kept_deep"}


def test_git_info_exclude_and_root_below_the_work_tree(tmp_path: Path) -> None:
    write(tmp_path, ".git/info/exclude", "excluded.py\n")
    write(tmp_path, ".gitignore", "skipme/\n")
    write(tmp_path, "svc/excluded.py", DEF.format(name="by_info_exclude"))
    write(tmp_path, "svc/skipme/a.py", DEF.format(name="by_parent_gitignore"))
    write(tmp_path, "svc/ok.py", DEF.format(name="kept"))
    index = WorkspaceIndex()
    index.scan([tmp_path / "svc"])
    assert names(index) == {"kept"}
    index.update(tmp_path / "svc" / "skipme" / "b.py", DEF.format(name="edited_ignored"))
    index.update(tmp_path / "outside.py", DEF.format(name="outside_root"))
    assert names(index) == {"kept"}


def test_vendored_binary_huge_and_minified_files_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "app.py", DEF.format(name="kept"))
    for folder in ("node_modules/lib", ".venv/lib", "vendor", "__pycache__", "dist", "target", "x.egg-info"):
        write(tmp_path, f"{folder}/m.py", DEF.format(name="vendored"))
    write(tmp_path, "env/pyvenv.cfg", "home = /usr\n")
    write(tmp_path, "env/lib/site.py", DEF.format(name="in_a_venv"))
    write(tmp_path, "blob.py", b"def binary():\n    pass\n\x00\x01\x02")
    write(tmp_path, "huge.py", DEF.format(name="huge") + "# padding\n" * 120_000)
    write(tmp_path, "app.min.js", "function minified(){}\n")
    write(tmp_path, "bundle.js", "function long_line(){}\n" + "var a=1;" * 1000 + "\n")
    index = WorkspaceIndex()
    index.scan([tmp_path])
    assert names(index) == {"kept"}
    assert index.files == 1
    index.update(tmp_path / "huge.py")
    index.update(tmp_path / "vendor" / "m.py")
    index.update(tmp_path / "buffer.py", "x = 1\n" * 10 + "y = '" + "z" * 5000 + "'\n")
    assert names(index) == {"kept"}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loops_end(tmp_path: Path) -> None:
    write(tmp_path, "a/mod.py", DEF.format(name="once"))
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    (tmp_path / "a" / "self").symlink_to(tmp_path / "a")
    index = WorkspaceIndex()
    index.scan([tmp_path])
    assert [e.name for e in index.lookup("once")] == ["once"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_or_a_device_named_like_source_is_never_read(tmp_path: Path) -> None:
    """A FIFO blocks its reader until a writer comes, /dev/zero never ends: neither may stall the index."""
    write(tmp_path, "app.py", DEF.format(name="kept"))
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    index = WorkspaceIndex()
    worker = threading.Thread(target=lambda: [index.scan([tmp_path]), index.update(tmp_path / "pipe.py")])
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "the index is stuck reading a FIFO or a device"
    assert names(index) == {"kept"}
    assert read_regular(str(tmp_path / "zero.py"), 100) is None
    assert read_regular(str(tmp_path / "app.py"), 1000) == (tmp_path / "app.py").read_bytes()
    assert read_regular(str(tmp_path / "app.py"), 10) is None  # over the limit


def test_files_beyond_the_limit_leave_shallow_ones(tmp_path: Path) -> None:
    write(tmp_path, "top.py", DEF.format(name="shallow"))
    for i in range(5):
        write(tmp_path, f"deep/er/m{i}.py", DEF.format(name=f"deep_{i}"))
    index = WorkspaceIndex(IndexLimits(max_files=2))
    index.scan([tmp_path])
    assert index.truncated and index.files == 2 and index.lookup("shallow")
