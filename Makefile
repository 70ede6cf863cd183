# WIRnet: `make run` serves the demo, `make test` runs the whole suite. Nothing to install by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wirnet
# `make run PORT=5050` serves on another port.
PORT ?= 5000

.PHONY: run test lint format babel compile chromium axe screenshots clean install install-test bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

compile: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations -D messages

# One process with threads: the rate limits count in that process's memory (memory://),
# so a second process would double every limit. Production shares Redis instead.
run: install compile
	WIRNET_ENV=local WIRNET_PORT=$(PORT) $(FLASK) db upgrade
	WIRNET_ENV=local WIRNET_PORT=$(PORT) $(FLASK) demo-data
	@echo "WIRnet: http://127.0.0.1:$(PORT)  (log-ins in README.md; password wirnet-demo)"
	WIRNET_ENV=local WIRNET_PORT=$(PORT) $(BIN)/gunicorn --workers 1 --threads 8 \
	  --bind 127.0.0.1:$(PORT) --access-logfile - \
	  --logger-class wirnet.gunicorn_logging.RedactingLogger 'wirnet:create_app()'

chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium for the browser tests ..."; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else \
	    echo "The browser tests need Debian's chromium. Install it with:"; \
	    echo "    sudo apt-get install chromium"; \
	    exit 1; \
	  fi; \
	fi

# axe-core for the accessibility checks (tests/browser/test_axe.py), from the npm registry,
# exactly as tests/browser/axe/package-lock.json pins it. No browser is downloaded.
AXE_DIR := tests/browser/axe
AXE_JS := $(AXE_DIR)/node_modules/axe-core/axe.min.js

$(AXE_JS): $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's npm for axe-core ..."; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; \
	  else \
	    echo "The accessibility checks need npm (Node.js). Install it with:"; \
	    echo "    sudo apt-get install npm"; \
	    exit 1; \
	  fi; \
	fi
	npm ci --prefix $(AXE_DIR) --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

axe: $(AXE_JS)

test: install-test compile chromium axe
	$(BIN)/python -m pytest

# PNGs of every main page of every demo role at 360 px, in German, Arabic, Persian and
# Pashto, with an index.html: `make screenshots` (into screenshots/, some 3 minutes), or
# `make screenshots SHOTS=dir SHOT_LOCALES=de,ar`. Not part of `make test`.
SHOTS ?= screenshots
SHOT_LOCALES ?= de,ar,fa,ps
screenshots: install-test compile chromium
	$(BIN)/python -m tests.browser.screenshots --out $(SHOTS) --locales $(SHOT_LOCALES)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract messages, merge them into every catalog, compile. Then translate what is new.
babel: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
	  --add-comments=Translators: --sort-by-file --project=WIRnet -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages \
	  --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d translations -D messages

bench: install compile
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) build *.egg-info
