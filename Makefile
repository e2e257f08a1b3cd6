# The two set-up commands: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test unit bench clean

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m launcher

test: $(VENV)/.installed
	$(PY) -m pytest

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit

clean:
	rm -rf $(VENV) .pmis .pytest_cache
