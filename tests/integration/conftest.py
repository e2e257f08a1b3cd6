"""Fixtures for integration tests: services beyond the ones `make run` starts."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.helpers import wait_for
from tests.support.stats_events import Events, create_org, known_to_stats

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


@pytest.fixture
def tree(rpc, root_id) -> dict:
    """A fresh committee with two branches, known to the stats service."""
    committee = create_org(rpc, root_id, type_="11", name="测试党委")
    tree = {"committee": committee["id"],
            "one": create_org(rpc, committee["id"])["id"],
            "two": create_org(rpc, committee["id"])["id"]}
    for org_id in tree.values():
        wait_for(lambda: known_to_stats(rpc, org_id), bool, what=f"stats to learn org {org_id}")
    return tree


@pytest.fixture
def events(system, tree):
    """Publisher for the test; afterwards no fake member counts anywhere (even if the test failed)."""
    events = Events(system)
    yield events
    events.retire_all()


