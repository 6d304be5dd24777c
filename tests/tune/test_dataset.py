"""``ghostline dataset build`` on a real repository: deterministic, split by file, no secrets, no copies."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from ghostline.cli import main
from ghostline.tune import dataset, files, mine
from ghostline.tune.dedup import Deduplicator
from tests.tune.repo import AWS_KEY, JWT, LOOKALIKES, PLANTED, PRIVATE_KEY

LEFT_BEHIND = {  # every secret of the test repository, and the text around the old traps
    **{kind: secret for kind, (_, secret, _) in PLANTED.items()},
    "aws-key": AWS_KEY,
    "private-key-header": "PRIVATE KEY",
    "private-key-body": PRIVATE_KEY.split("\n")[1],
    "entropy-token": "q8Zx3LmV0pRt7YwK2nBc9HsJ4dFg6AeUqTz1XoWv",
    "ignored-password": "hunter2",
}

HEX_KEY = "c0e5f4b1d7a2938e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e"
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


def test_ignored_vendored_generated_minified_files_are_left_out(built: Path) -> None:
    mined = {r["path"] for r in rows(built)}
    for path in (
        "ignored/creds.py",
        "vendor/colorsys_vendored.py",
        "messages_pb2.py",
        "bundle.min.js",
        ".env",
        "id_rsa",
    ):
        assert path not in mined
    skipped = json.loads((built / "summary.json").read_text())["files"]["skipped"]
    assert skipped["vendored"] == 1 and skipped["generated"] == 1 and skipped["minified"] == 1


def output_text(data: Path) -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(data.rglob("*")) if path.is_file())


def test_no_secret_reaches_any_output_file(built: Path) -> None:
    text = output_text(built)  # every JSONL line, files.json, doctest_files.jsonl and summary.json
    assert [kind for kind, secret in LEFT_BEHIND.items() if secret in text] == []
    assert "Bearer " + JWT[:12] not in text and "@db.internal" not in text and "ci.example.com" not in text


def test_files_holding_secrets_are_still_mined(built: Path) -> None:
    examples = rows(built)
    per_file = {path: sum(r["path"] == path for r in examples) for path in {r["path"] for r in examples}}
    planted = {name for name, _, _ in PLANTED.values()} | {"settings_local.py", "deploy.py", "tokens.py"}
    assert planted <= set(per_file), planted - set(per_file)
    assert all(per_file[p] >= 10 for p in ("textwrap.py", "difflib.py", "json/encoder.py", "client.js"))
    pairs = {(r["path"], r["name"]) for r in examples if r["kind"] == "doc-to-function"}
    assert {("client.js", "joinUrl"), ("client.js", "queryString"), ("client.js", "retry")} <= pairs
    assert ("textwrap.py", "dedent") in pairs or ("textwrap.py", "indent") in pairs
    summary = json.loads((built / "summary.json").read_text())
    assert "secret" not in summary["files"]["skipped"]
    found = summary["secrets"]
    assert found["files"] == len(planted) and found["examples_dropped"] == 0
    assert {
        "AWS Access Key",
        "Base64 High Entropy String",
        "Basic Auth Credentials",
        "Bearer Token",
        "GitHub Token",
        "Hex High Entropy String",
        "JSON Web Token",
        "Private Key",
        "Slack Token",
    } <= set(found["lines_per_kind"])


def test_examples_around_a_secret_keep_their_other_context(stdlib_repo: Path) -> None:
    source = files.classify("textwrap.py", stdlib_repo / "textwrap.py")
    assert isinstance(source, files.SourceFile) and len(source.secrets.lines) == 2
    examples = mine.fim_examples(source, 7, 50)
    lines = source.text.split("\n")
    below = sum(len(line) + 1 for line in lines[: max(source.secrets.lines) + 1])  # the line after them
    starts = [e["offset"] - len(e["prefix"]) for e in examples]
    assert below in starts  # a prefix that would reach the top of the file starts below the secrets instead
    for example, start in zip(examples, starts, strict=True):
        assert source.text[start : example["offset"]] == example["prefix"]  # still a slice of the file
        end = example["offset"] + len(example["middle"])
        assert source.text[end : end + len(example["suffix"])] == example["suffix"]


def test_lookalikes_are_not_secrets(built: Path, stdlib_repo: Path) -> None:
    source = files.classify("lookalikes.py", stdlib_repo / "lookalikes.py")
    assert isinstance(source, files.SourceFile) and not source.secrets
    text = output_text(built)
    assert "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" in text
    assert "123e4567-e89b-12d3-a456-426614174000" in text and '"#1f77b4"' in text.replace('\\"', '"')
    assert not files.looks_secret(LOOKALIKES)


@pytest.mark.parametrize("name", ["id_rsa", ".env.local", "server.pem", "credentials.json", "secrets.yaml"])
def test_secret_file_names_are_skipped(name: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text("x = 1\n")
    assert files.classify(name, tmp_path / name) == files.Skipped(name, "secret")


def test_detection_never_goes_online(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a secret detector tried to connect")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    text = "\n".join(code.format(name="X", secret=secret) for _, secret, code in PLANTED.values())
    assert files.looks_secret(text) and files.looks_secret(f'AWS = "{AWS_KEY}"')


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
    per_language = summary["examples_per_language_and_kind"]
    assert set(per_language) == {"python", "javascript"}
    total = sum(n for kinds in per_language.values() for n in kinds.values())
    assert total == sum(summary["examples"].values()) == len(rows(built))
    assert summary["tokens_approx"]["train"] > summary["target_tokens_approx"]["train"] > 0


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('KEY = "AKIAIOSFODNN7EXAMPLE"', True),
        ('api_key = "sk_live_abcdef123456"', True),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", True),
        ('PEM = """-----BEGIN ENCRYPTED PRIVATE KEY-----', True),
        ('TOKEN = "q8Zx3LmV0pRt7YwK2nBc9HsJ4dFg6AeUqTz1XoWv"', True),
        ('DB = "postgres://admin:s3cret-pw@db.example.com:5432/app"', True),
        ("client = MongoClient('mongodb://root:r00t-pw@mongo:27017/')", True),
        (f'mac = hmac.new(bytes.fromhex("{HEX_KEY}"), message, "sha256")', True),
        (f'hmac_secret = "{HEX_KEY}"', True),
        (f'headers = {{"Authorization": "Bearer {JWT}"}}', True),
        ('curl -H "Authorization: Bearer 8f3kLq0ZpX7vN2mR4tY6wB1c"', True),
        ('GH = "ghp_ddiFBjv7zQZEJNzy9gAaaaIGQY3pikLLO9Ey"', True),
        ("SLACK = 'xoxb-2048331907-4459082135-0om5o0ndct6eohhpmq2xgi4h'", True),
        (f"jwt = '{JWT}'", True),
        ('url = "https://user:hunter2-pw@example.com/private"', True),
        ('session_key = "UdtnIHHotFXEl3GoItDRvAha8iAIUmsv6DM6cx7C"', True),
        ('OPENAI_API_KEY = "sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"', True),
        ('SHA = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"', False),
        ('    sha256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"', False),
        ('ID = "123e4567-e89b-12d3-a456-426614174000"', False),
        ('COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]', False),
        ('DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"', False),
        ('password = input("password: ")', False),
        ('headers = {"Authorization": f"Bearer {token}"}', False),
        ('url = f"postgres://{user}:{password}@{host}/db"', False),
        ("def api_key(self):\n    return self._key", False),
    ],
)
def test_secret_detection(text: str, secret: bool) -> None:
    assert files.looks_secret(text) is secret
    assert files.looks_secret(text.replace("#", "//"), "snippet.js") is secret


