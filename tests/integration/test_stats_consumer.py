"""The stats service's event consumer against raw events (house rule 3: the same result whatever
the order and however often an event arrives), and reconcile finding a real difference.

Events are published exactly as the outbox relay publishes them, for members that do not exist
in the member service. The session ends by reconciling the counters with the member service's
data, so every test leaves its fake members in a state that counts nothing.
"""
import os
import signal
import threading
import uuid

import psycopg
import pytest

from tests.support.helpers import plain_dsn, wait_for
from tests.support.stats_events import EMPTY, Events, facts, member_event, nonzero, stays

from ..support.factories import id_number, member_data


def assert_cleaned_up(events: Events, tree: dict) -> None:
    events.retire_all()
    for org_id in tree.values():
        assert nonzero(events.stats(org_id)) == EMPTY


# --- idempotency and order ------------------------------------------------------------------

def test_redelivered_event_counts_once(events, tree):
    """The same member_created delivered three times is counted once (inbox + version check)."""
    member_id = events.new_member()
    created = member_event(member_id, 1, facts(tree["one"], sex="2", category="02"))

    events.publish(created, created, created)
    events.wait_processed(created)
    events.wait_drained()

    expected = {"total": 1, "by_sex": {"2": 1}, "by_category": {"02": 1}}
    stays(lambda: nonzero(events.stats(tree["one"])), lambda s: s == expected, what="counted once")
    assert nonzero(events.stats(tree["committee"])) == expected
    assert_cleaned_up(events, tree)


def test_same_state_under_new_event_id_counts_once(events, tree):
    """A republished state (new event id, same version — e.g. a relay crash) is not counted twice."""
    member_id = events.new_member()
    first = member_event(member_id, 1, facts(tree["one"]))
    again = {**first, "event_id": str(uuid.uuid4())}

    events.publish(first)
    events.wait_processed(first)
    events.publish(again)
    events.wait_processed(again)

    assert nonzero(events.stats(tree["one"])) == {"total": 1, "by_sex": {"1": 1}, "by_category": {"01": 1}}
    assert_cleaned_up(events, tree)


def test_newer_version_first_wins_over_older(events, tree):
    """Version 2 arriving before version 1: the counters show version 2 only."""
    member_id = events.new_member()
    v1 = member_event(member_id, 1, facts(tree["one"], sex="1", category="01"))
    v2 = member_event(member_id, 2, before=facts(tree["one"], sex="1", category="01"),
                      after=facts(tree["two"], sex="1", category="02"))

    events.publish(v2)
    events.wait_processed(v2)
    events.publish(v1)
    events.wait_processed(v1)

    assert nonzero(events.stats(tree["one"])) == EMPTY
    assert nonzero(events.stats(tree["two"])) == {"total": 1, "by_sex": {"1": 1}, "by_category": {"02": 1}}
    assert nonzero(events.stats(tree["committee"])) == {"total": 1, "by_sex": {"1": 1}, "by_category": {"02": 1}}
    assert_cleaned_up(events, tree)


def test_burst_in_reverse_order_ends_at_latest_version(events, tree):
    """Five versions of two members published newest first, all at once: only the latest counts."""
    states = [facts(tree["one"], category="01"), facts(tree["two"], category="01"),
              facts(tree["two"], category="02", sex="2"), facts(tree["one"], status="left"),
              facts(tree["two"], category="01", sex="2")]
    published = []
    for member_id in (events.new_member(), events.new_member()):
        published += [member_event(member_id, version, after, before=states[version - 2] if version > 1 else None)
                      for version, after in enumerate(states, start=1)]

    events.publish(*reversed(published))
    events.wait_processed(*published)

    assert nonzero(events.stats(tree["one"])) == EMPTY
    assert nonzero(events.stats(tree["two"])) == {"total": 2, "by_sex": {"2": 2}, "by_category": {"01": 2}}
    assert_cleaned_up(events, tree)


def test_member_who_left_no_longer_counts_now(events, tree):
    """A member_updated with status 'left' (in 2024) removes the member from today's figures."""
    member_id = events.new_member()
    v1 = member_event(member_id, 1, facts(tree["one"], sex="2", category="02"))
    events.publish(v1)
    events.wait_processed(v1)
    assert nonzero(events.stats(tree["committee"])) == {"total": 1, "by_sex": {"2": 1}, "by_category": {"02": 1}}

    left = member_event(member_id, 2, before=v1["payload"]["after"],
                        after=facts(tree["one"], status="left", sex="2", category="02"))
    events.publish(left)
    events.wait_processed(left)

    for org_id in tree.values():
        stats = events.stats(org_id)
        assert stats["total"] == 0
        assert not any(stats["by_sex"].values()) and not any(stats["by_category"].values())
    assert_cleaned_up(events, tree)


