"""Events per second through outbox → relay → RabbitMQ → stats ingesters.
`python -m bench.events_throughput [N]`.

N members are written straight into member.members with their member_created outbox rows, in
batches of 1,000 per transaction (what N create commands would leave behind, without the cost
of N RPCs). The clock starts before the first batch and stops when the stats service's root
total reaches N; the reconcile must then find no difference.
"""
import os
import sys
import time

from tests.support.bulk import write_members
from tests.support.factories import code

from .harness import admin_client, record, running_system

BATCH = 1000


def main(n: int = 20000) -> None:
    with running_system(PMIS_STATS_INGESTERS=os.environ.get("PMIS_STATS_INGESTERS", "2")) as (system, rpc, env):
        client = admin_client(system, env)
        org = client.post("/orgs", json={"name": "压测党支部", "code": code("E"), "type": "31", "parent_id": 1}).json()
        dsn = env["PMIS_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
        started = time.perf_counter()
        write_members(dsn, org, n, batch=BATCH)
        written = time.perf_counter()
        while True:
            total = client.get(f"/orgs/{org['id']}/stats").json()["members"]["total"]
            if total >= n:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        differences = client.post("/orgs/1/stats/reconcile").json()["differences"]
        record("events_throughput", {
            "method": f"{n} member_created events via member.outbox (batches of {BATCH}), relay → RabbitMQ → "
                      f"{env['PMIS_STATS_INGESTERS']} stats ingesters (batches of up to "
                      f"{system.setting('PMIS_STATS_BATCH')}); "
                      "clock from the first batch to counters complete",
            "events": n, "seconds": round(elapsed, 2), "events_per_s": round(n / elapsed, 1),
            "writing_seconds": round(written - started, 2), "reconcile_differences": len(differences)})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
