"""A benchmark stops what it starts (issue 19: a SIGTERM to bench.stats_scale left its services,
relays, gateway and ingesters running, and a fold still running in the database). Its children
run in sessions of their own, so only the benchmark's own cleanup can stop them. SIGTERM and
SIGINT share one handler: the whole system is started once (for SIGTERM), and both signals are
shown to reach the same cleanup with a benchmark that starts nothing."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.support.environment import LOCAL_PG

ROOT = Path(__file__).resolve().parents[2]
# What every benchmark does (bench/harness.py): run the system, here until a signal comes. With
# classic event queues, as every test system on the shared broker: the benchmarks' quorum queues,
# declared in this vhost, would stall the other test worker's connections (tests/support/environment.py).
BENCHMARK = """
import sys, time
from bench.harness import exit_code, running_system

def main():
    with running_system(PMIS_STATS_INGESTERS="1", PMIS_EVENT_QUEUE_TYPE="classic") as (system, rpc, env):
        print("up", env["PMIS_DATABASE_URL"].rsplit("/", 1)[1], flush=True)
        time.sleep(900)

sys.exit(exit_code(main))
"""


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


# What running_system does around the system: its cleanup is a `finally` inside the handlers.
CLEANUP = """
import sys, time
from bench.harness import exit_code, signals_held, stopping_on_signals

def main():
    with stopping_on_signals():
        try:
            print("up", flush=True)
            time.sleep(900)
        finally:
            with signals_held():
                print("cleaned up", flush=True)

sys.exit(exit_code(main))
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_either_signal_runs_a_benchmarks_cleanup_and_exits_128_plus_it(sig):
    benchmark = subprocess.Popen([sys.executable, "-c", CLEANUP], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True)
    try:
        assert benchmark.stdout.readline() == "up\n"
        benchmark.send_signal(sig)
        assert benchmark.wait(timeout=30) == 128 + sig
        assert benchmark.stdout.read() == "cleaned up\n"
    finally:
        if benchmark.poll() is None:
            benchmark.kill()
            benchmark.wait()


def test_a_signal_to_a_benchmark_stops_its_whole_system(tmp_path):
    sig = signal.SIGTERM
    errors = tmp_path / "stderr"
    with errors.open("w") as stderr:
        benchmark = subprocess.Popen([sys.executable, "-c", BENCHMARK], cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=stderr, text=True)
    try:
        line = benchmark.stdout.readline()
        # Why it did not start (it once failed so in a loaded CI run, with nothing to tell why).
        assert line.startswith("up "), f"the benchmark's system did not start:\n{errors.read_text()[-3000:]}"
        database = line.split()[1]
        started = children(benchmark.pid)
        assert len(started) >= 14  # 6 services, 6 relays, an ingester, the gateway (and local S3)
        benchmark.send_signal(sig)
        assert benchmark.wait(timeout=90) == 128 + sig
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in started if alive(pid)] == []
        with psycopg.connect(os.environ.get("PMIS_TEST_ADMIN_DSN", LOCAL_PG)) as conn:
            assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is None
    finally:
        if benchmark.poll() is None:
            benchmark.kill()
            benchmark.wait()
