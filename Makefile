# servicedesk: two commands on a fresh machine.
#   make run   install, migrate, load demo data, start web + Celery worker + beat (embedded default)
#   make test  install and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Absolute links in e-mails follow the chosen port (issue 17); set SITE_URL for a public address.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test install migrate demo web worker beat check messages bench clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "servicedesk needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

run: demo
	@echo ""
	@echo "  servicedesk is starting at http://$(HOST):$(PORT)/  (health: http://$(HOST):$(PORT)/healthz)"
	@echo "  Demo logins, password demo-pass-2026:"
	@echo "    agent, agent2 (hotline agents)   duty (duty manager)   manager (service manager)"
	@echo "    engineer, engineer2 (field)      callback (callback specialist)   hr   admin (Django admin)"
	@echo "  Stop with Ctrl+C."
	@echo ""
	HOST=$(HOST) PORT=$(PORT) SITE_URL=$(SITE_URL) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

test: install
	$(BIN)/pytest

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	cd $(CURDIR) && $(BIN)/python manage.py makemessages -l zh_Hans --ignore "$(VENV)/*" --ignore "var/*" --ignore "bench/*"
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore "$(VENV)/*"

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/celery var/test-media
