# The two set-up commands: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test unit bench clean

# One venv for both commands: requirements-test.txt includes requirements-local.txt (the local
# S3 store `make run` starts), which includes requirements.txt; a change to any reinstalls.
REQUIREMENTS := requirements.txt requirements-local.txt requirements-test.txt

$(VENV)/.installed: $(REQUIREMENTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-local.txt -r requirements-test.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m launcher

test: $(VENV)/.installed
	$(PY) -m pytest

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit

clean:
	rm -rf $(VENV) .pmis .pytest_cache
