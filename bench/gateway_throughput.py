"""The gateway's throughput beside a bare RPC round trip's (issue 18).
`python -m bench.gateway_throughput [N] [WORKERS ...]` (default 3000 requests; 1 and 2 workers).

Three figures, each N requests from 20 concurrent clients after 300 warm-up requests:
- bare: aio-pika RPC round trips with no HTTP and no nameko — 20 callers on one connection, a
  responder process answering each message at once (the ceiling of any RPC through this broker);
- trivial read: `GET /api/v1/code-tables/sex` — the session check (kept by the gateway: no RPC)
  and one RPC to the org service that reads no database;
- org read: `GET /api/v1/orgs/1` — one RPC and three queries.
The gateway figures are taken with PMIS_GATEWAY_WORKERS = each of WORKERS, a fresh system each.
The load generator runs on the same 2 cores as everything else: httpx (20 async clients in Python,
about 1 ms of CPU a request, as much as the gateway's own) and, where Debian's `wrk` is installed,
wrk (C, one thread, 20 connections, SECONDS of load): the gateway's figure with a load generator
that costs next to nothing, as a province's thousands of browsers cost the servers nothing.
"""
import asyncio
import multiprocessing
import shutil
import sys
import time
import uuid

import aio_pika
import httpx

from .gateway_cpu import CLIENTS, WrkLoad
from .harness import admin_client, record, running_system

WARM_UP = 300
QUEUE = "bench.echo"


async def _respond(uri: str, ready) -> None:
    connection = await aio_pika.connect_robust(uri)
    channel = await connection.channel()
    await channel.set_qos(prefetch_count=CLIENTS)
    queue = await channel.declare_queue(QUEUE, auto_delete=True)

    async def answer(message: aio_pika.IncomingMessage) -> None:
        await channel.default_exchange.publish(
            aio_pika.Message(b'{"result": null}', correlation_id=message.correlation_id), routing_key=message.reply_to)
        await message.ack()

    await queue.consume(answer)
    ready.set()
    await asyncio.Future()


def responder(uri: str, ready) -> None:
    asyncio.run(_respond(uri, ready))


async def bare_round_trips(uri: str, n: int) -> float:
    connection = await aio_pika.connect_robust(uri)
    async with connection:
        channel = await connection.channel()
        replies = await channel.declare_queue(exclusive=True, auto_delete=True)
        waiting: dict[str, asyncio.Future] = {}

        async def on_reply(message: aio_pika.IncomingMessage) -> None:
            waiting.pop(message.correlation_id).set_result(message.body)
            await message.ack()

        await replies.consume(on_reply)

        async def call() -> None:
            correlation = uuid.uuid4().hex
            waiting[correlation] = asyncio.get_running_loop().create_future()
            await channel.default_exchange.publish(
                aio_pika.Message(b'{"args": [], "kwargs": {}}', correlation_id=correlation, reply_to=replies.name),
                routing_key=QUEUE)
            await waiting[correlation]

        async def caller(count: int) -> None:
            for _ in range(count):
                await call()

        await asyncio.gather(*(caller(WARM_UP // CLIENTS) for _ in range(CLIENTS)))
        started = time.perf_counter()
        await asyncio.gather(*(caller(n // CLIENTS) for _ in range(CLIENTS)))
        return (n // CLIENTS * CLIENTS) / (time.perf_counter() - started)


async def http_throughput(base: str, headers: dict, path: str, n: int) -> float:
    """Requests per second; every client opens its own connections (the kernel spreads them over
    the gateway's workers)."""
    async def caller(count: int) -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
            for _ in range(count):
                (await client.get(path)).raise_for_status()

    await asyncio.gather(*(caller(WARM_UP // CLIENTS) for _ in range(CLIENTS)))
    started = time.perf_counter()
    await asyncio.gather(*(caller(n // CLIENTS) for _ in range(CLIENTS)))
    return (n // CLIENTS * CLIENTS) / (time.perf_counter() - started)


WRK_SECONDS = 20


def wrk_throughput(base: str, headers: dict, path: str, seconds: int = WRK_SECONDS) -> float | None:
    """Requests per second from wrk (None when it is not installed); every answer must be 2xx."""
    if shutil.which("wrk") is None:
        return None
    load = WrkLoad(base, headers, path, seconds)
    load.start()
    load.requests()
    return load.per_second


def measure_bare(uri: str, n: int) -> float:
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=responder, args=(uri, ready), daemon=True)
    process.start()
    try:
        if not ready.wait(60):
            raise RuntimeError("the echo responder did not start")
        return asyncio.run(bare_round_trips(uri, n))
    finally:
        process.terminate()
        process.join(10)


def main(n: int = 3000, workers: tuple[int, ...] = (1, 2)) -> None:
    results = {}
    for count in workers:
        with running_system(PMIS_GATEWAY_WORKERS=str(count)) as (system, rpc, env):
            client = admin_client(system, env)
            base, headers = str(client.base_url), dict(client.headers)
            if "bare_rpc_req_per_s" not in results:
                results["bare_rpc_req_per_s"] = round(measure_bare(env["PMIS_AMQP_URI"], n), 1)
            trivial = asyncio.run(http_throughput(base, headers, "/code-tables/sex", n))
            org = asyncio.run(http_throughput(base, headers, "/orgs/1", n))
            bare = results["bare_rpc_req_per_s"]
            results[f"workers_{count}"] = {"trivial_read_req_per_s": round(trivial, 1),
                                           "org_read_req_per_s": round(org, 1),
                                           "trivial_read_vs_bare": round(trivial / bare, 3)}
            trivial_wrk = wrk_throughput(base, headers, "/code-tables/sex")
            if trivial_wrk is not None:
                results[f"workers_{count}"].update({
                    "wrk_trivial_read_req_per_s": round(trivial_wrk, 1),
                    "wrk_org_read_req_per_s": round(wrk_throughput(base, headers, "/orgs/1"), 1),
                    "wrk_trivial_read_vs_bare": round(trivial_wrk / bare, 3)})
    record("gateway_throughput", {
        "method": f"{n} requests from {CLIENTS} concurrent clients after {WARM_UP} warm-up, per figure; bare = "
                  "aio-pika RPC round trips to a responder process that answers at once; trivial read = GET "
                  "/api/v1/code-tables/sex (kept session, one RPC, no database); org read = GET /api/v1/orgs/1; "
                  f"httpx clients in Python, and wrk_*: wrk -t1 -c{CLIENTS} for {WRK_SECONDS} s after 3 s",
        **results})


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    main(arguments[0] if arguments else 3000, tuple(arguments[1:]) or (1, 2))
