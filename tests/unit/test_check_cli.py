"""``ghostline check``: formats, exit codes, directory walking with .gitignore."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ghostline.cli import main


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "bad.py").write_text("def f(:\n    return 1\n", encoding="utf-8")
    (tmp_path / "good.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "ignored").mkdir()
    (tmp_path / "ignored" / "worse.py").write_text("(((\n", encoding="utf-8")
    (tmp_path / "skip.js").write_text("let = ;\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("ignored/\n*.js\n", encoding="utf-8")
    (tmp_path / "latin1.py").write_bytes("x = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "blob.c").write_bytes(b"\x00\x01\x02binary")
    return tmp_path


def test_text_format_and_exit_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{project / 'bad.py'}:1:7: error syntax/missing missing ')'" in out
    assert not any("worse.py" in line or "skip.js" in line for line in out)
    assert any("latin1.py:1:1: warning file/encoding" in line for line in out)
    assert any("blob.c:1:1: warning file/binary" in line for line in out)


def test_clean_files_exit_zero(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project / "good.py")]) == 0
    assert capsys.readouterr().out == ""


def test_json_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--format", "json", str(project / "bad.py")])
    [finding] = json.loads(capsys.readouterr().out)
    assert finding["line"] == 1 and finding["column"] == 7
    assert {"path", "end_line", "end_column", "severity", "code", "message"} <= finding.keys()


def test_sarif_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--format", "sarif", str(project / "bad.py")])
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0"
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "syntax/missing"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_usage_errors_exit_two(project: Path) -> None:
    for argv in (
        ["check"],
        ["check", str(project / "missing.py")],
        ["check", "--format", "xml", str(project)],
    ):
        run = subprocess.run([sys.executable, "-m", "ghostline", *argv], capture_output=True, text=True)
        assert run.returncode == 2, argv
        assert "Traceback" not in run.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_named_like_source_is_reported_not_read(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    run = subprocess.run(
        [sys.executable, "-m", "ghostline", "check", str(project)], capture_output=True, text=True, timeout=60
    )
    assert "pipe.py:1:1: warning file/unreadable cannot read: not a regular file" in run.stdout, run.stdout
    assert "bad.py:1:7: error" in run.stdout
