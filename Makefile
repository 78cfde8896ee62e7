# newsetl — the Makefile is the interface; CI (.ci/run) calls `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
# Use a uv already on PATH, else bootstrap a private copy into .tools/ with pip.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
SOURCES ?= data/sample
WAREHOUSE ?= warehouse

export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
# Installed packages are compiled to bytecode (uv sync --compile-bytecode): Python reads the
# .pyc files even where it may not write them (PYTHONDONTWRITEBYTECODE, a read-only venv), and
# without them every command compiles Prefect, pydantic, dbt and spaCy from source again: ~1 s
# of CPU for Prefect's import alone, half of what a run with nothing new costs
# (docs/performance.md).
export UV_COMPILE_BYTECODE := 1

.PHONY: help setup run test lint format clean

help: ## show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# The Makefile too: a venv synced before a change of how it is installed is synced again.
$(VENV)/.installed: pyproject.toml uv.lock Makefile | $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen
	@touch $@

setup: $(VENV)/.installed ## create .venv and install the locked dependencies

run: setup ## build the warehouse from data/sample (SOURCES=..., WAREHOUSE=...)
	$(VENV)/bin/newsetl run $(SOURCES) --warehouse $(WAREHOUSE)

# Two pytest-xdist workers (a module runs whole on one; tests/conftest.py groups the modules
# that share a costly session fixture); TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2

test: setup ## run the whole test suite (TEST_WORKERS=2 processes)
	$(VENV)/bin/pytest -q $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup)

lint: setup ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup ## apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## remove the environment and the warehouse data (not the sources)
	rm -rf $(VENV) .tools .prefect .pytest_cache .ruff_cache
	find $(WAREHOUSE) -mindepth 1 ! -name README.md -exec rm -rf {} +
