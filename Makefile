# kerslake-analysis — every command a user needs. `make help` lists them.
# The first run creates .venv and installs the package with the pinned dependencies
# of requirements.lock; later runs reuse it (and reinstall only when the pins change).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CODE   := src tests benchmarks notebooks tools

.DEFAULT_GOAL := help
.PHONY: help install data report screenshots test lint format lab lock clean

## help: list the targets with what they do
help:
	@echo "kerslake-analysis — make targets:"
	@awk 'BEGIN {FS = ": "} /^## / {sub(/^## /, ""); printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

## install: create .venv and install the package with pinned dependencies
install: $(STAMP)

## data: rebuild data/curated/ (from data/raw/ and data/transcriptions/) and data/registers/
data: $(STAMP)
	$(BIN)/python -m kerslake_analysis.ingest.documents.build
	$(BIN)/python -m kerslake_analysis.ingest.tracker_export

## report: render every period report, the lineage and audit pages (open reports/index.html), and the GMPP, UK SRP 2012 and NYC capital-projects examples when their data is here
report: $(STAMP)
	$(BIN)/kerslake report --all
	$(BIN)/kerslake lineage
	$(BIN)/kerslake audit
	$(if $(GMPP_DATA),$(BIN)/kerslake report --register $(GMPP_DATA) --mapping examples/gmpp/mapping.toml --out examples/gmpp/reports,@$(BIN)/kerslake examples path gmpp >/dev/null || true)
	$(if $(SRP_DATA),$(BIN)/kerslake report --register $(SRP_DATA) --mapping examples/uk-srp-2012/mapping.toml --out examples/uk-srp-2012/reports,@$(BIN)/kerslake examples path uk-srp-2012 >/dev/null || true)
	$(if $(NYC_DATA),$(BIN)/kerslake report --register $(NYC_DATA) --mapping examples/nyc-capital-projects/mapping.toml --out examples/nyc-capital-projects/reports,@$(BIN)/kerslake examples path nyc-capital-projects >/dev/null || true)

# The GMPP example data: ../shared/external/gmpp, else examples/gmpp/data (kerslake examples
# fetch gmpp); empty when absent. Expanded when the recipe runs, after .venv is installed.
GMPP_DATA = $(shell $(BIN)/kerslake examples path gmpp 2>/dev/null)
# The two real trackers (examples/uk-srp-2012, examples/nyc-capital-projects): the same way.
SRP_DATA = $(shell $(BIN)/kerslake examples path uk-srp-2012 2>/dev/null)
NYC_DATA = $(shell $(BIN)/kerslake examples path nyc-capital-projects 2>/dev/null)

## screenshots: the README's screenshots of the dashboard and an overview (docs/img/, needs chromium)
screenshots: report
	$(BIN)/python tools/screenshot_pages.py reports --out docs/img

## test: lint, then run every test and doctest
test: lint
	$(BIN)/python -m pytest

## lint: ruff lint and format check on code and notebooks
lint: $(STAMP)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

## format: apply ruff's fixes and formatting, strip notebook outputs
format: $(STAMP)
	$(BIN)/ruff check --fix $(CODE)
	$(BIN)/ruff format $(CODE)
	find notebooks src -name '*.ipynb' -exec $(BIN)/nbstripout {} +

## lab: open JupyterLab on the project for analysis
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=.

## lock: regenerate requirements.lock and environment.yml from pyproject.toml
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 --no-header --quiet -o requirements.lock
	$(BIN)/python tools/write_environment_yml.py

## clean: delete generated reports (keeps .venv and data)
clean:
	rm -rf reports