def test_cli_builds_and_prints_a_summary(
    stdlib_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dataset", "build", str(stdlib_repo), "-o", str(tmp_path / "d"), "--seed", "7"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "examples: train" in out and "python" in out and "secrets: " in out
    assert [kind for kind, secret in LEFT_BEHIND.items() if secret in out + captured.err] == []
    assert json.loads((tmp_path / "d" / "summary.json").read_text())["seed"] == 7
    assert main(["dataset", "build", str(tmp_path / "nope"), "-o", str(tmp_path / "e")]) == 2


def test_the_names_the_files_define_are_kept_as_hashes(built: Path, stdlib_repo: Path) -> None:
    """An adapter trained on this dataset measures drift against them (``ADAPTER.gguf.json``)."""
    from ghostline.engine.workspace.index import WorkspaceIndex
    from ghostline.model.adapter_record import drift

    kept = json.loads((built / dataset.DEFINITIONS).read_text())
    assert kept["definitions"] and all(len(h) == 12 for h in kept["definitions"])
    index = WorkspaceIndex()
    index.scan([stdlib_repo])
    assert drift(kept, index.names()) < 0.2  # the same code: (almost) nothing new; left-out files add a few
    assert drift(kept, index.names() | {f"brand_new_{i}" for i in range(1000)}) > 0.5
