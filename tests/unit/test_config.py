"""Settings: defaults, camelCase JSON, invalid values reported and replaced by defaults."""

from __future__ import annotations

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
