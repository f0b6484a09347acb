# cxlean: `make run` serves the app with demo data, `make test` runs the suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := cxlean.settings

# A Python >= 3.12: the pyenv versions named in .python-version, then python3.13/3.12/python3.
PYTHON_CANDIDATES := $(foreach v,$(shell cat .python-version 2>/dev/null),$(HOME)/.pyenv/versions/$(v)/bin/python) \
    python3.13 python3.12 python3
BASE_PYTHON := $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell command -v $(p) >/dev/null 2>&1 && $(p) -c 'import sys; print("$(p)" if sys.version_info >= (3, 12) else "")' 2>/dev/null)))

.PHONY: venv run test lint migrations-check messages demo bench clean lock datamodel screenshots backup-check machines-check

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(BASE_PYTHON)" ]; then \
		echo "cxlean needs Python 3.12 or newer; none found (tried: $(PYTHON_CANDIDATES))." >&2; \
		echo "Install one (e.g. 'pyenv install 3.12') and run make again." >&2; exit 1; fi
	@[ -x $(PY) ] || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

run: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	@echo ""
	@echo "cxlean is starting on http://127.0.0.1:$(PORT)/  (demo logins, password cxlean-demo:"
	@echo "  coordinator  employee  manager  admin)"
	@echo "  with a worker for reminders, one for exports, one for imports, and beat (Procfile)."
	PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

# Bytecode, pytest's rewritten test modules too, is kept in one folder outside the sources
# (also where PYTHONDONTWRITEBYTECODE is set), so a second run does not compile them again:
# that halves the time each worker spends collecting. `--dist loadgroup` keeps the modules
# that read the demo on one worker (tests/demo_once.py), which builds it once.
PYCACHE := $(CURDIR)/.cache/pycache
test: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(PYCACHE) $(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# ruff (style and bugs), the architecture contracts in pyproject.toml (import-linter) and
# the type check (mypy with django-stubs and djangorestframework-stubs).
lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy

migrations-check: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l sv -l en --ignore=.venv --ignore=tests --ignore=test-artifacts --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

# The manual's data-model diagrams (docs/datamodel/), generated from the models.
datamodel: $(VENV)/.installed
	$(PY) manage.py datamodel

# The manual's screenshots (docs/screenshots/), from a demo on its own SQLite database and
# port, in Debian's Chromium (scripts/screenshots.py).
SHOT_PORT ?= 8765
SHOT_DB := var/screenshots.sqlite3
screenshots: $(VENV)/.installed
	mkdir -p var && rm -f $(SHOT_DB)
	DATABASE_URL=sqlite:///$(SHOT_DB) $(PY) manage.py migrate --noinput >/dev/null
	DATABASE_URL=sqlite:///$(SHOT_DB) $(PY) manage.py demo >/dev/null
	DATABASE_URL=sqlite:///$(SHOT_DB) CELERY_TASK_ALWAYS_EAGER=true $(PY) manage.py runserver --noreload 127.0.0.1:$(SHOT_PORT) >var/screenshots.log 2>&1 & \
	server=$$!; trap 'kill $$server' EXIT; \
	for i in $$(seq 60); do $(PY) -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$(SHOT_PORT)/healthz/')" 2>/dev/null && break; sleep 1; done; \
	BASE_URL=http://127.0.0.1:$(SHOT_PORT) $(PY) scripts/screenshots.py

# The manual's backup and restore steps (docs/en/architecture.md), run as they stand on a
# scratch PostgreSQL database with the demo; the app must then serve the restored data
# (scripts/backup_restore_check.py). Needs PostgreSQL at PGHOST (127.0.0.1:5432, postgres).
backup-check: $(VENV)/.installed
	$(PY) scripts/backup_restore_check.py

# cxlean as several machines on this one (scripts/machines_check.py): two gunicorn web
# machines and a Celery worker, each with its own empty MEDIA_ROOT, sharing only a scratch
# PostgreSQL database, Redis (databases 12 and 13) and an S3 bucket (moto's server).
machines-check: $(VENV)/.installed
	$(PY) scripts/machines_check.py

bench: $(VENV)/.installed
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
