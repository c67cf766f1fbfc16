# Developer entry points. Each target installs the project into .venv first if needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve test lint bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The API on embedded defaults (PostgreSQL in FITCOACH_DATA_DIR, caches in process); FITCOACH_* settings
# apply, and SERVE_ARGS is passed on, e.g. `make serve SERVE_ARGS='--port 8080'`. Ctrl-C stops it.
serve: $(STAMP)
	$(BIN)/fitcoach serve $(SERVE_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/eventstore.py
	$(BIN)/python bench/projections.py
	$(BIN)/python bench/catchup.py
	$(BIN)/python bench/graphql.py
	$(BIN)/python bench/library.py
	$(BIN)/python bench/coach.py
	$(BIN)/python bench/audit.py
