"""``eval repofill``: lines that use a name defined in another file, mined from small repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ghostline.cli import build_parser, main
from ghostline.commands import fill_eval
from ghostline.config import Settings
from ghostline.eval import fill, mining, repofill
from ghostline.model.fake import FakeBackend
from ghostline.model.fim import by_name

UTIL = '''"""Helpers."""


def compute_total(items):
    """The sum of the items' prices."""
    return sum(item.price for item in items)


class StoreClient:
    def fetch_orders(self, user):
        return []


def fetch_all(store):
    return store
'''
MAIN = '''"""The entry point."""

from .util import StoreClient, compute_total


def summary(user):
    client = StoreClient()
    orders = client.fetch_orders(user)
    # fetch_all is not called here: a comment
    label = "fetch_all(x)"
    return compute_total(orders)


def local_helper(x):
    return x


def twice(x):
    return local_helper(x) + local_helper(x)
'''
OTHER = """from pkg.main import summary
from pkg.util import fetch_all


def report(user):
    return fetch_all(summary(user))
"""
A_JS = """class Widget {
  render() { return 1; }
}
function makeThing(size) {
  return { size };
}
exports.Widget = Widget;
exports.makeThing = makeThing;
"""
B_JS = """const a_1 = require("./a");
function build() {
  const w = new a_1.Widget();
  return a_1.makeThing(w.render());
}
exports.build = build;
"""


def python_repo(root: Path) -> Path:
    pkg = root / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "util.py").write_text(UTIL)
    (pkg / "main.py").write_text(MAIN)
    (pkg / "other.py").write_text(OTHER)
    return pkg


def js_repo(root: Path) -> Path:
    lib = root / "thing" / "lib"
    lib.mkdir(parents=True)
    (lib / "a.js").write_text(A_JS)
    (lib / "b.js").write_text(B_JS)
    return lib


def targets(tasks: list[fill.FillTask]) -> dict[str, str]:
    return {t.target.strip(): t.name for t in tasks}


def test_python_lines_using_a_name_defined_only_in_another_file(tmp_path: Path) -> None:
    pkg = python_repo(tmp_path)
    tasks = mining.cross_file_tasks(pkg, "pkg", {"python"}, seed=0, limit=0)
    assert targets(tasks) == {
        "client = StoreClient()": "StoreClient",
        "orders = client.fetch_orders(user)": "fetch_orders",
        "return compute_total(orders)": "compute_total",
        "return fetch_all(summary(user))": "fetch_all",
    }
    # not tasks: imports, comments, strings, names this file defines or uses twice, plain words (summary)
    assert all(t.root == str(pkg) and t.uri.startswith("file://") for t in tasks)


def test_javascript_members_and_constructors_count(tmp_path: Path) -> None:
    lib = js_repo(tmp_path)
    tasks = mining.cross_file_tasks(lib, repofill.project_name(lib), {"javascript"}, seed=0, limit=0)
    assert repofill.project_name(lib) == "thing"
    assert targets(tasks) == {
        "const w = new a_1.Widget();": "Widget",
        "return a_1.makeThing(w.render());": "makeThing",
    }


def test_the_choice_is_seeded_and_one_per_file_comes_first(tmp_path: Path) -> None:
    pkg = python_repo(tmp_path)
    first = mining.cross_file_tasks(pkg, "pkg", {"python"}, seed=0, limit=2)
    assert [t.task_id for t in first] == [
        t.task_id for t in mining.cross_file_tasks(pkg, "pkg", {"python"}, 0, 2)
    ]
    assert {t.path for t in first} == {"main.py", "other.py"}
    assert [t.task_id for t in mining.cross_file_tasks(pkg, "pkg", {"python"}, 0, 3)][:2] == [
        t.task_id for t in first
    ]


def test_open_files_are_the_imported_then_the_importers(tmp_path: Path) -> None:
    pkg = python_repo(tmp_path)
    files = mining.repo_files(pkg, {"python"})
    by_path = {f.path: f for f in files}
    assert mining.related(by_path["main.py"], files, "pkg") == ["util.py", "other.py"]
    assert mining.related(by_path["other.py"], files, "pkg") == ["main.py", "util.py"]
    lib = js_repo(tmp_path)
    js = mining.repo_files(lib, {"javascript"})
    assert mining.related(next(f for f in js if f.path == "a.js"), js, "lib") == ["b.js"]


def test_each_context_sees_what_it_should(tmp_path: Path) -> None:
    pkg = python_repo(tmp_path)
    backend = FakeBackend(lambda prompt: "    return compute_total(orders)\n", fim=by_name("qwen"))
    log = fill.Log(tmp_path / "log.jsonl", "run")
    variants = ["none", "open", "workspace", "raw"]
    result = repofill.run(backend, Settings().completion, [pkg], variants, log, seed=0, limit=1)
    assert result["tasks"] == 1 and len(backend.prompts) == 4
    none, opened, workspace, raw = backend.prompts
    assert "def compute_total" not in none and "<|file_sep|>" not in raw
    assert "def compute_total" in opened  # util.py is open beside it
    assert "def compute_total(items)" in workspace and "The sum of the items' prices" in workspace
    summary = result["summary"]["pkg"]
    assert [v for v in variants if v in summary] == variants
    assert result["versus"] == ["workspace", "open"] and "wins" in summary
    repofill.run(backend, Settings().completion, [pkg], ["none"], fill.Log(log.path, "run"), seed=0, limit=1)
    assert len(backend.prompts) == 4  # resumed from the log


def test_eval_repofill_flags() -> None:
    args = build_parser().parse_args(
        fill_eval.rewrite(["eval", "repofill", "--context", "open", "--baseline", "raw"])
    )
    assert (args.command, args.context, args.baseline, args.limit) == ("eval-repofill", "open", "raw", 20)


def test_the_command_prints_and_writes_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ghostline.model import loader

    pkg = python_repo(tmp_path / "repo")
    backend = FakeBackend(lambda prompt: "    return compute_total(orders)\n", fim=by_name("qwen"))
    monkeypatch.setattr(loader, "load", lambda settings: backend)
    argv = ["eval", "repofill", "--repo", str(pkg), "--context", "none,open", "--baseline", "raw"]
    assert main([*argv, "--limit", "2", "--json", "--out", str(tmp_path / "out")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["benchmark"] == "repofill" and result["model"] == "fake" and result["tasks"] == 2
    assert set(result["summary"]["all"]) == {"none", "open", "raw", "wins", "losses"}
    assert (tmp_path / "out" / "repofill-fake-s0.json").is_file()
    assert main([*argv, "--limit", "2", "--out", str(tmp_path / "out")]) == 0
    assert "| pkg | 2 |" in capsys.readouterr().out
