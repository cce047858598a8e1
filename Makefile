# Earshot developer commands. `make run` and `make test` are the two that matter.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1

# Tests talk to the real PostgreSQL and Redis; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/earshot
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0

.PHONY: install run test lint typecheck bench migrate demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when a requirements file changed.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo_seed

# Embedded default: SQLite + kombu's filesystem broker, web + workers + beat; Ctrl-C stops all.
run: demo
	@echo ""
	@echo "  Earshot is starting on http://127.0.0.1:$${EARSHOT_PORT:-8000}/"
	@echo "  Demo login: admin / earshot-demo (firm admin)  ·  amy / earshot-demo (account manager)"
	@echo ""
	EARSHOT_BASE_URL=$${EARSHOT_BASE_URL:-http://127.0.0.1:$${EARSHOT_PORT:-8000}} \
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho start -f Procfile.dev

test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy config feedback listening nlp

bench: install
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/nlp_throughput.py
	$(BIN)/python bench/explorer.py
