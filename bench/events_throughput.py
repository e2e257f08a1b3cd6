"""Events per second through outbox → relay → RabbitMQ → stats consumer.
`python -m bench.events_throughput [N]`.

N members are written straight into member.members with their member_created outbox rows, in
batches of 1,000 per transaction (what N create commands would leave behind, without the cost
of N RPCs). The clock starts at the first commit and stops when the stats service's root
total reaches N; the reconcile must then find no difference.
"""
import json
import sys
import time
import uuid
from datetime import date, datetime, timezone

import psycopg

from services.member.domain.id_number import check_char
from tests.support.factories import code

from .harness import admin_client, record, running_system

BATCH = 1000


def id_number(i: int) -> str:
    first17 = f"110105{date(1960, 1, 1).replace(year=1960 + i % 40):%Y%m%d}"[:14] + f"{i % 1000:03d}"
    return first17 + check_char(first17)


def write_members(dsn: str, org: dict, n: int) -> float:
    started = None
    with psycopg.connect(dsn) as conn:
        for start in range(0, n, BATCH):
            with conn.transaction():
                rows = []
                for i in range(start, min(n, start + BATCH)):
                    sex = "1" if i % 2 else "2"
                    member_id = conn.execute(
                        "INSERT INTO member.members (org_id, org_path, name, id_number, sex, birth_date, ethnicity,"
                        " category, joined_on) VALUES (%s,%s,%s,%s,%s,%s,'01','01','2000-07-01') RETURNING id",
                        (org["id"], org["path"], f"压测{i}", f"BENCH{uuid.uuid4().hex[:13]}", sex, "1980-01-01"),
                    ).fetchone()[0]
                    event = {"event_id": str(uuid.uuid4()), "type": "member_created", "aggregate_id": str(member_id),
                             "aggregate_version": 1, "occurred_at": datetime.now(timezone.utc).isoformat(),
                             "actor": "bench", "request_id": "bench",
                             "payload": {"member_id": member_id, "before": None,
                                         "after": {"org_id": org["id"], "status": "active", "sex": sex,
                                                   "category": "01", "ethnicity": "01", "birth_date": "1980-01-01",
                                                   "joined_on": "2000-07-01"}}}
                    rows.append((event["event_id"], "member_created", json.dumps(event)))
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO member.outbox (event_id, event_type, envelope) VALUES (%s,%s,%s)",
                                    rows)
            started = started or time.perf_counter()
    return started


def main(n: int = 20000) -> None:
    with running_system() as (system, rpc, env):
        client = admin_client(system, env)
        org = client.post("/orgs", json={"name": "压测党支部", "code": code("E"), "type": "31", "parent_id": 1}).json()
        dsn = env["PMIS_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
        started = write_members(dsn, org, n)
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
                      "stats consumer (one service, 10 workers); clock from first commit to counters complete",
            "events": n, "seconds": round(elapsed, 2), "events_per_s": round(n / elapsed, 1),
            "writing_seconds": round(written - started, 2), "reconcile_differences": len(differences)})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
