# Everything starts from a bare python3: `make play` and `make test` create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: play test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

play: $(STAMP)
	$(BIN)/tabletop play

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check exercise tests bench
	$(BIN)/mypy exercise
	$(BIN)/lint-imports

# serve_load plays the full five minutes of issue 13's workshop (TABLETOP_BENCH_SERVE_SECONDS=30 for a quick look)
bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.serve_load

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
