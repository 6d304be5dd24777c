"""``ghostline dataset build`` on a real repository: deterministic, split by file, no secrets, no copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ghostline.cli import main
from ghostline.tune import dataset, files
from ghostline.tune.dedup import Deduplicator
from tests.tune.repo import AWS_KEY

SPLITS = ("train", "validation", "test")


@pytest.fixture(scope="module")
def built(stdlib_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("data")
    dataset.build(stdlib_repo, out, seed=7)
    return out


def rows(data: Path) -> list[dict[str, str]]:
    return [r for name in SPLITS for r in dataset.read_split(data, name)]


def test_two_builds_are_identical(built: Path, stdlib_repo: Path, tmp_path: Path) -> None:
    dataset.build(stdlib_repo, tmp_path, seed=7)
    for name in [f"{s}.jsonl" for s in SPLITS] + ["files.json", "doctest_files.jsonl", "summary.json"]:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_another_seed_splits_differently(built: Path, stdlib_repo: Path, tmp_path: Path) -> None:
    dataset.build(stdlib_repo, tmp_path, seed=8)
    assert (tmp_path / "files.json").read_text() != (built / "files.json").read_text()


def test_splits_share_no_file(built: Path) -> None:
    by_split = json.loads((built / "files.json").read_text())
    sets = {name: set(by_split[name]) for name in SPLITS}
    assert all(sets.values()), by_split
    assert not (
        sets["train"] & sets["validation"]
        or sets["train"] & sets["test"]
        or sets["validation"] & sets["test"]
    )
    for name in SPLITS:
        examples = dataset.read_split(built, name)
        assert examples and {r["path"] for r in examples} <= sets[name]


def test_secret_ignored_vendored_generated_minified_files_are_left_out(built: Path) -> None:
    mined = {r["path"] for r in rows(built)}
    for path in (
        "settings_local.py",
        "deploy.py",
        "tokens.py",
        "ignored/creds.py",
        "vendor/colorsys_vendored.py",
        "messages_pb2.py",
        "bundle.min.js",
        ".env",
        "id_rsa",
    ):
        assert path not in mined
    text = (built / "train.jsonl").read_text() + (built / "validation.jsonl").read_text()
    text += (built / "test.jsonl").read_text()
    assert AWS_KEY not in text and "PRIVATE KEY" not in text and "hunter2" not in text
    skipped = json.loads((built / "summary.json").read_text())["files"]["skipped"]
    assert skipped["secret"] == 3 and skipped["vendored"] == 1
    assert skipped["generated"] == 1 and skipped["minified"] == 1


def test_near_duplicate_file_and_examples_are_removed(built: Path) -> None:
    summary = json.loads((built / "summary.json").read_text())
    assert summary["duplicates_removed"]["files_near"] == 1
    listed = [p for paths in json.loads((built / "files.json").read_text()).values() for p in paths]
    assert ("json/scanner.py" in listed) != ("json/scanner_copy.py" in listed)
    ids = [r["id"] for r in rows(built)]
    assert len(ids) == len(set(ids))


def test_deduplicator_rejects_renamed_copies_and_keeps_new_code() -> None:
    source = (Path(dataset.__file__).parent / "dedup.py").read_text()
    seen = Deduplicator()
    assert seen.add(source)
    assert not seen.add(source.replace("    ", "  "))  # exact after normalisation
    assert not seen.add(source.replace("threshold", "limit", 1))  # near
    assert seen.add((Path(dataset.__file__).parent / "mine.py").read_text())
    assert (seen.exact_duplicates, seen.near_duplicates) == (1, 1)


def test_examples_are_syntax_aligned(built: Path) -> None:
    examples = rows(built)
    kinds = {r["kind"] for r in examples}
    assert {
        "fim-line",
        "fim-expression",
        "fim-block",
        "fim-body",
        "doc-to-function",
        "function-to-doc",
    } <= kinds
    for r in examples:
        if r["kind"] in ("fim-block", "fim-body"):
            assert (
                r["prefix"].endswith(r["prefix"].rsplit("\n", 1)[-1])
                and not r["prefix"].rsplit("\n", 1)[-1].strip()
            )
            assert r["mode"] == "multi"
        if r["kind"] == "fim-line":
            assert "\n" not in r["middle"] and r["suffix"].split("\n", 1)[0].strip() in ("", ")", "]", "}")
    pair = next(r for r in examples if r["kind"] == "function-to-doc")
    assert pair["completion"] and '"""' not in pair["completion"] and pair["name"] in pair["prompt"]


def test_summary_counts_languages_kinds_and_tokens(built: Path) -> None:
    summary = json.loads((built / "summary.json").read_text())
    per_kind = summary["examples_per_language_and_kind"]["python"]
    assert sum(per_kind.values()) == sum(summary["examples"].values()) == len(rows(built))
    assert summary["tokens_approx"]["train"] > summary["target_tokens_approx"]["train"] > 0


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('KEY = "AKIAIOSFODNN7EXAMPLE"', True),
        ('api_key = "sk_live_abcdef123456"', True),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", True),
        ('TOKEN = "q8Zx3LmV0pRt7YwK2nBc9HsJ4dFg6AeUqTz1XoWv"', True),
        ('SHA = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"', False),
        ('password = input("password: ")', False),
        ("def api_key(self):\n    return self._key", False),
    ],
)
def test_secret_detection(text: str, secret: bool) -> None:
    assert files.looks_secret(text) is secret


def test_cli_builds_and_prints_a_summary(
    stdlib_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dataset", "build", str(stdlib_repo), "-o", str(tmp_path / "d"), "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "examples: train" in out and "python" in out
    assert json.loads((tmp_path / "d" / "summary.json").read_text())["seed"] == 7
    assert main(["dataset", "build", str(tmp_path / "nope"), "-o", str(tmp_path / "e")]) == 2
