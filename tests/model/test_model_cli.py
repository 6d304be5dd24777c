"""``ghostline model …`` from the command line, with the real small model."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.model


def ghostline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ghostline", *args], capture_output=True, text=True, timeout=300
    )


def test_model_info_reports_prefix_only_for_smollm(smollm_path: object) -> None:
    run = ghostline("model", "info", "smollm2-135m", "--json")
    assert run.returncode == 0, run.stderr
    info = json.loads(run.stdout)
    assert info["architecture"] == "llama" and info["fim"] is None
    assert info["fim_mode"].startswith("prefix-only")


def test_model_info_reports_fim_for_qwen(qwen_path: object) -> None:
    run = ghostline("model", "info", "qwen2.5-coder-0.5b")
    assert run.returncode == 0, run.stderr
    assert "fill-in-middle: fim (qwen)" in run.stdout


def test_list_path_and_verify(smollm_path: object) -> None:
    listing = ghostline("model", "list")
    assert "smollm2-135m" in listing.stdout and "downloaded" in listing.stdout
    path = ghostline("model", "path", "smollm2-135m")
    assert path.returncode == 0 and path.stdout.strip() == str(smollm_path)
    verify = ghostline("model", "verify", "smollm2-135m")
    assert verify.returncode == 0 and "OK" in verify.stdout


def test_unknown_preset_is_one_clear_line() -> None:
    run = ghostline("model", "info", "no-such-model")
    assert run.returncode == 1
    assert "unknown model 'no-such-model'" in run.stderr and "Traceback" not in run.stderr
