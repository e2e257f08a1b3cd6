"""Where a trivial authenticated read's time goes (issue 18): CPU milliseconds per request in each
process. `python -m bench.gateway_cpu [SECONDS] [PATH] [httpx|wrk]` (default 20 s of GET
/api/v1/code-tables/sex from httpx; wrk: Debian's wrk, one thread, as the load generator).

A fresh system with one gateway worker; 20 concurrent clients (in a child process, so that its
CPU is counted apart) request PATH for SECONDS after a warm-up. Each process's user+system CPU
time (/proc/PID/stat) is read before and after: the gateway, every nameko service process, the
broker (beam.smp), PostgreSQL's backends, the load generator. With 2 cores, CPU ms per request
summed over all processes ≈ 2,000 ms ÷ throughput when the cores are saturated.
"""
import asyncio
import multiprocessing
import os
import re
import subprocess
import sys
import time

import httpx

from .harness import admin_client, record, running_system

CLIENTS = 20
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def processes() -> dict[int, str]:
    """pid → a short name for every process worth counting."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command = open(f"/proc/{entry}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "beam.smp" in command:
            found[int(entry)] = "rabbitmq"
        elif command.startswith("postgres:"):
            found[int(entry)] = "postgresql"
        elif "-m gateway" in command:
            found[int(entry)] = "gateway"
        elif "service_parts:" in command:  # nameko run … services.shared.service_parts:org_answering
            found[int(entry)] = "nameko " + command.split("service_parts:", 1)[1].split()[0].replace("_", " ")
        elif "messaging.relay" in command:
            found[int(entry)] = "relays"
        elif "stats.ingest" in command:
            found[int(entry)] = "ingesters"
    return found


async def _load(base: str, headers: dict, path: str, seconds: float, counter) -> None:
    deadline = time.monotonic() + seconds

    async def caller() -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
            while time.monotonic() < deadline:
                (await client.get(path)).raise_for_status()
                with counter.get_lock():
                    counter.value += 1

    await asyncio.gather(*(caller() for _ in range(CLIENTS)))


def load(base, headers, path, seconds, counter) -> None:
    asyncio.run(_load(base, headers, path, seconds, counter))


class HttpxLoad:
    """CLIENTS async httpx clients in a spawned process (its CPU counted apart)."""
    name = "load generator (httpx)"

    def __init__(self, base: str, headers: dict, path: str, seconds: float):
        context = multiprocessing.get_context("spawn")
        warm_up = context.Process(target=load, args=(base, headers, path, 3, context.Value("l", 0)))
        warm_up.start()
        warm_up.join()
        self.counter = context.Value("l", 0)
        self.process = context.Process(target=load, args=(base, headers, path, seconds, self.counter))

    def start(self) -> int:
        self.process.start()
        return self.process.pid

    def requests(self) -> int:
        self.process.join()
        return self.counter.value


class WrkLoad:
    """wrk (C, one thread, CLIENTS connections): a load generator that costs next to nothing."""
    name = "load generator (wrk)"

    def __init__(self, base: str, headers: dict, path: str, seconds: float):
        options = [option for name, value in headers.items() for option in ("-H", f"{name}: {value}")]
        self.command = ["wrk", "-t1", f"-c{CLIENTS}", f"-d{int(seconds)}s", *options, base.rstrip("/") + path]
        subprocess.run([*self.command[:3], "-d3s", *self.command[4:]], check=True, capture_output=True)
        self.process = None

    def start(self) -> int:
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, text=True)
        return self.process.pid

    def requests(self) -> int:
        """Requests served (every answer 2xx, or it raises); wrk's own rate is kept in per_second."""
        output = self.process.communicate()[0]
        if "Non-2xx" in output or "Socket errors" in output:
            raise RuntimeError(f"wrk saw failed requests:\n{output}")
        self.per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        return int(re.search(r"(\d+) requests in", output).group(1))


def main(seconds: float = 20, path: str = "/code-tables/sex", generator_kind: str = "httpx") -> None:
    with running_system(PMIS_GATEWAY_WORKERS="1") as (system, rpc, env):
        client = admin_client(system, env)
        base, headers = str(client.base_url), dict(client.headers)
        generator = {"httpx": HttpxLoad, "wrk": WrkLoad}[generator_kind](base, headers, path, seconds)
        watched = processes()
        before = {pid: cpu_seconds(pid) for pid in watched}
        started = time.perf_counter()
        pid = generator.start()
        watched[pid] = generator.name
        before[pid] = 0.0
        # read the generator's CPU just before it ends
        time.sleep(seconds - 0.5)
        after = {pid: cpu_seconds(pid) for pid in watched}
        requests = generator.requests()
        elapsed = time.perf_counter() - started
    by_name: dict[str, float] = {}
    for pid, name in watched.items():
        by_name[name] = by_name.get(name, 0.0) + max(0.0, after.get(pid, 0.0) - before.get(pid, 0.0))
    per_request = {name: round(cpu * 1000 / requests, 3) for name, cpu in sorted(by_name.items(), key=lambda i: -i[1])
                   if cpu > 0}
    record(f"gateway_cpu_{generator_kind}", {
        "method": f"{CLIENTS} clients ({generator_kind}) requesting {path} for {seconds} s (one gateway worker); "
                  "user+system CPU of "
                  "each process from /proc before and after, divided by the requests served",
        "requests": requests, "req_per_s": round(requests / elapsed, 1),
        "cpu_ms_per_request": per_request, "cpu_ms_per_request_total": round(sum(per_request.values()), 3)})


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 20, sys.argv[2] if len(sys.argv) > 2 else "/code-tables/sex",
         sys.argv[3] if len(sys.argv) > 3 else "httpx")