def test_an_ingester_killed_mid_stream_loses_and_doubles_nothing(system, events, tree):
    """Kill -9 one of the two ingesters while a burst is being applied: its uncommitted batch
    rolls back, its unacked messages go to the other one; restarted, nothing is counted twice."""
    members = [events.new_member() for _ in range(200)]
    first = [member_event(m, 1, facts(tree["two"], sex="2")) for m in members]
    moved = [member_event(m, 2, facts(tree["one"]), before=e["payload"]["after"]) for m, e in zip(members, first)]
    publishing = threading.Thread(target=events.publish, args=(*moved, *first))
    publishing.start()
    wanted = {e["event_id"] for e in first + moved}
    wait_for(lambda: len(events.processed(wanted)), lambda n: n > 0, what="the burst to start being applied")
    process = system.system.processes["stats-ingest-1"]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    publishing.join()
    try:
        events.wait_processed(*first, *moved)
        assert nonzero(events.stats(tree["one"])) == {"total": 200, "by_sex": {"1": 200}, "by_category": {"01": 200}}
        assert nonzero(events.stats(tree["two"])) == EMPTY
    finally:
        system.system.spawn_ingester(1)
    assert_cleaned_up(events, tree)


# --- reconcile ------------------------------------------------------------------------------

def unfolded_deltas(system, org_id: int) -> int:
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute("SELECT count(*) FROM stats.counter_deltas WHERE org_id = %s", (org_id,)).fetchone()[0]


def counter_rows(system, org_id: int) -> list[tuple]:
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute("SELECT org_id, dimension, value, year, n FROM stats.counters WHERE org_id = %s "
                            "ORDER BY dimension, value, year", (org_id,)).fetchall()


def test_counters_that_fold_to_zero_are_removed(system, events, tree):
    """A member counted and then gone leaves no rows behind once the compactor has folded."""
    member_id = events.new_member()
    created = member_event(member_id, 1, facts(tree["one"]))
    events.publish(created)
    events.wait_processed(created)
    wait_for(lambda: unfolded_deltas(system, tree["one"]), lambda n: n == 0, what="the compactor to fold")
    assert counter_rows(system, tree["one"])
    events.retire_all()
    wait_for(lambda: unfolded_deltas(system, tree["one"]), lambda n: n == 0, what="the compactor to fold again")
    assert [row[1] for row in counter_rows(system, tree["one"])] == ["org_type"]  # the branch itself


@pytest.mark.parametrize("damage", ["deleted", "inflated"])
def test_reconcile_reports_a_damaged_counter_and_is_clean_once_restored(system, rpc, tree, damage):
    """Reconcile compares counters with a recount of member data and names each difference."""
    branch, committee = tree["one"], tree["committee"]
    for female in (True, False, False):
        rpc.call("member", "create_member", data=member_data(branch, id_number=id_number(female=female)))
    wait_for(lambda: rpc.call("stats", "subtree_stats", org_id=branch)["members"]["total"], lambda n: n == 3,
             what="the three members to be counted")
    assert rpc.call("stats", "reconcile", org_id=committee) == {"org_id": committee, "total_differences": 0,
                                                                   "differences": []}
    wait_for(lambda: unfolded_deltas(system, branch), lambda n: n == 0, what="the compactor to fold the deltas")
    rows = counter_rows(system, branch)
    row = next(r for r in rows if r[1:3] == ("sex", "1") and r[4] > 0)
    assert row[4] == 2

    with psycopg.connect(plain_dsn(system)) as conn:
        if damage == "deleted":
            conn.execute("DELETE FROM stats.counters WHERE org_id = %s AND dimension = %s AND value = %s "
                         "AND year = %s", row[:4])
        else:
            conn.execute("UPDATE stats.counters SET n = n + 5 WHERE org_id = %s AND dimension = %s AND value = %s "
                         "AND year = %s", row[:4])
    try:
        result = rpc.call("stats", "reconcile", org_id=committee)
        assert result["org_id"] == committee
        differences = [{"org_id": branch, "dimension": "sex", "value": "1", "year": row[3], "expected": 2,
                        "actual": 0 if damage == "deleted" else 7}]
        assert result["differences"] == differences and result["total_differences"] == 1
    finally:
        with psycopg.connect(plain_dsn(system)) as conn:
            conn.execute("DELETE FROM stats.counters WHERE org_id = %s AND dimension = %s AND value = %s "
                         "AND year = %s", row[:4])
            conn.execute("INSERT INTO stats.counters (org_id, dimension, value, year, n) VALUES (%s, %s, %s, %s, %s)",
                         row)

    assert counter_rows(system, branch) == rows
    assert rpc.call("stats", "reconcile", org_id=committee) == {"org_id": committee, "total_differences": 0,
                                                                   "differences": []}
