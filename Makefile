# Two commands on a fresh machine with Python 3.11, git and make:
#   make run    set up .venv and run the main job on the embedded default
#   make test   set up .venv with the dev extras and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint venv dev-venv bench-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

venv: $(BIN)/python
	$(BIN)/pip install --quiet -e .

dev-venv: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	sh scripts/setup-system.sh

run: venv
	$(BIN)/sanctionwatch run

lint: dev-venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -n 2 --dist loadgroup

# The screening benchmarks compare against nomenklatura's logic-v2, whose pins conflict with
# the main environment (it downgrades duckdb), so it gets a venv of its own.
BENCH_VENV := .venv-bench
bench-venv:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/pip install --quiet -e '.[bench]'
