"""10 concurrent pg_sleep(0.5) RPCs in one service (the eventlet + psycopg trap), 5 rounds.
`python -m bench.db_concurrency`."""
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from services.shared.context import Caller

from .harness import ROOT, record, running_system


def main(rounds: int = 5) -> None:
    with running_system() as (system, rpc, env):
        nameko = str(Path(sys.executable).with_name("nameko"))
        process = subprocess.Popen([nameko, "run", "--config", "services/nameko.yaml",
                                    "tests.integration.sleeper_service"], cwd=ROOT,
                                   env={**os.environ, **env, "PMIS_MAX_WORKERS": "10"},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    rpc.call("pg_sleeper", "sleep", seconds=0)
                    break
                except Exception:
                    time.sleep(0.3)
            context = Caller.system("bench").as_context_data()

            async def ten():
                started = time.perf_counter()
                await asyncio.gather(*(rpc.client.call("pg_sleeper", "sleep", context, seconds=0.5)
                                       for _ in range(10)))
                return time.perf_counter() - started

            times = [rpc.run(ten()) for _ in range(rounds)]
        finally:
            process.terminate()
            process.wait()
        record("db_concurrency", {"method": "10 concurrent RPCs each running SELECT pg_sleep(0.5) in one nameko "
                                            f"service (max_workers 10), {rounds} rounds",
                                  "seconds": [round(t, 3) for t in times]})


if __name__ == "__main__":
    main()
