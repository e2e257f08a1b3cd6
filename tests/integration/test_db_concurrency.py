"""House trap: psycopg 3 under eventlet blocks every green thread unless its wait function is
replaced. Ten concurrent 0.5 s queries in one service must overlap (< 1.5 s in all, against
5 s if they ran one after another)."""
import asyncio
import time

from services.shared.context import Caller


def test_ten_concurrent_half_second_queries_overlap(system, sleeper):
    client = system.rpc.client
    context = Caller.system("concurrency").as_context_data()

    async def ten_calls():
        started = time.perf_counter()
        await asyncio.gather(*(client.call("pg_sleeper", "sleep", context, seconds=0.5) for _ in range(10)))
        return time.perf_counter() - started

    elapsed = system.rpc.run(ten_calls())
    assert elapsed < 1.5, f"10 × pg_sleep(0.5) took {elapsed:.2f} s: the green threads did not overlap"


def test_services_wait_on_the_eventlet_hub(system, sleeper):
    """Under nameko (eventlet-patched) psycopg waits with trampoline, the cheapest green wait."""
    assert system.rpc.call("pg_sleeper", "wait_function") == "wait_green"
