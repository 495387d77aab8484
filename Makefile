# The two quick-start commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE ?= sample-review.db

.PHONY: install run test lint fuzz bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: install
	@test -f $(SAMPLE) || $(BIN)/review sample $(SAMPLE)
	$(BIN)/review $(SAMPLE)

lint: install
	$(BIN)/ruff check review tests benchmarks
	$(BIN)/ruff format --check review tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n auto

fuzz: install
	$(BIN)/pytest -n auto -m hypothesis --hypothesis-profile=explore -q

bench: install
	$(BIN)/python benchmarks/import_bench.py
	$(BIN)/python benchmarks/dedup_bench.py
	$(BIN)/python benchmarks/dedup_scale_bench.py

clean:
	rm -rf $(VENV) $(SAMPLE) $(SAMPLE)-wal $(SAMPLE)-shm
