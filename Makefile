# Kopir's two commands: `make demo` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DATA := var
export KOPIR_DATA_DIR ?= $(CURDIR)/$(DATA)

.PHONY: demo test venv lint check-migrations messages compile-messages clean generate bench loadtest

# The environment is rebuilt only when the lock file or the project metadata change.
$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Kopir needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

venv: $(BIN)/.installed

## Run the West Kazakhstan demo on an embedded SQLite database.
demo: $(BIN)/.installed
	mkdir -p $(DATA)
	KOPIR_DEMO=on $(BIN)/python manage.py migrate --no-input
	KOPIR_DEMO=on KOPIR_SITE_URL=$${KOPIR_SITE_URL:-http://localhost:$(PORT)} $(BIN)/python manage.py load_demo
	KOPIR_DEMO=on KOPIR_SITE_URL=$${KOPIR_SITE_URL:-http://localhost:$(PORT)} $(BIN)/python manage.py serve --port $(PORT)

## Run the whole test suite (browser tests included where Chromium is installed).
test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Benchmarks (docs/performance.md): point DATABASE_URL at an empty PostgreSQL database, then
## `make generate PERSONS=750000` (the national scale) and `make bench`.
PERSONS ?= 20000
generate: $(BIN)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py kopir_generate --yes --persons $(PERSONS)

bench: $(BIN)/.installed
	mkdir -p $(DATA)
	$(BIN)/python manage.py kopir_bench --json $(DATA)/bench.json

## Load test (docs/performance.md): the demo behind nginx on loopback, two web processes sharing
## Redis, locust for 60 s; needs nginx and Redis. `make loadtest LOADTEST_ARGS="--users 80"`.
loadtest: $(BIN)/.installed
	$(BIN)/python loadtest/run.py $(LOADTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kopir tests loadtest

check-migrations: $(BIN)/.installed
	$(BIN)/python manage.py makemigrations --check --dry-run

## Refresh the kk, ru and en catalogues from the code (then translate what is new).
messages: $(BIN)/.installed
	cd kopir && ../$(BIN)/python ../manage.py makemessages -l kk -l ru -l en --no-location --no-obsolete -i 'tests/*'
	$(MAKE) compile-messages

## Compile the catalogues (.po → .mo) without GNU gettext, so any machine can do it.
compile-messages: $(BIN)/.installed
	$(BIN)/python -c "import glob, polib; [polib.pofile(p).save_as_mofile(p[:-2] + 'mo') for p in glob.glob('kopir/locale/*/LC_MESSAGES/*.po')]"

clean:
	rm -rf $(VENV) $(DATA)
