# Wijkwerk: the two commands a newcomer needs are `make run` and `make test`.
# Everything else here is a step of those two, callable on its own.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
WEB_HOST ?= 127.0.0.1
WEB_PORT ?= 8000
export WEB_HOST WEB_PORT
PYTEST_ARGS ?=
# Long random keys only for the production settings check; never used to serve anything.
DEPLOY_CHECK_ENV = ENV=production SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(64))") \
	ALLOWED_HOSTS=wijkwerk.example.org DATABASE_URL=sqlite:///$(CURDIR)/var/deploy-check.sqlite3 \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 STRIPE_FAKE=off \
	FIELD_ENCRYPTION_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(32))")
# The local fake Stripe (a development tool) is on for the demo: `make run` and its set-up steps
# start it and seed test keys for it. `make run STRIPE_FAKE=off` runs without it (no online payment
# until a coop enters its own keys). Production never has it (settings refuse it).
STRIPE_FAKE ?= on

.PHONY: help run test lint pytest setup system-deps deps dev-deps messages migrate seed logins vendor reset clean

help:
	@echo "make run    install what is missing, load the demo once, start web + worker + beat"
	@echo "make test   install what is missing, run the tests and the linters"
	@echo "make lint   ruff, mypy, djlint, import-linter, migrations check, deploy check"
	@echo "make vendor refresh static/vendor/ from npm (needs node)"
	@echo "make reset  delete the demo database (the next make run seeds again)"

# --- Set-up steps ------------------------------------------------------------------------------

system-deps:
	@PYTHON=$(PYTHON) scripts/system-deps.sh

$(PY):
	@PYTHON=$(PYTHON) scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Stamp files: pip runs again only when a requirements file changes.
$(VENV)/.requirements: requirements.txt | $(PY)
	$(PIP) install -q --require-hashes -r requirements.txt
	@touch $@

$(VENV)/.requirements-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q --require-hashes -r requirements.txt -r requirements-dev.txt
	@touch $@ $(VENV)/.requirements

deps: system-deps $(VENV)/.requirements
dev-deps: $(VENV)/.requirements-dev
	@PYTHON=$(PYTHON) WITH_BROWSER=1 scripts/system-deps.sh

# *.mo files are build products (gitignored). Skip the venv: it holds Django's own catalogues.
messages: deps
	@mkdir -p locale
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var -v 0

migrate: deps
	$(PY) manage.py migrate --noinput -v 0

seed: migrate
	@STRIPE_FAKE=$(STRIPE_FAKE) PY=$(PY) scripts/seed-once.sh

setup: deps messages migrate seed

logins:
	@scripts/demo-logins.sh http://$(WEB_HOST):$(WEB_PORT)

# --- The two commands --------------------------------------------------------------------------

run: setup
	@scripts/demo-logins.sh http://$(WEB_HOST):$(WEB_PORT)
	STRIPE_FAKE=$(STRIPE_FAKE) $(VENV)/bin/honcho -f Procfile.dev start

test: pytest lint

pytest: dev-deps messages
	@# pytest exits 5 when it collected no tests: that is a failure here, not a pass.
	@rc=0; $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

# One target per tool, so `make -k lint` reports every linter's findings in one go.
LINTERS := lint-ruff lint-format lint-mypy lint-templates lint-imports lint-migrations lint-check lint-deploy
.PHONY: $(LINTERS)
lint: $(LINTERS)

lint-ruff: dev-deps
	$(VENV)/bin/ruff check .
lint-format: dev-deps
	$(VENV)/bin/ruff format --check .
lint-mypy: dev-deps
	$(VENV)/bin/mypy .
lint-templates: dev-deps
	$(VENV)/bin/djlint templates --lint
lint-imports: dev-deps
	$(VENV)/bin/lint-imports
lint-migrations: dev-deps
	$(PY) manage.py makemigrations --check --dry-run
lint-check: dev-deps
	$(PY) manage.py check --fail-level WARNING
lint-deploy: dev-deps
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# --- Front-end assets (committed; only needed when upgrading them) ------------------------------

vendor:
	npm install --no-audit --no-fund
	scripts/vendor-static.sh

# --- Housekeeping ------------------------------------------------------------------------------

reset:
	rm -f var/db.sqlite3 var/db.sqlite3-wal var/db.sqlite3-shm var/.demo-seeded var/demo-logins.txt
	rm -rf var/broker var/celerybeat-schedule*

clean: reset
	rm -rf $(VENV) .mypy_cache .ruff_cache
