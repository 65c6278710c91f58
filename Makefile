# Two commands on a fresh machine with Python >= 3.11 and make:
#   make run    install into .venv, migrate, load the bundled chronology, serve on 127.0.0.1:8000
#   make test   install into .venv and run the whole suite (DATABASE_URL picks the database)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_VERSION := 26.3
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test install install-test browser-deps map-deps constraints clean map-data

help:
	@echo "make run    install, migrate, load the bundled chronology, serve on http://$(HOST):$(PORT)"
	@echo "make test   install and run the whole test suite (set DATABASE_URL for PostgreSQL)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed; found " + sys.version.split()[0] + ". Set PYTHON=/path/to/python3.11.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==$(PIP_VERSION)

# Each dependency group is installed once, and again whenever the pins change.
$(VENV)/.installed-run: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt --group run
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt --group test
	@touch $@

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test browser-deps map-deps

# axe-core for the accessibility tests and Knight Lab's TimelineJS for the export test, from the
# npm registry at the versions package-lock.json pins. Without npm the browser tests that need
# them skip and say why (under CI=true they fail instead).
BROWSER_DEPS := tests/browser/node_modules/.installed
browser-deps: $(BROWSER_DEPS)
$(BROWSER_DEPS): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: skipping axe-core and TimelineJS (the tests needing them will skip)."; fi

# world-atlas (Natural Earth outlines) for the test that rebuilds events/fixtures/map_outlines.json
# and checks it matches the committed file. The site itself never needs it: it reads the
# committed file. Without npm that test skips (under CI=true it fails instead).
ATLAS := mapdata/node_modules/world-atlas/countries-110m.json
map-deps: $(ATLAS)
$(ATLAS): mapdata/package.json mapdata/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix mapdata --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: skipping world-atlas (the map data check will skip)."; fi

# Rebuild the committed map outlines after changing the projection or the world-atlas pin.
map-data: install map-deps
	$(BIN)/python manage.py build_map_data

run: export DJANGO_DEBUG ?= 1
run: export DJANGO_SITE_URL ?= http://$(HOST):$(PORT)
run: install
	$(BIN)/python manage.py compile_translations
	$(BIN)/python manage.py migrate --noinput
	@# The sources' archived texts (curators only) where the seed articles are beside the project.
	$(BIN)/python manage.py load_chronology --if-empty $(if $(wildcard ../shared/seeds),--archive ../shared/seeds)
	@echo
	@echo "  The chronology:  http://$(HOST):$(PORT)/"
	@echo "  Curators' admin: http://$(HOST):$(PORT)/admin/"
	@echo "  JSON API:        http://$(HOST):$(PORT)/api/v1/  (docs: http://$(HOST):$(PORT)/api/v1/docs)"
	@echo "  Create a login:  $(BIN)/python manage.py createsuperuser"
	@echo "                   (then add curators in the admin, in the Curators group)"
	@echo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# On every core (pytest-xdist; tests/conftest.py says how the work is split): PYTEST_WORKERS=0
# runs the suite in this one process.
PYTEST_WORKERS ?= auto
test: install-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Regenerate constraints.txt after changing a pin in pyproject.toml.
constraints:
	rm -rf $(VENV)/constraints-venv
	$(PYTHON) -m venv $(VENV)/constraints-venv
	$(VENV)/constraints-venv/bin/python -m pip install --quiet pip==$(PIP_VERSION)
	$(VENV)/constraints-venv/bin/python -m pip install --quiet --group test
	{ echo "# Exact versions of everything the dependency groups in pyproject.toml install, transitive"; \
	  echo "# dependencies included. Regenerate with: make constraints"; \
	  $(VENV)/constraints-venv/bin/python -m pip freeze; } > constraints.txt
	rm -rf $(VENV)/constraints-venv

clean:
	rm -rf $(VENV) staticfiles tests/browser/node_modules mapdata/node_modules

# The performance benchmark (bench/README.md): Lighthouse on every page type and TimelineJS side
# by side (the bundled record), then gunicorn + wrk against SQLite and PostgreSQL at 100, 10,000
# and 100,000 synthetic events. Not part of `make test`. Takes ~30 minutes; for a quick look:
#   BENCH_SIZES=100 BENCH_DATABASES=sqlite BENCH_DURATION=2 BENCH_LIGHTHOUSE=0 make bench
# Lighthouse and TimelineJS come from the npm registry at the versions bench/package-lock.json
# pins (BENCH_LIGHTHOUSE=0 leaves them out, and npm with them).
BENCH_LIGHTHOUSE ?= 1
BENCH_DEPS := bench/node_modules/.installed
$(BENCH_DEPS): bench/package.json bench/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: Lighthouse needs Node and npm (or BENCH_LIGHTHOUSE=0)."; exit 1; }
	npm ci --prefix bench --no-audit --no-fund --loglevel=error && touch $@

.PHONY: bench
bench: install $(if $(filter 0 no off false,$(BENCH_LIGHTHOUSE)),,$(BENCH_DEPS))
	BENCH_LIGHTHOUSE=$(BENCH_LIGHTHOUSE) $(BIN)/python -m bench.run
