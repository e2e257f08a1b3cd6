"""A consumer that fails does not lose the event: it is retried a few times (applied once the
failure is gone), then parked in its dead-letter queue — not requeued forever — where the dlq
command lists it and, after the cause is fixed, replays it to be applied exactly once."""
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from gateway.rpc import RemoteError
from services.shared.context import Caller
from tests.support.factories import code, member_data
from tests.support.helpers import plain_dsn, wait_for
from tests.support.stats_events import facts, member_event

ROOT = Path(__file__).resolve().parents[2]
CREATED_QUEUE = "evt-member-member_created--stats.on_member_created"


def subtree_total(rpc, org_id: int) -> int | None:
    try:
        return rpc.call("stats", "subtree_stats", org_id=org_id)["members"]["total"]
    except RemoteError:  # the org's own event has not reached the stats service yet
        return None


def dlq(system, *args) -> list[list[str]]:
    """Run the dlq command against the test system; its lines, split into fields."""
    done = subprocess.run([sys.executable, "-m", "services.shared.messaging.dlq", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **system.env}, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return [line.split("\t") for line in done.stdout.splitlines() if line]


def conn_of(system):
    return psycopg.connect(plain_dsn(system), autocommit=True)


def processed_for(conn, org_id: int) -> int:
    return conn.execute("SELECT count(*) FROM stats.inbox i JOIN member.outbox o ON o.event_id = i.event_id "
                        "WHERE o.envelope->'payload'->'after'->>'org_id' = %s", (str(org_id),)).fetchone()[0]


def new_branch(system, rpc, root_id, name: str) -> dict:
    """A branch whose own event the stats service has applied (before its tables are broken)."""
    org = rpc.call("org", "create_org", data={"name": name, "code": code("F"), "type": "31", "parent_id": root_id})
    with conn_of(system) as conn:
        wait_for(lambda: conn.execute("SELECT version FROM stats.orgs WHERE id = %s", (org["id"],)).fetchone(),
                 lambda row: row and row[0] > 0, what="the stats service to know the organization")
    return org


def test_event_survives_a_failing_consumer(system, rpc, root_id):
    org = new_branch(system, rpc, root_id, "故障注入支部")
    with psycopg.connect(plain_dsn(system), autocommit=True) as conn:
        # The stats consumer fails on every attempt while its delta table is missing.
        conn.execute("ALTER TABLE stats.counter_deltas RENAME TO counter_deltas_away")
        try:
            rpc.call("member", "create_member", caller=Caller.system("fault"), data=member_data(org["id"]))
            time.sleep(0.7)  # one or two attempts fail meanwhile, fewer than the limit of 4
            assert processed_for(conn, org["id"]) == 0, "a failed attempt must not be recorded as processed"
        finally:
            conn.execute("ALTER TABLE stats.counter_deltas_away RENAME TO counter_deltas")
    wait_for(lambda: subtree_total(rpc, org["id"]), lambda n: n == 1, what="the retried event to be applied")
    with conn_of(system) as conn:
        assert processed_for(conn, org["id"]) == 1


def test_a_poison_event_is_parked_listed_and_replayed_exactly_once(system, rpc, root_id):
    org = new_branch(system, rpc, root_id, "死信队列支部")
    with psycopg.connect(plain_dsn(system), autocommit=True) as conn:
        conn.execute("ALTER TABLE stats.counter_deltas RENAME TO counter_deltas_away")
        try:
            member = rpc.call("member", "create_member", caller=Caller.system("fault"), data=member_data(org["id"]))
            event_id = conn.execute("SELECT event_id::text FROM member.outbox WHERE event_type = 'member_created' "
                                    "AND envelope->'payload'->'after'->>'org_id' = %s", (str(org["id"]),)).fetchone()[0]
            parked = wait_for(lambda: dlq(system, "list", "--queue", CREATED_QUEUE, "--id", event_id), bool,
                              what="the poison event to be parked")
            assert parked[0][:4] == [CREATED_QUEUE, event_id, "member_created", "4"]
            assert "counter_deltas" in parked[0][5]  # why it was parked
            time.sleep(1.5)  # parked means given up on: no more attempts, nothing applied
            assert processed_for(conn, org["id"]) == 0
            assert dlq(system, "list", "--queue", CREATED_QUEUE, "--id", event_id) == parked  # listing keeps it
        finally:
            conn.execute("ALTER TABLE stats.counter_deltas_away RENAME TO counter_deltas")
        assert subtree_total(rpc, org["id"]) == 0  # fixing the cause alone does not bring it back

        assert [row[1] for row in dlq(system, "replay", "--queue", CREATED_QUEUE, "--id", event_id)] == [event_id]
        wait_for(lambda: subtree_total(rpc, org["id"]), lambda n: n == 1, what="the replayed event to be applied")
        assert dlq(system, "list", "--queue", CREATED_QUEUE, "--id", event_id) == []
        time.sleep(1)  # nothing applies it a second time
        assert processed_for(conn, org["id"]) == 1 and subtree_total(rpc, org["id"]) == 1
    assert rpc.call("member", "get_member", member_id=member["id"])["id"] == member["id"]


def test_one_poison_event_does_not_hold_back_the_others_in_its_batch(system, events, tree):
    """A malformed event among good ones: the good ones are applied, the bad one is parked."""
    good_member = events.new_member()
    good = member_event(good_member, 1, facts(tree["one"]))
    poison = member_event(events.new_member(), 1, {**facts(tree["one"]), "org_id": "不是编号"})
    before = events.stats(tree["one"])["total"]
    events.publish(poison, good)
    events.wait_processed(good)
    assert events.stats(tree["one"])["total"] == before + 1
    wait_for(lambda: dlq(system, "list", "--queue", CREATED_QUEUE, "--id", poison["event_id"]), bool,
             what="the malformed event to be parked")
    assert events.processed([poison["event_id"]]) == set()
    events.fakes.pop(int(poison["aggregate_id"]))  # nothing of it was counted: nothing to retire
    events.retire_all()


def test_a_nameko_handler_parks_a_failing_event_and_a_replay_applies_it(system, rpc, root_id):
    """The same limit for nameko event handlers (`@consumes`): member's organization directory."""
    queue = "evt-org-org_created--member.on_org_created"
    with conn_of(system) as conn:
        conn.execute("ALTER TABLE member.org_directory RENAME TO org_directory_away")
        try:
            org = rpc.call("org", "create_org", data={"name": "处理器死信支部", "code": code("H"), "type": "31",
                                                      "parent_id": root_id})
            event_id = conn.execute("SELECT event_id::text FROM org.outbox WHERE event_type = 'org_created' "
                                    "AND envelope->'payload'->>'id' = %s", (str(org["id"]),)).fetchone()[0]
            parked = wait_for(lambda: dlq(system, "list", "--queue", queue, "--id", event_id), bool,
                              what="member's handler to park the event")
            assert parked[0][:4] == [queue, event_id, "org_created", "4"]
        finally:
            conn.execute("ALTER TABLE member.org_directory_away RENAME TO org_directory")
        in_directory = "SELECT count(*) FROM member.org_directory WHERE id = %s"
        assert conn.execute(in_directory, (org["id"],)).fetchone()[0] == 0
        assert [row[1] for row in dlq(system, "replay", "--id", event_id)] == [event_id]
        wait_for(lambda: conn.execute(in_directory, (org["id"],)).fetchone()[0], lambda n: n == 1,
                 what="the replayed event to be projected")
        assert conn.execute("SELECT count(*) FROM member.inbox WHERE event_id = %s", (event_id,)).fetchone()[0] == 1
