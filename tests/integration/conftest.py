"""Fixtures for integration tests: services beyond the ones `make run` starts."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sleeper(system):
    env = {**os.environ, **system.env, "PMIS_MAX_WORKERS": "10"}
    env.pop("PSYCOPG_WAIT_FUNC", None)  # the service must fix psycopg itself, not rely on the launcher
    nameko = str(Path(sys.executable).with_name("nameko"))
    process = subprocess.Popen([nameko, "run", "--config", "services/nameko.yaml",
                                "tests.integration.sleeper_service"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            system.rpc.call("pg_sleeper", "sleep", seconds=0)
            break
        except Exception:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.3)
    yield
    process.terminate()
    process.wait(timeout=10)
