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
	@echo "  Demo logins (password earshot-demo): admin (firm admin), lena (analyst), amy and raj (account managers)"
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

# Each bench creates, migrates and drops a PostgreSQL database of its own (bench/database.py) and
# ends with one JSON line; BENCH_BROKER_URL is a Redis database the benches may purge.
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/15
bench: install
	for b in ingest backlog nlp_throughput dashboard topics faults $(wildcard bench/explorer.py); do \
	  CELERY_BROKER_URL=$(BENCH_BROKER_URL) $(BIN)/python bench/$$(basename $$b .py).py || exit 1; \
	done
