"""Settings: defaults, camelCase JSON, invalid values reported and replaced by defaults."""

from __future__ import annotations

import pytest

from ghostline import config


def test_defaults_when_nothing_given() -> None:
    settings, problems = config.load(None)
    assert settings == config.Settings()
    assert problems == []


def test_nested_camel_case_and_ghostline_section() -> None:
    settings, problems = config.load(
        {"ghostline": {"diagnostics": {"debounceMs": 5}, "model": {"nCtx": 2048}}}
    )
    assert problems == []
    assert settings.diagnostics.debounce_ms == 5
    assert settings.model.n_ctx == 2048
    assert settings.model.name == config.ModelSettings().name


def test_invalid_values_fall_back_one_by_one() -> None:
    raw = {
        "diagnostics": {"debounceMs": "fast", "enabled": False},
        "logLevel": "loud",
        "nope": 1,
        "model": 3,
    }
    settings, problems = config.load(raw)
    assert settings.diagnostics.debounce_ms == 150
    assert settings.diagnostics.enabled is False
    assert settings.log_level == "info"
    assert len(problems) == 4
    assert any(p.startswith("diagnostics.debounceMs") for p in problems)
    assert any(p.startswith("nope: unknown") for p in problems)
    assert any(p.startswith("model: expected an object") for p in problems)


def test_booleans_are_not_integers() -> None:
    settings, problems = config.load({"diagnostics": {"debounceMs": True}})
    assert settings.diagnostics.debounce_ms == 150
    assert problems


def test_every_setting_is_documented() -> None:
    described = config.describe()
    assert {"diagnostics.debounceMs", "model.name", "logLevel"} <= {key for key, _, _ in described}
    assert all(doc for _, _, doc in described)


def test_readme_documents_every_setting() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [key for key, _, _ in config.describe() if f"### `{key}`" not in readme]
    assert missing == []


def test_every_numeric_setting_has_a_range_holding_its_default() -> None:
    numeric = [key for key, default, _ in config.describe() if default.lstrip("-").isdigit()]
    ranges = config.ranges()
    assert sorted(ranges) == sorted(numeric)
    for key, default, doc in config.describe():
        if key in ranges:
            assert int(default) in ranges[key], key
            assert doc.endswith(f"Range: {ranges[key]}."), key  # `ghostline settings` prints it


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("diagnostics", "maxProblems", -1),  # hid the only error
        ("diagnostics", "maxProblems", 0),
        ("diagnostics", "debounceMs", float("inf")),  # what JSON's 1e400 parses to
        ("diagnostics", "debounceMs", 10**400),  # asyncio.sleep raised OverflowError
        ("diagnostics", "debounceMs", float("nan")),
        ("completion", "contextTokens", -100),  # every completion failed with -32603
        ("completion", "debounceMs", 5001),
        ("completion", "maxTokens", 0),
        ("model", "nCtx", -5),  # blamed the llama-cpp-python version
        ("model", "nThreads", 600),
        ("model", "nGpuLayers", -2),
        ("model", "seed", 2**32),
        ("complexity", "threshold", 0),
        ("remote", "timeoutMs", 99),
        ("model", "nCtx", True),
        ("model", "nCtx", 4096.0),
    ],
)
def test_out_of_range_values_fall_back_with_one_problem_naming_the_key(
    section: str, key: str, value: object
) -> None:
    settings, problems = config.load({section: {key: value}})
    assert settings == config.Settings()
    [problem] = problems
    assert problem.startswith(f"{section}.{key}: ")
    assert str(config.ranges()[f"{section}.{key}"]) in problem
    assert len(problem) < 200  # a 400-digit number is not echoed back


def test_range_bounds_are_inclusive() -> None:
    raw = {
        "diagnostics": {"maxProblems": 10_000, "debounceMs": 5000},
        "model": {"nThreads": config.MAX_THREADS, "nGpuLayers": -1, "seed": 2**32 - 1, "nCtx": 256},
    }
    settings, problems = config.load(raw)
    assert problems == []
    assert settings.diagnostics.max_problems == 10_000 and settings.model.seed == 2**32 - 1


def test_readme_gives_every_range() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    sections = {part.split("`", 1)[0]: part for part in readme.split("\n### `")[1:]}
    missing = [key for key, r in config.ranges().items() if f"range {r.low} to {r.high}" not in sections[key]]
    assert missing == []


def test_vscode_schema_declares_every_range() -> None:
    import json
    from pathlib import Path

    package = Path(__file__).parents[2] / "editor-clients" / "vscode" / "package.json"
    props = json.loads(package.read_text(encoding="utf-8"))["contributes"]["configuration"]["properties"]
    for key, bounds in config.ranges().items():
        spec = props[f"ghostline.{key}"]
        assert (spec.get("minimum"), spec.get("maximum")) == (bounds.low, bounds.high), key
