# Two commands: `make demo` (the reference example) and `make test` (the test suite).
# Each creates .venv and installs what it needs; only python3 and make are assumed.

VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test clean

$(VENV)/.base: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

demo: $(VENV)/.base
	$(VENV)/bin/egraph-mc demo

test: $(VENV)/.dev
	$(PY) -m pytest

clean:
	rm -rf $(VENV) build *.egg-info
