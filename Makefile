# CSM Portal. `make run` starts the demo on embedded defaults; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The demo: SQLite in var/, the embedded Celery broker, and the sandbox for Zendesk + Salesforce,
# with two Zendesk instances: the global one and a restricted US Government one (docs/instances.md).
DEMO_ENV := DEBUG=true DEMO=true SANDBOX=true SITE_URL=http://127.0.0.1:$(PORT) \
	ZENDESK_INSTANCES=global,usgov ZENDESK_USGOV_NAME="US Government" ZENDESK_USGOV_RESTRICTED=true
PYTEST_ARGS ?=

.PHONY: help run ticket demo-code test lint bench clean

help:
	@echo "make run    - set up and start the demo (web, worker, beat, sandbox) on http://127.0.0.1:$(PORT)"
	@echo "make ticket - in the running demo, a customer opens a ticket (ACCOUNT=\"name\" or ORG=\"name\" to choose)"
	@echo "make demo-code - the demo admin's current two-factor code (admin@example.com)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - the benchmarks in bench/ (JSON results + summary table)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

run: $(VENV)/.runtime-installed
	@mkdir -p var
	@$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	@$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  CSM Portal: http://127.0.0.1:$(PORT)/   (Ctrl-C stops everything)"
	@echo "  The worker first syncs the sandbox (a few seconds), then installs the Zendesk webhook and"
	@echo "  trigger through the sandbox's API (manage.py zendesk_webhook install, as in production);"
	@echo "  beat keeps the mirror fresh after that."
	@echo ""
	@$(DEMO_ENV) PORT=$(PORT) WEB_PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

# A customer opens a ticket through the running demo's sandbox, as the "Open a ticket as this
# customer" button does; the bell and the outbox show the notification a second later.
ticket: $(VENV)/.runtime-installed
	@$(DEMO_ENV) $(BIN)/python manage.py sandbox_ticket $(if $(ORG),--org "$(ORG)") $(if $(ACCOUNT),--account "$(ACCOUNT)")

demo-code: $(VENV)/.runtime-installed
	@$(DEMO_ENV) $(BIN)/python manage.py demo_totp_code

test: $(VENV)/.dev-installed
	@DATABASE_URL=sqlite:///:memory: $(BIN)/python manage.py makemigrations --check --dry-run --settings=tests.settings -v 0 || \
		(echo "Model changes without a migration: run makemigrations." && exit 1)
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench

clean:
	rm -rf var/celery var/test var/screenshots
