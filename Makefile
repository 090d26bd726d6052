# The two commands: `make run` and `make test` (see README.md). Everything else is their plumbing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install -q -c requirements/constraints.txt
PACKAGES := -e libs/hubkit -e services/membership -e services/contracts -e services/finance -e services/governance -e gateway
STAMP := $(VENV)/.installed

.PHONY: run test test-dates install browser pg pdf kafka lint clean bench bench-data

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

# The in-process suites (domain rules, service APIs, the gateway with fake services): no subprocess servers, so the
# clock can be moved for them (--clock) and their databases put on SQLite (--db=sqlite).
IN_PROCESS := libs/hubkit/tests services tests/gateway -m "not browser and not e2e"
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadfile

## make test: install what is missing, make sure PostgreSQL and Chromium are there, run every suite on PostgreSQL
## today, then the in-process suites again on SQLite with the clock moved to the day's date from the sweep, then
## the demo crawl on SQLite (as make run). Every pass runs; the command fails if any did. The first pass lists its
## twenty slowest tests (where make test's time goes).
test: install browser pg pdf kafka
	@$(PYTEST) --durations=20; first=$$?; \
	$(PYTEST) --db=sqlite --clock=of-the-day $(IN_PROCESS); second=$$?; \
	$(PYTEST) --db=sqlite tests/e2e/test_demo_data.py; third=$$?; \
	[[ $$first -eq 0 && $$second -eq 0 && $$third -eq 0 ]]

## make test-dates [DATES="leap-day monday"] [DB=sqlite]: the in-process suites with the clock moved to each date
## (every one of hubkit.testing.TEST_CLOCKS by default); says which dates failed.
DB ?= postgresql
test-dates: install pg kafka
	@dates="$(DATES)"; [[ -n "$$dates" ]] || dates=$$($(BIN)/python -c 'from hubkit.testing import TEST_CLOCKS; print(*TEST_CLOCKS)'); \
	failed=; for d in $$dates; do \
	  echo "=== clock moved to $$d, databases on $(DB) ==="; \
	  $(PYTEST) -q --clock=$$d --db=$(DB) $(IN_PROCESS) || failed="$$failed $$d"; \
	done; \
	if [[ -n "$$failed" ]]; then echo "failed on:$$failed"; exit 1; fi; echo "green on every date: $$dates"

browser:
	@scripts/ensure-chromium

pdf:
	@scripts/ensure-pdf-libs

pg:
	@scripts/ensure-postgres

# Apache Kafka's broker jars from Maven Central, once, into a cache outside git (the event suites run on it too).
kafka:
	@scripts/ensure-kafka >/dev/null

bench: install pg kafka
	@$(BIN)/python bench/run.py

## make bench-data [SCALE=0.1] [RELOAD=1]: the big consortium bench/reads_at_scale.py reads (issue 16), loaded into
## PostgreSQL once (bench_big_* databases, about two minutes at full size) and reused until RELOAD=1.
SCALE ?= 1
bench-data: install pg
	@$(BIN)/python bench/_big_consortium.py --scale $(SCALE) $(if $(RELOAD),--reload)

clean:
	rm -rf $(VENV) var gateway/node_modules
