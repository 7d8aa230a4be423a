# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/raqib: pyproject.toml
	@echo "setting up $(VENV) (first run only) ..."
	@$(PY) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

## demo: extract the bundled sample reports into raqib.db (SQLite) and print what was stored
demo: $(BIN)/raqib
	@rm -f raqib.db
	@$(BIN)/raqib ingest samples/ --db sqlite:///raqib.db
	@$(BIN)/raqib events --db sqlite:///raqib.db

## test: lint, then the whole test suite (PostgreSQL/browser tiers skip with a reason when absent)
test: $(BIN)/raqib
	$(BIN)/ruff check raqib tests benchmarks
	$(BIN)/python -m pytest

lint: $(BIN)/raqib
	$(BIN)/ruff check raqib tests benchmarks

clean:
	rm -rf $(VENV) raqib.db .pytest_cache
