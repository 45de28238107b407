# newsdesk: two set-up commands. `make demo` and `make test` each create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

QUESTION ?= What is on the Nara summit agenda?

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch first: its CPU wheel is on the machine; letting a dependency choose would pull CUDA.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsdesk ingest --samples
	$(BIN)/newsdesk ask "$(QUESTION)"

test: $(STAMP)
	$(BIN)/ruff check bot alerts retrieval ingest core storage tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
