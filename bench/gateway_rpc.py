"""RPC round trip through the gateway: HTTP → gateway → RabbitMQ RPC → org service →
PostgreSQL → back. `python -m bench.gateway_rpc [N]`.

Sequential: N GET /api/v1/orgs/{id} (one RPC each) from one client, p50/p95 of the whole HTTP
request. Concurrent: 20 clients in parallel for N requests, throughput. A warm-up of 200
requests is discarded.
"""
import asyncio
import sys
import time

import httpx

from .harness import admin_client, record, running_system, summary_ms


def sequential(client: httpx.Client, path: str, n: int) -> list[float]:
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        client.get(path).raise_for_status()
        timings.append(time.perf_counter() - started)
    return timings


async def concurrent(base: str, headers: dict, path: str, n: int, clients: int) -> float:
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30,
                                 limits=httpx.Limits(max_connections=clients)) as client:
        queue = list(range(n))

        async def worker():
            while queue:
                queue.pop()
                (await client.get(path)).raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return n / (time.perf_counter() - started)


def main(n: int = 2000) -> None:
    with running_system() as (system, rpc, env):
        client = admin_client(system, env)
        root = client.get("/orgs/1").json()["id"]
        path = f"/orgs/{root}"
        sequential(client, path, 200)
        timings = sequential(client, path, n)
        throughput = asyncio.run(concurrent(str(client.base_url), dict(client.headers), path, n, 20))
        record("gateway_rpc", {"method": f"{n} sequential GET /api/v1/orgs/{{id}} after 200 warm-up; then {n} "
                                          "requests from 20 concurrent clients", "sequential": summary_ms(timings),
                               "concurrent_20_req_per_s": round(throughput, 1)})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
