"""What this machine charges a round trip after an idle pause: `python -m bench.idle_wake [ROUNDS]`.

Four `SELECT 1` in a row to the machine's PostgreSQL (loopback) after 0.3 s of sleep, ROUNDS times
(default 60), with 0, 0.2, 1 and 3 ms of CPU work before each query; the median µs of each of the
four. On a VM whose idle vCPUs halt, the first message to a process that slept waits for its vCPU to
be woken; the ones right after it do not. Every request that follows a pause (a clerk's, a cold or
a warm report alike) pays that once per process on its path (docs/BENCHMARKS.md).
"""
import statistics
import sys
import time

import psycopg

from services.shared.config import setting

from .harness import record

PAUSE = 0.3
WORK_MS = (0, 0.2, 1, 3)


def busy(seconds: float) -> None:
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass


def after_pause(conn, rounds: int, pause: float = PAUSE, work_ms: float = 0) -> list[int]:
    """Median µs of each of four `SELECT 1` in a row after `pause` s of sleep, `rounds` times."""
    timings = [[] for _ in range(4)]
    for _ in range(rounds):
        time.sleep(pause)
        for query in timings:
            busy(work_ms / 1000)
            started = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            query.append(time.perf_counter() - started)
    return [round(statistics.median(query) * 1e6) for query in timings]


def main(rounds: int = 60) -> None:
    dsn = setting("PMIS_DATABASE_URL").replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, dbname="postgres", autocommit=True) as conn:  # the server's, not PMIS's tables
        results = {f"{work_ms} ms work before each": after_pause(conn, rounds, work_ms=work_ms) for work_ms in WORK_MS}
    record("idle_wake", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "),
                         "median_us_of_queries_1_to_4": results})


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
