# The user's front door. `make experiments` runs the suite, `make test` runs the tests.
PYTHON   ?= python3
VENV     ?= .venv
PY       := $(VENV)/bin/python
SCALE    ?= 0.1
SEED     ?= 1
RUNTIME  ?= local
EXPERIMENTS ?=
PYTEST_ARGS ?=

.PHONY: setup experiments test lint bench images clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

experiments: setup
	$(PY) -m harness suite $(EXPERIMENTS) --time-scale $(SCALE) --seed $(SEED) --runtime $(RUNTIME)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check harness targets tests bench
	$(VENV)/bin/ruff format --check harness targets tests bench
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/faultproxy.py
	$(PY) bench/bank.py
	$(PY) bench/load.py

images: setup
	$(PY) -m harness images $(if $(BASE_IMAGE),--base-image $(BASE_IMAGE),)

clean:
	rm -rf reports/runs reports/*.html reports/*.json reports/*.md
