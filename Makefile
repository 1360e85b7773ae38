# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint audit format install assets catalogues rehearse check-deploy bench-publication bench-public bench-upload clean

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed: set PYTHON=python3.11") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js and npm are needed (see README: Prerequisites)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel error
	touch $@

build/static/inspectorate.css: node_modules/.installed $(wildcard frontend/*.scss)
	npx sass --no-source-map --quiet-deps --silence-deprecation=import,global-builtin \
		--style=compressed --load-path=. frontend/inspectorate.scss $@

assets: build/static/inspectorate.css

# The Welsh catalogue, compiled without GNU gettext (inspectorate/languages.py).
catalogues: $(VENV)/.installed
	$(BIN)/python scripts/compile_catalogues.py

install: $(VENV)/.installed node_modules/.installed assets catalogues

# The demo's people sign in without a second factor; `make run DEMO_USERS_SKIP_SECOND_FACTOR=0` asks them too.
DEMO_USERS_SKIP_SECOND_FACTOR ?= 1

## make run: set up, migrate, load the demo, serve on http://127.0.0.1:$(PORT) with a worker and scheduler.
run: install
	@mkdir -p var
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 DEMO_USERS_SKIP_SECOND_FACTOR=$(DEMO_USERS_SKIP_SECOND_FACTOR) SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
		$(BIN)/python manage.py seed_demo
	@echo
	@echo "Serving http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/). Ctrl-C stops the web server, worker and scheduler."
	@echo
	DJANGO_DEBUG=1 DEMO_USERS_SKIP_SECOND_FACTOR=$(DEMO_USERS_SKIP_SECOND_FACTOR) SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile.dev start --port $(PORT)

## make test: the whole suite (SQLite and a filesystem broker unless DATABASE_URL / REDIS_URL say otherwise),
## in a process per core (TEST_PROCESSES=0 runs it in one).
TEST_PROCESSES ?= auto
test: install
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

## make audit: known vulnerabilities in the pinned packages (pip-audit), and any Bandit finding in our
## code beyond the reviewed baseline (.bandit-baseline.json; README, "Tests and CI").
audit: install
	$(BIN)/python scripts/audit_dependencies.py
	$(BIN)/bandit -c pyproject.toml -r . -q -b .bandit-baseline.json
	@echo "bandit: no finding beyond the reviewed baseline."

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: install
	DJANGO_SETTINGS_MODULE=inspectorate.settings.production DJANGO_SECRET_KEY=$$(openssl rand -hex 32) \
		DJANGO_ALLOWED_HOSTS=inspectorate.example $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules var staticfiles

## Benchmarks (printed figures, not tests): see bench/.
bench-publication: install
	$(BIN)/python bench/publication_day.py $(BENCH_ARGS)

## make bench-upload: the web worker's memory while it takes a 50 MB file from a force's liaison.
bench-upload: install
	$(BIN)/python bench/upload_memory.py $(BENCH_ARGS)

## make rehearse: the production rehearsal (scripts/rehearse.py): nginx, gunicorn, workers and beat on
## loopback, with a Redis, database and S3 of their own; a programme goes live through a killed worker
## and a Redis restart. Needs PostgreSQL on 127.0.0.1:5432 and Debian's redis-server and nginx.
rehearse: install
	bash scripts/install-nginx.sh
	$(BIN)/python scripts/rehearse.py $(REHEARSE_ARGS)

bench-public: install
	bash scripts/install-wrk.sh
	bash scripts/install-nginx.sh
	$(BIN)/python bench/public_site.py $(BENCH_ARGS)
