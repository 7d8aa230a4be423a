# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
# The system's CPython when it is >= 3.11 (distribution builds run raqib faster): scripts/python.sh
PY ?= $(shell sh scripts/python.sh)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench fuzz clean

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
	$(BIN)/ruff check raqib tests benchmarks fuzz scripts
	$(BIN)/python -m pytest

lint: $(BIN)/raqib
	$(BIN)/ruff check raqib tests benchmarks fuzz scripts

## fuzz: run the atheris harnesses (fuzz/) for FUZZ_SECONDS each, from the seeds in fuzz/corpus; new
## inputs and crashes go to FUZZ_WORK (a crash prints its file: run the harness on it to see why)
FUZZ_SECONDS ?= 300
FUZZ_WORK ?= $(or $(TMPDIR),/tmp)/raqib-fuzz
fuzz: $(BIN)/raqib
	@mkdir -p $(FUZZ_WORK)/html $(FUZZ_WORK)/pipeline
	$(BIN)/python fuzz/fuzz_html.py -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_WORK)/ $(FUZZ_WORK)/html fuzz/corpus/html tests/data/html
	$(BIN)/python fuzz/fuzz_pipeline.py -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_WORK)/ $(FUZZ_WORK)/pipeline fuzz/corpus/pipeline tests/data/html

clean:
	rm -rf $(VENV) raqib.db .pytest_cache
