# The two commands: `make run` and `make test` (see README.md). Everything else is their plumbing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install -q -c requirements/constraints.txt
PACKAGES := -e libs/hubkit -e services/membership -e services/contracts -e services/finance -e services/governance -e gateway
STAMP := $(VENV)/.installed

.PHONY: run test install browser pg pdf lint clean bench

$(STAMP): requirements/constraints.txt requirements/dev.txt libs/hubkit/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml gateway/package.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(PIP) $(PACKAGES) -r requirements/dev.txt
	cd gateway && npm ci --no-audit --no-fund --loglevel=error
	@touch $(STAMP)

install: $(STAMP)

## make run: install what is missing, start broker + services + gateway, load demo data, print logins.
run: install pdf
	@$(BIN)/python scripts/run_hub.py

## make test: install what is missing, make sure PostgreSQL and Chromium are there, run every suite.
test: install browser pg pdf
	@$(BIN)/python -m pytest -n 2 --dist loadfile

browser:
	@scripts/ensure-chromium

pdf:
	@scripts/ensure-pdf-libs

pg:
	@scripts/ensure-postgres

bench: install pg
	@$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var gateway/node_modules
