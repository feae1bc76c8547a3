# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint format install dev bench clean chromium assets leaflet translations catalogs

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "pb needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# npm packages: GOV.UK Frontend and Sass build the stylesheet the app serves; axe-core is injected
# into pages by tests/e2e (a test-only tool).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The stylesheet the app serves, from its own static files (no CDN): GOV.UK Frontend's Sass with
# the council's theme (static/src). Built, not kept in git.
static/vendor/pb.css: static/src/pb.scss static/src/_theme.scss node_modules/.installed
	@mkdir -p static/vendor
	node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules static/src/pb.scss $@

# Leaflet for the JavaScript maps, served by the app from static/vendor (gitignored; no CDN).
LEAFLET := static/vendor/leaflet/leaflet.js
$(LEAFLET): node_modules/.installed
	mkdir -p static/vendor/leaflet
	cp -R node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images static/vendor/leaflet/
	@touch $@
leaflet: $(LEAFLET)

assets: static/vendor/pb.css $(LEAFLET)
install: $(VENV)/.installed static/vendor/pb.css catalogs
dev: $(VENV)/.dev-installed node_modules/.installed static/vendor/pb.css $(LEAFLET) catalogs

# Translations (TRANSLATING.md): `make translations` extracts every marked string and updates
# pb/translations/*/LC_MESSAGES/messages.po; the compiled .mo files are built, never committed.
translations: $(VENV)/.installed
	$(BIN)/python -m pb.catalogs update
catalogs: $(VENV)/.installed
	@$(BIN)/python -m pb.catalogs compile

run: export PB_ENV ?= development
run: export BASE_URL ?= http://$(HOST):$(PORT)
run: install  ## migrate, seed the demo when the database is empty, serve on 127.0.0.1:5000 with a job worker
	@$(MAKE) --no-print-directory leaflet || echo "(npm is missing: the maps work without JavaScript)"
	$(BIN)/pb db upgrade
	$(BIN)/pb demo
	$(BIN)/pb worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
	$(BIN)/pb run --host $(HOST) --port $(PORT)

test: dev catalogs  ## the whole suite, end-to-end in Chromium too (PYTEST_ARGS='-m "not e2e"' skips those)
	@case '$(PYTEST_ARGS)' in *'not e2e'*) ;; *) $(MAKE) --no-print-directory chromium ;; esac
	$(BIN)/pytest $(PYTEST_ARGS)

# The end-to-end tests drive Debian's Chromium (Playwright never downloads a browser): install
# it with apt-get when it is missing and we may (root, as CI is); otherwise say what to do.
CHROMIUM ?= $(or $(PB_CHROMIUM),/usr/bin/chromium)
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "== installing Debian's chromium for the end-to-end tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  echo "== installing Debian's chromium for the end-to-end tests (sudo)"; \
	  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi; \
	if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Chromium is missing at $(CHROMIUM): run 'sudo apt-get install chromium' (Debian/Ubuntu) or set PB_CHROMIUM, or skip the browser tests with make test PYTEST_ARGS='-m \"not e2e\"'." >&2; \
	  exit 1; \
	fi

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy --follow-imports=silent pb/tally

format: dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: dev  ## benchmarks: figures for the README, not pass/fail
	$(BIN)/python benchmarks/tally_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache static/vendor
