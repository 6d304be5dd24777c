# Ghostline task runner: people, CI and editors run the same targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup models demo test lint typecheck bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ctransformers]'
	touch $(STAMP)

# The models the tests and the demo use, fetched once into the user cache (sha256-verified).
models: setup
	$(BIN)/ghostline model pull smollm2-135m
	$(BIN)/ghostline model pull qwen2.5-coder-0.5b

demo: setup models
	$(BIN)/ghostline demo

lint: setup
	$(BIN)/ruff check server tests benchmarks
	$(BIN)/ruff format --check server tests benchmarks

typecheck: setup
	$(BIN)/mypy

test: setup lint typecheck models
	$(BIN)/pytest -q

bench: setup models
	$(BIN)/ghostline bench syntax
	$(BIN)/ghostline bench model

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
