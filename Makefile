# Faire Administration — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installe

# Tests run against real services: local PostgreSQL and Redis unless the environment says otherwise.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/faireadmin)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/1)

.PHONY: run test test-e2e bench pannes profil lint format install lock clean

run: $(STAMP)  ## Installs, migrates, loads the demo data and serves on http://127.0.0.1:8000
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py demo
	@echo ""
	@echo "Ouvrez http://127.0.0.1:8000 (comptes ci-dessus). Ctrl+C pour arrêter."
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP) lint  ## The whole suite, on PostgreSQL and Redis
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

test-e2e: $(STAMP)  ## Only the browser tests (Chromium), with their screenshots in artefacts/e2e/
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest tests/e2e $(PYTEST_ARGS)

bench: $(STAMP)  ## The real stack at the stress scale under load: one JSON line per page (README)
	@command -v wrk >/dev/null || apt-get install -y -q wrk
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python bench/run.py $(BENCH_ARGS)

pannes: $(STAMP)  ## The real stack under faults (Redis stopped, frozen, restarted; a worker killed): figures (README)
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python bench/pannes.py $(PANNES_ARGS)

profil: $(STAMP)  ## Where a page spends its time, on make bench's base: make profil PAGE=/ COMPTE=agent
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python bench/profil.py $(PAGE) --compte $(or $(COMPTE),agent) -n $(or $(N),50)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy faireadmin axes sujets journees suivi

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

lock:  ## Re-resolves the dependencies into constraints.txt (then review the diff)
	rm -rf /tmp/faireadmin-lock && $(PYTHON) -m venv /tmp/faireadmin-lock
	/tmp/faireadmin-lock/bin/python -m pip install --quiet --upgrade pip
	/tmp/faireadmin-lock/bin/python -m pip install --quiet -e ".[dev]"
	/tmp/faireadmin-lock/bin/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 artefacts
