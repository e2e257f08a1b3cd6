"""Start a private copy of the whole system for a benchmark (own database, vhost and ports,
removed afterwards), exactly as the tests do."""
import contextlib
import json
import os
import platform
import statistics
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import httpx

from launcher.system import System
from tests.support.environment import TestEnvironment
from tests.support.rpc import SyncRpc

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ADMIN_PASSWORD = "Bench#Pass2026"


@contextlib.contextmanager
def running_system(**extra_env):
    environment = TestEnvironment()
    env = {**environment.start(), **extra_env}
    system = System(env, RESULTS / "logs" / environment.tag)
    try:
        system.start(timeout=120)
        rpc = SyncRpc(env["PMIS_AMQP_URI"], timeout=120)
        try:
            yield system, rpc, env
        finally:
            rpc.close()
    finally:
        system.stop()
        environment.stop()


def admin_client(system: System, env: dict) -> httpx.Client:
    base = f"{system.gateway_url}/api/v1"
    first = {"username": "admin", "password": env["PMIS_ADMIN_PASSWORD"]}
    wait = 60  # password hashing on a busy 2-core VM took longer than httpx's default 5 s
    token = httpx.post(f"{base}/session", json=first, timeout=wait).json()["token"]
    httpx.post(f"{base}/session/password", json={"old_password": env["PMIS_ADMIN_PASSWORD"],
                                                 "new_password": ADMIN_PASSWORD},
               headers={"Authorization": f"Bearer {token}"}, timeout=wait).raise_for_status()
    token = httpx.post(f"{base}/session", json={"username": "admin", "password": ADMIN_PASSWORD},
                       timeout=wait).json()["token"]
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
            "postgres": subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()}


def record(name: str, result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": name, "at": datetime.now(timezone.utc).isoformat(), "machine": machine(), **result}
    (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
