# The two set-up commands: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test chaos unit bench clean backup restore

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

# Two workers, each with its own database, vhost and system: one test chain leaves a core idle.
# Files stay whole on one worker (--dist loadfile), so a module's fixtures are made once.
PMIS_TEST_WORKERS ?= 2

test: $(VENV)/.installed
	$(PY) -m pytest -n $(PMIS_TEST_WORKERS) --dist loadfile

# The chaos suite (tests/chaos): its own PostgreSQL and RabbitMQ, restarted and killed while
# PMIS_CHAOS_CHANGES changes flow; CI runs it after `make test` with a bounded count.
PMIS_CHAOS_CHANGES ?= 10000

chaos: $(VENV)/.installed
	PMIS_CHAOS=1 PMIS_CHAOS_CHANGES=$(PMIS_CHAOS_CHANGES) $(PY) -m pytest -p no:xdist -s tests/chaos

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit

# Backup and restore (docs/OPERATIONS.md), with the same PMIS_* settings as the system:
# `make backup DEST=/backups/pmis-20261203`, `make restore SRC=/backups/pmis-20261203`.
backup: $(VENV)/.installed
	@test -n "$(DEST)" || { echo "用法：make backup DEST=备份目录"; exit 2; }
	$(PY) -m ops.backup "$(DEST)"

restore: $(VENV)/.installed
	@test -n "$(SRC)" || { echo "用法：make restore SRC=备份目录"; exit 2; }
	$(PY) -m ops.restore "$(SRC)"

clean:
	rm -rf $(VENV) .pmis .pytest_cache
