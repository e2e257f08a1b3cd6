"""House trap: psycopg 3 under eventlet blocks every green thread unless its wait function is
replaced. Ten concurrent 0.5 s queries in one service must overlap (< 1.5 s in all, against
5 s if they ran one after another)."""
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.shared.context import Caller

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
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


def test_ten_concurrent_half_second_queries_overlap(system, sleeper):
    client = system.rpc.client
    context = Caller.system("concurrency").as_context_data()

    async def ten_calls():
        started = time.perf_counter()
        await asyncio.gather(*(client.call("pg_sleeper", "sleep", context, seconds=0.5) for _ in range(10)))
        return time.perf_counter() - started

    elapsed = system.rpc.run(ten_calls())
    assert elapsed < 1.5, f"10 × pg_sleep(0.5) took {elapsed:.2f} s: the green threads did not overlap"
