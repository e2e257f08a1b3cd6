"""A consumer that fails does not lose the event: nameko would ack a failed message by
default; ours is requeued and applied once the failure is gone."""
import time

import psycopg

from gateway.rpc import RemoteError
from services.shared.context import Caller
from tests.support.factories import code, member_data
from tests.support.helpers import plain_dsn, wait_for


def subtree_total(rpc, org_id: int) -> int | None:
    try:
        return rpc.call("stats", "subtree_stats", org_id=org_id)["members"]["total"]
    except RemoteError:  # the org's own event has not reached the stats service yet
        return None


def test_event_survives_a_failing_consumer(system, rpc, root_id):
    org = rpc.call("org", "create_org", data={"name": "故障注入支部", "code": code("F"), "type": "31",
                                              "parent_id": root_id})
    wait_for(lambda: subtree_total(rpc, org["id"]), lambda n: n == 0, what="the stats service to know the organization")
    dsn = plain_dsn(system)
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
    wait_for(lambda: subtree_total(rpc, org["id"]), lambda n: n == 1, what="the requeued event to be applied")
