"""``eval edits``: a commit that renames a variable, replayed; the symbolic next edits are its other hunks."""

from __future__ import annotations

from pathlib import Path

from ghostline.cli import build_parser
from ghostline.commands import fill_eval
from ghostline.eval import modeledits, nextedits
from ghostline.model.fake import FakeBackend
from tests.eval.gitrepo import git_repo

BEFORE = """def area(width, height):
    total = width * height

    print("area")

    return total


def other(total):
    return total
"""


def repo(tmp_path: Path, after: str) -> Path:
    return git_repo(tmp_path / "proj", [{"shapes.py": BEFORE}, {"shapes.py": after}])


def test_a_rename_commit_is_replayed_and_its_other_hunks_offered(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        BEFORE.replace("    total = ", "    result = ").replace("return total\n\n", "return result\n\n"),
    )
    result = nextedits.run([root])
    stats = result["repositories"][f"{root} (rename)"]
    assert (stats["cases"], stats["exact"], stats["shown"], stats["matched"], stats["real"]) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert stats["precision"] == 1.0 and stats["silence"] == 0.0  # other()'s own `total` is left alone
    assert result["cases"][0]["change"] == "total -> result"


def test_an_edit_that_is_no_rename_is_no_case(tmp_path: Path) -> None:
    root = repo(tmp_path, BEFORE.replace("width * height", "width * height * 2").replace('"area"', '"size"'))
    assert all(s["cases"] == 0 for s in nextedits.run([root])["repositories"].values())


def test_eval_edits_flags() -> None:
    args = build_parser().parse_args(fill_eval.rewrite(["eval", "edits", "--repo", "x", "--commits", "9"]))
    assert (args.command, args.repo, args.commits) == ("eval-edits", ["x"], 9)


def test_the_model_engine_is_scored_against_the_commits_later_hunk(tmp_path: Path) -> None:
    after = BEFORE.replace("width * height\n", "width * height * 2\n").replace(
        "return total\n", "return total * 2\n"
    )
    root = repo(tmp_path, after)

    def answer(prompt: str) -> str:  # the model rewrites the window with the commit's second hunk made
        window = prompt.split("```python\n", 1)[1].split("\n```", 1)[0]
        return window.replace("    return total\n\n", "    return total * 2\n\n", 1) + "\n```"

    result = modeledits.run(FakeBackend(answer), [root], limit=5)
    assert result["summary"]["ghostline"]["exact"] == 1 and result["summary"]["raw"]["exact"] == 1
    assert result["summary"]["ghostline"]["precision"] == 1.0
