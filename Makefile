# Contentum: `make run` serves it, `make test` tests it. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: install run test lint format argon2-native bench bench-flow bench-generation bench-instructions messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	./scripts/run.sh

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# After editing contentum/locale/ru/LC_MESSAGES/django.po (needs GNU gettext's msgfmt);
# the compiled django.mo is committed, so running Contentum does not need gettext.
messages:
	msgfmt --check -o contentum/locale/ru/LC_MESSAGES/django.mo contentum/locale/ru/LC_MESSAGES/django.po

# Opt-in, never part of `install`: rebuilds Argon2 for this machine's CPU only (see the
# script). A venv or image built so crashes on an older CPU with "illegal instruction".
argon2-native: install
	./scripts/native_argon2.sh

# Benchmarks print figures and assert nothing. The flow benchmark runs against a server
# you started (BENCH_URL); the generation ones start their own worker (Redis at REDIS_URL).
BENCH_URL ?= http://127.0.0.1:8000
bench: bench-flow bench-generation

bench-flow: install
	./scripts/bench_flow.sh $(BENCH_URL)

bench-generation: install
	$(BIN)/python -m bench

bench-instructions: install
	./scripts/flow_instructions.sh

clean:
	rm -rf $(VENV) var control .pytest_cache .ruff_cache test-artifacts
