"""House trap: psycopg 3 under eventlet blocks every green thread unless its wait function is
replaced. Ten concurrent 0.5 s queries in one service must overlap (< 1.5 s in all, against
5 s if they ran one after another)."""
import asyncio

from services.shared.context import Caller


def test_ten_concurrent_half_second_queries_overlap(system, sleeper):
    client = system.rpc.client
    context = Caller.system("concurrency").as_context_data()

    async def ten_calls():
        return await asyncio.gather(*(client.call("pg_sleeper", "sleep", context, seconds=0.5) for _ in range(10)))

    # When each call held its connection, by the service's clock: green threads that did not overlap
    # would have held them one at a time. Judged by the overlap, not the wall time, which a loaded
    # CI machine stretches (1.73 s against a 1.5 s bound once, with the calls overlapping).
    held = system.rpc.run(ten_calls())
    at_once = max(sum(start <= moment < end for start, end in held) for moment, _ in held)
    assert at_once >= 5, f"10 × pg_sleep(0.5): at most {at_once} at once: the green threads did not overlap"


def test_services_wait_on_the_eventlet_hub(system, sleeper):
    """Under nameko (eventlet-patched) psycopg waits with trampoline, the cheapest green wait."""
    assert system.rpc.call("pg_sleeper", "wait_function") == "wait_green"
