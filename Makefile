# Single entry points for a fresh clone:
#   make run                      install everything, migrate, load demo data, serve on :8000
#   make test [ARGS="-k access"]  install everything, run pytest (without ARGS: then the export
#                                 tests again with every export accelerator off, test-stock)
#   make lint / make format       ruff, mypy / ruff
#   make bench [ARGS="--runs 9"]   export benchmark, side by side with LibreOffice, then the
#                                 page benchmark on a smaller generated country (PAGES_ARGS)
#   make load [ARGS="--pause 10"]  deadline-day load test (PostgreSQL on 127.0.0.1, locust)
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
# Written after a successful `pip install`; rebuilt when a requirements file changes.
STAMP  := $(VENV)/.requirements.stamp
REQS   := requirements.txt requirements-dev.txt
ARGS   ?=
PAGES_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Selenium must use the Debian chromium/chromedriver, never download its own.
export SE_OFFLINE := true
export SE_AVOID_STATS := true

.PHONY: help setup system-packages deps fonts axe run test test-stock lint format bench load clean

help:
	@echo "make setup   - install system packages, create $(VENV), install requirements"
	@echo "make run     - setup, migrate, load demo data, runserver 127.0.0.1:8000 (DEBUG=true)"
	@echo "make test    - setup, run pytest (pass options with ARGS=\"...\"); without ARGS also test-stock"
	@echo "make test-stock - the export tests with every export accelerator off (EXPORT_ACCELERATORS=false)"
	@echo "make lint    - ruff check + ruff format --check + mypy + manage.py check --deploy"
	@echo "make format  - ruff check --fix + ruff format"
	@echo "make bench   - export benchmark vs targets and LibreOffice (ARGS=\"--runs 9\"), then"
	@echo "               pages vs a hello-world floor on PostgreSQL (PAGES_ARGS=\"--size tiny\")"
	@echo "make load    - deadline-day load test: 100 filers, gunicorn, PostgreSQL (ARGS=\"--pause 10\")"
	@echo "make clean   - remove $(VENV), caches and collected static files"

setup: deps fonts axe

# axe-core for the browser tests' accessibility checks (tests/browser/axe_check.py), pinned in
# tests/browser/axe/package-lock.json and installed with the machine's npm; never fetched by a test.
AXE_JS := tests/browser/axe/node_modules/axe-core/axe.min.js
axe: $(AXE_JS)

$(AXE_JS): tests/browser/axe/package.json tests/browser/axe/package-lock.json | system-packages
	npm ci --prefix tests/browser/axe --no-audit --no-fund --loglevel=error
	@touch $@

# The print font of the PDF exports (a GB2312 cut of Noto Serif CJK SC, exports/print_fonts.py):
# built once (about a minute), then a no-op until the installed fonts or the character set change.
fonts: deps
	@DEBUG=true $(PY) manage.py build_print_fonts

system-packages:
	@PYTHON="$(PYTHON)" bash scripts/install-system-packages.sh

deps: $(STAMP)

# The system packages come first: on a bare Debian they provide python3.11-venv.
$(PY): | system-packages
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(REQS) | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# The app itself needs no axe-core (a test tool): `make run` works without Node.js.
run: deps fonts
	DEBUG=true $(PY) manage.py migrate
	DEBUG=true $(PY) manage.py load_demo
	DEBUG=true $(PY) manage.py publish_demo
	DEBUG=true $(PY) manage.py store_published_files
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# The export tests run a second time with every export accelerator off (issue 16): the stock
# path, public APIs of WeasyPrint and openpyxl only, must give right files too (it is what runs
# on a library version the accelerators were not proven on). Only the export test files, to
# keep CI's time down; tests of what one accelerator does skip themselves there.
EXPORT_TESTS := tests/test_exports.py tests/test_exports_draft.py tests/test_exports_speed.py \
	tests/test_exports_xlsx.py tests/test_print_fonts.py tests/test_city_exports.py \
	tests/test_blank_templates.py tests/test_compare_seeds.py

test: setup
	$(VENV)/bin/pytest $(ARGS)
ifeq ($(strip $(ARGS)),)
	EXPORT_ACCELERATORS=false $(VENV)/bin/pytest $(EXPORT_TESTS)
endif

test-stock: setup
	EXPORT_ACCELERATORS=false $(VENV)/bin/pytest $(ARGS) $(EXPORT_TESTS)

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# Types (pyproject.toml [tool.mypy]: strict on services, selectors, layouts).
	DEBUG=true $(VENV)/bin/mypy
	@# The production settings pass Django's deployment checks (docs/security.md).
	DEBUG=false SECRET_KEY="$$($(VENV)/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  ALLOWED_HOSTS=jx.example.cn SITE_URL=https://jx.example.cn \
	  $(VENV)/bin/python manage.py check --deploy --fail-level WARNING

format: deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# bench/setup.sh makes sure LibreOffice Calc (headless) is there for the comparison (the test
# packages of scripts/install-system-packages.sh, which `setup` installs, include it).
bench: setup
	bash bench/setup.sh
	$(PY) bench/exports.py $(ARGS)
	$(PY) bench/stages.py $(ARGS)
	@# Pages through gunicorn on a generated country in a throw-away PostgreSQL database
	@# (docs/performance.md gives the national-size run).
	$(PY) bench/pages.py $(PAGES_ARGS)

# 100 filers saving at once against gunicorn on 127.0.0.1 and a throw-away PostgreSQL database
# (bench/load.py; docs/deployment.md has the figures). About two minutes.
load: setup
	$(PY) bench/load.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles tests/browser/axe/node_modules
