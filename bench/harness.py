"""Start a private copy of the whole system for a benchmark (own database, vhost and ports,
removed afterwards), exactly as the tests do.

The database lives on the machine's PostgreSQL (its packaged defaults: shared_buffers 128 MB,
max_wal_size 1 GB), or with PMIS_BENCH_POSTGRES=production on a private cluster on the same disk
started with the parameters the production overlay gives the CloudNativePG Cluster
(k8s/operators/postgres.yaml: shared_buffers 4 GB, max_wal_size 8 GB, wal_compression, …), so a
figure can be read both ways. Each result records which."""
import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import httpx
import yaml

from launcher.system import System
from services.shared.config import setting
from tests.support.environment import TestEnvironment
from tests.support.private_backends import PrivatePostgres
from tests.support.rpc import SyncRpc

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ADMIN_PASSWORD = "Bench#Pass2026"
PRODUCTION_CLUSTER = ROOT / "k8s" / "operators" / "postgres.yaml"


SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(Exception):
    """A signal asked the benchmark to stop: raised where it runs, so its `finally`s clean up."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stopped(signum, frame):
    raise Stopped(signum)


@contextlib.contextmanager
def stopping_on_signals():
    """SIGTERM and SIGINT raise Stopped while inside (a benchmark's children run in sessions of
    their own: a signal to the benchmark reaches none of them, only its cleanup can)."""
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def signals_held():
    """Cleanup runs to its end: a second Ctrl-C or SIGTERM is ignored meanwhile."""
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def postgres_server() -> str:
    return os.environ.get("PMIS_BENCH_POSTGRES") or "machine"


def production_settings() -> dict:
    """The server parameters of the production overlay's CloudNativePG Cluster."""
    for document in yaml.safe_load_all(PRODUCTION_CLUSTER.read_text()):
        if document and document.get("kind") == "Cluster":
            return {name: str(value) for name, value in document["spec"]["postgresql"]["parameters"].items()}
    raise LookupError(f"no Cluster in {PRODUCTION_CLUSTER}")


@contextlib.contextmanager
def database_server():
    """The admin DSN of a private production-shaped cluster (PMIS_BENCH_POSTGRES=production), or
    None for the machine's PostgreSQL."""
    if postgres_server() == "machine":
        yield None
        return
    if postgres_server() != "production":
        raise SystemExit(f"PMIS_BENCH_POSTGRES: machine or production, not {postgres_server()!r}")
    server = PrivatePostgres(production_settings())
    try:
        server.start()
        yield server.admin_dsn
    finally:
        server.close()


@contextlib.contextmanager
def running_system(**extra_env):
    """The system, stopped (every process it started, its database with any statement still
    running in it, its vhost) when the benchmark ends, fails, or gets SIGTERM or SIGINT."""
    with database_server() as server_dsn:
        with _running_system(TestEnvironment(server_dsn), extra_env) as running:
            yield running


@contextlib.contextmanager
def _running_system(environment: TestEnvironment, extra_env: dict):
    system = None
    with stopping_on_signals():
        try:
            # Background work at the priority a deployment gives it (the tests' environment turns it off).
            # and with the deployment's quorum event queues (a benchmark runs alone on the broker)
            env = {**environment.start(), "PMIS_BATCH_NICE": setting("PMIS_BATCH_NICE"),
                   "PMIS_COMPACTOR_NICE": setting("PMIS_COMPACTOR_NICE"),
                   "PMIS_EVENT_QUEUE_TYPE": setting("PMIS_EVENT_QUEUE_TYPE"),
                   "PMIS_PASSWORD_HASH_PROFILE": setting("PMIS_PASSWORD_HASH_PROFILE"), **extra_env}
            system = System(env, RESULTS / "logs" / environment.tag)
            system.start(timeout=120)
            rpc = SyncRpc(env["PMIS_AMQP_URI"], timeout=120)
            try:
                yield system, rpc, env
            finally:
                rpc.close()
        finally:
            with signals_held():
                try:
                    if system is not None:
                        system.stop()
                finally:
                    environment.stop()  # DROP DATABASE … WITH (FORCE): a fold still running ends too


def exit_code(main) -> int:
    """Run a benchmark's main: its exit code, or 128 + the signal that stopped it (what it started
    already stopped)."""
    try:
        return main() or 0
    except Stopped as stopped:
        print(f"stopped by {stopped}", file=sys.stderr)
        return 128 + stopped.signum


def admin_client(system: System, env: dict) -> httpx.Client:
    base = f"{system.gateway_url}/api/v1"
    first = {"username": "admin", "password": env["PMIS_ADMIN_PASSWORD"]}
    # Password hashing (argon2) can take seconds on a busy 2-core VM: wait longer than httpx's 5 s.
    token = httpx.post(f"{base}/session", json=first, timeout=60).json()["token"]
    httpx.post(f"{base}/session/password", json={"old_password": env["PMIS_ADMIN_PASSWORD"],
                                                 "new_password": ADMIN_PASSWORD},
               headers={"Authorization": f"Bearer {token}"}, timeout=60).raise_for_status()
    token = httpx.post(f"{base}/session", json={"username": "admin", "password": ADMIN_PASSWORD},
                       timeout=60).json()["token"]
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def clerk_client(system: System, admin: httpx.Client, org_id: int, username: str) -> httpx.Client:
    """A logged-in API client of a new staff account bound to `org_id` (its scope), past its first
    password change (the passwords of tests/support/api.py)."""
    from tests.support.api import FIRST_PASSWORD, PASSWORD

    admin.post("/accounts", json={"username": username, "password": FIRST_PASSWORD, "org_id": org_id},
               timeout=60).raise_for_status()
    base = f"{system.gateway_url}/api/v1"
    token = httpx.post(f"{base}/session", json={"username": username, "password": FIRST_PASSWORD},
                       timeout=60).json()["token"]
    httpx.post(f"{base}/session/password", json={"old_password": FIRST_PASSWORD, "new_password": PASSWORD},
               headers={"Authorization": f"Bearer {token}"}, timeout=60).raise_for_status()
    token = httpx.post(f"{base}/session", json={"username": username, "password": PASSWORD}, timeout=60).json()["token"]
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2),
            "p99_ms": round(percentile(ms, 99), 2), "mean_ms": round(statistics.fmean(ms), 2)}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "postgres": subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip(),
            "postgres_server": postgres_server()}


def record(name: str, result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": name, "at": datetime.now(timezone.utc).isoformat(), "machine": machine(), **result}
    (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
