"""``eval editfill``: a git history replayed hunk by hunk, later lines typed with the earlier edits shown."""

from __future__ import annotations

from pathlib import Path

from ghostline.cli import build_parser
from ghostline.commands import fill_eval
from ghostline.config import Settings
from ghostline.engine.edits import unified
from ghostline.eval import editfill, fill, history
from ghostline.model.fake import FakeBackend
from ghostline.model.fim import by_name
from tests.eval.gitrepo import git_repo

BEFORE = """import os


def load(path):
    return open(path).read()


def size(path):
    return os.path.getsize(path)


def main():
    print(load("a"))
    print(size("a"))
"""
AFTER = """import os
import pathlib


def load(path):
    return pathlib.Path(path).read_text()


def size(path):
    return pathlib.Path(path).stat().st_size


def main():
    print(load("a"))
"""


def repo(tmp_path: Path) -> Path:
    """A repository of two commits: the second changes ``app.py`` in four places."""
    versions = [
        {"app.py": text, "notes.txt": text} for text in (BEFORE, AFTER)
    ]  # notes.txt: no code, no task
    return git_repo(tmp_path / "proj", versions)


def test_the_hunks_of_a_commit_rebuild_the_file(tmp_path: Path) -> None:
    changes = list(history.changes(repo(tmp_path), {"python"}))
    assert [c.path for c in changes] == ["app.py"]  # the first commit has no parent; notes.txt is no code
    change = changes[0]
    assert change.before == BEFORE and change.apply(change.hunks) == AFTER
    kinds = [(len(h.old), len(h.new)) for h in change.hunks]
    assert kinds == [(0, 1), (1, 1), (1, 1), (1, 0)]  # an insertion, two replacements, a deletion
    assert change.apply(change.hunks[:1]).split("\n")[:3] == ["import os", "import pathlib", ""]


def test_a_task_is_a_later_hunks_line_typed_after_the_earlier_hunks(tmp_path: Path) -> None:
    root = repo(tmp_path)
    task = editfill.task_of(next(history.changes(root, {"python"})), "proj", str(root))
    assert task is not None and len(task.done) == 1
    assert task.fill.target == "    return pathlib.Path(path).read_text()"
    text, offset = task.fill.gapped()
    assert "import pathlib" in text  # the first hunk is made
    assert "return open(path)" not in text and "os.path.getsize" in text  # later ones are not
    assert text[offset - 1 : offset + 1] == "\n\n"  # the line is empty, the cursor at its start
    (made,) = editfill.edit_log(task).recent(3)  # what the server's log would hold
    assert unified(made, "app.py").splitlines()[2:] == ["@@ -2,0 +2,1 @@", "+import pathlib"]


def test_only_the_edits_variant_shows_the_earlier_hunks(tmp_path: Path) -> None:
    root = repo(tmp_path)
    backend = FakeBackend(lambda prompt: "    return pathlib.Path(path).read_text()\n", fim=by_name("qwen"))
    log = fill.Log(tmp_path / "log.jsonl", "run")
    result = editfill.run(backend, Settings().completion, [root], ["none", "edits", "raw"], log, limit=5)
    assert result["tasks"] == 1 and len(backend.prompts) == 3
    none, edits, raw = backend.prompts
    assert "recent_edits.diff" in edits and "+import pathlib" in edits
    assert "recent_edits.diff" not in none and "<|file_sep|>" not in raw
    assert result["summary"]["all"]["edits"]["exact"] == 1 and result["versus"] == ["edits", "none"]


def test_eval_editfill_flags() -> None:
    argv = fill_eval.rewrite(["eval", "editfill", "--repo", "x", "--baseline", "raw", "--limit", "3"])
    args = build_parser().parse_args(argv)
    assert (args.command, args.repo, args.baseline, args.limit) == ("eval-editfill", ["x"], "raw", 3)
