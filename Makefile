# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check lint typecheck bench example clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed (editable) with the test extras; re-run when pyproject.toml or the C reader changes
# (an editable install builds glokal/kolada/_pages.c in place).
$(VENV)/.installed: pyproject.toml src/glokal/kolada/_pages.c | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# On first start, sync the Agenda 2030 key figures from Kolada (offline: one line, and on).
run: $(VENV)/.installed
	$(BIN)/glokal init
	$(BIN)/glokal sync kolada --if-empty --offline-ok
	$(BIN)/glokal assess --if-missing
	$(BIN)/glokal serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed
	$(BIN)/python -m pytest -n auto

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed
	$(BIN)/mypy

check: lint typecheck test

bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	PYTHONPATH=. $(BIN)/python bench/bench_reference.py
	PYTHONPATH=. $(BIN)/python bench/kolada_sync.py
	PYTHONPATH=. $(BIN)/python bench/classify.py

# An example report and static site from the Kolada replay data, into ./example/ (not committed).
example: $(VENV)/.installed
	PYTHONPATH=. $(BIN)/python bench/example_report.py example

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
