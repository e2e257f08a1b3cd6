"""A consumer that fails does not lose the event: nameko would ack a failed message by
default; ours is requeued and applied once the failure is gone."""
import time

import psycopg

from gateway.rpc import RemoteError

from services.shared.context import Caller
from tests.support.factories import code, member_data


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def subtree_total(rpc, org_id: int) -> int | None:
    try:
        return rpc.call("stats", "subtree_stats", org_id=org_id)["members"]["total"]
    except RemoteError:  # the org's own event has not reached the stats service yet
        return None


def wait_until(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_event_survives_a_failing_consumer(system, rpc, root_id):
    org = rpc.call("org", "create_org", data={"name": "故障注入支部", "code": code("F"), "type": "31",
                                              "parent_id": root_id})
    assert wait_until(lambda: subtree_total(rpc, org["id"]) == 0)
    dsn = plain(system.env["PMIS_DATABASE_URL"])
    with psycopg.connect(dsn, autocommit=True) as conn:
        # The stats consumer fails on every attempt while its delta table is missing.
        conn.execute("ALTER TABLE stats.counter_deltas RENAME TO counter_deltas_away")
        try:
            rpc.call("member", "create_member", caller=Caller.system("fault"), data=member_data(org["id"]))
            time.sleep(1.5)  # several delivery attempts fail meanwhile
            processed = conn.execute("SELECT count(*) FROM stats.inbox i JOIN member.outbox o "
                                     "ON o.event_id = i.event_id WHERE o.envelope->'payload'->'after'->>'org_id' = %s",
                                     (str(org["id"]),)).fetchone()[0]
            assert processed == 0, "a failed attempt must not be recorded as processed"
        finally:
            conn.execute("ALTER TABLE stats.counter_deltas_away RENAME TO counter_deltas")
    assert wait_until(lambda: subtree_total(rpc, org["id"]) == 1), "the requeued event was not applied"
