# The two commands a newcomer needs: `make demo` and `make test`. Everything else is a step.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STATIC := safeguarding/web/static/vendor
DEMO_SIZE ?= 2000
DEMO_SEED ?= 2023
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: demo test install assets migrate seed serve lint typecheck bench browsers clean code

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed assets

# GOV.UK Frontend and htmx from npm. This is not a GOV.UK domain, so the GDS Transport font
# is dropped (GOV.UK Frontend's rule) and the system font stack is used.
assets: node_modules/.package-lock.json
	mkdir -p $(STATIC)/govuk/assets $(STATIC)/htmx
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC)/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets/images $(STATIC)/govuk/assets/
	cp node_modules/govuk-frontend/dist/govuk/assets/manifest.json $(STATIC)/govuk/assets/
	sed -e 's#url(/assets/#url(/static/vendor/govuk/assets/#g' -e 's#"GDS Transport",##g' -e 's#GDS Transport,##g' \
	    -e 's#@font-face{[^}]*}##g' \
	    node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $(STATIC)/govuk/govuk-frontend.min.css
	cp node_modules/htmx.org/dist/htmx.min.js $(STATIC)/htmx/

node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund --loglevel=error

migrate: install
	mkdir -p var
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input

# Install, migrate SQLite, load the synthetic local authority, serve on 127.0.0.1:8000.
demo: migrate
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo --size $(DEMO_SIZE) --seed $(DEMO_SEED) --if-empty
	DJANGO_DEBUG=1 $(PY) manage.py demo_signins
	DJANGO_DEBUG=1 LOCAL_AUTHORITY_NAME="Brackenford Council (synthetic demo)" $(PY) manage.py runserver 127.0.0.1:8000

# The current security code of a demo user: make code USER=frontdoor
code:
	@DJANGO_DEBUG=1 $(PY) manage.py demo_code $(USER)

# Lint, types, then the whole suite (browser tests included). DATABASE_URL picks the
# database: SQLite by default, PostgreSQL in CI (.ci/run).
test: install browsers
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m pytest

lint:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck:
	$(VENV)/bin/mypy

# Browser tests drive Debian's Chromium (Playwright may not download a browser here).
browsers:
	@test -x /usr/bin/chromium || (command -v apt-get >/dev/null && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)) || echo "Install Chromium at /usr/bin/chromium to run the browser tests"

# The page, linkage and status flag benchmarks (docs/benchmarks.md); locust is the load tool.
bench: install
	$(PIP) install --quiet -r requirements-bench.txt
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) node_modules var $(STATIC)
