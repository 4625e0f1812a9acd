# mesokg — run `make help` for the targets.
VENV   ?= .venv
PY     := $(VENV)/bin/python
MESOKG := $(VENV)/bin/mesokg
PYTHON ?= python3

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed ## make the virtual environment and install mesokg with its test tools

sysdeps: ## install Java and Chromium with apt-get if they are missing
	bash scripts/install-system-deps.sh

demo: install sysdeps ## set up (Java if missing), build the graph into dist/, answer a saved query
	$(MESOKG) build --out dist
	$(MESOKG) query substances-for-indication --param indication=androgenetic-alopecia

test: install sysdeps ## set up, lint (ruff) and run the whole test suite
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -q

bench: install ## run the benchmarks (prints ratios against baselines measured in the same run)
	$(PY) benchmarks/bench_build.py
	$(PY) benchmarks/bench_queries.py
	$(PY) benchmarks/bench_coldstart.py
	$(PY) benchmarks/bench_serve.py

clean: ## remove build outputs (keeps the virtual environment)
	rm -rf dist build *.egg-info .pytest_cache .ruff_cache

.PHONY: help install sysdeps demo test bench clean
