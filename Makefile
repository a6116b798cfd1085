# `make demo` (the reference example), `make test` (the test suite), `make fuzz` (2000 random
# losses against finite differences), `make bench` (the benchmark:
# bench/results/*.json, plots and bench/REPORT.md) and `make bench-quick` (the same in under two
# minutes, into bench/results-quick/). Each creates .venv and installs what it needs; only python3
# and make are assumed.

VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test fuzz bench bench-quick clean

$(VENV)/.base: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# torch first, pinned: pip then takes its CPU build, which is all tensorgrad and the eval-speed part need
$(VENV)/.bench: $(VENV)/.base
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $@

demo: $(VENV)/.base
	$(VENV)/bin/egraph-mc demo

test: $(VENV)/.dev
	$(PY) -m pytest

# the long fuzz profiles: 2000 random losses against finite differences (bench/results/fuzz.json),
# 300 larger ones, up to 6 terms over 15 symbols (bench/results/fuzz-large.json), and 300 with
# entrywise products, exp and log-determinants (bench/results/fuzz-elementwise.json)
fuzz: $(VENV)/.dev
	$(PY) -m bench.fuzz --n 2000
	$(PY) -m bench.fuzz --n 300 --profile large --json bench/results/fuzz-large.json
	$(PY) -m bench.fuzz --n 300 --profile elementwise --json bench/results/fuzz-elementwise.json

bench: $(VENV)/.bench
	$(PY) -m bench.run

bench-quick: $(VENV)/.bench
	$(PY) -m bench.run --quick

clean:
	rm -rf $(VENV) build *.egg-info
