"""The stats service's event consumer against raw events (house rule 3: the same result whatever
the order and however often an event arrives), and reconcile finding a real difference.

Events are published exactly as the outbox relay publishes them, for members that do not exist
in the member service. The session ends by reconciling the counters with the member service's
data, so every test leaves its fake members in a state that counts nothing.
"""
import time
import uuid
from datetime import datetime, timezone

import aio_pika
import psycopg
import pytest

from gateway.rpc import RemoteError
from services.shared.relay import event_message
from tests.support.helpers import plain_dsn, wait_for

from ..support.factories import code, id_number, member_data

FAKE_MEMBER_BASE = 10**12
EVENT_QUEUES = [f"evt-member-{event_type}--stats.on_{event_type}" for event_type in ("member_created",
                                                                                      "member_updated")]
_fake_ids = iter(range(FAKE_MEMBER_BASE + 1, FAKE_MEMBER_BASE + 10**6))


# --- helpers ----------------------------------------------------------------------------------

def stays(fetch, predicate, seconds: float = 1.0, what: str = "condition"):
    """Poll `fetch` for `seconds`: `predicate` must hold every time (nothing late changes it)."""
    deadline = time.monotonic() + seconds
    while True:
        value = fetch()
        assert predicate(value), f"{what} stopped holding: {value!r}"
        if time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def facts(org_id: int, status="active", sex="1", category="01") -> dict:
    """The counted facts a member event carries (services/member/events.py COUNTED_FIELDS)."""
    return {"org_id": org_id, "status": status, "sex": sex, "category": category, "ethnicity": "01",
            "birth_date": "1985-06-15", "joined_on": "2010-07-01", "leave_kind": None if status == "active" else "10",
            "left_on": None if status == "active" else "2024-01-01"}


def member_event(member_id: int, version: int, after: dict | None, before: dict | None = None,
                 event_type: str | None = None) -> dict:
    """A member event envelope, as services/shared/outbox.py writes it."""
    return {
        "event_id": str(uuid.uuid4()),
        "type": event_type or ("member_created" if version == 1 else "member_updated"),
        "aggregate_id": str(member_id),
        "aggregate_version": version,
        "occurred_at": datetime.now(timezone.utc).isoformat(),
        "actor": "test",
        "request_id": "",
        "payload": {"member_id": member_id, "before": before, "after": after},
    }


class Events:
    """Publishes member events the way the relay does, and observes the stats service."""

    def __init__(self, system):
        self.system = system
        self.rpc = system.rpc
        self.amqp_uri = system.env["PMIS_AMQP_URI"]
        self.fakes: dict[int, dict] = {}  # member id -> {"version": highest sent}

    # publishing
    async def _publish(self, envelopes) -> None:
        connection = await aio_pika.connect(self.amqp_uri)
        async with connection:
            channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
            exchange = await channel.declare_exchange("member.events", aio_pika.ExchangeType.TOPIC, durable=True)
            for envelope in envelopes:
                await exchange.publish(event_message(envelope), routing_key=envelope["type"], mandatory=True)

    def publish(self, *envelopes: dict) -> None:
        for envelope in envelopes:
            fake = self.fakes.setdefault(int(envelope["aggregate_id"]), {"version": 0})
            fake["version"] = max(fake["version"], envelope["aggregate_version"])
        self.rpc.run(self._publish(envelopes))

    def new_member(self) -> int:
        member_id = next(_fake_ids)
        self.fakes[member_id] = {"version": 0}
        return member_id

    # observing
    def processed(self, event_ids) -> set:
        with psycopg.connect(plain_dsn(self.system)) as conn:
            rows = conn.execute("SELECT event_id::text FROM stats.inbox WHERE event_id = ANY(%s::uuid[])",
                                (list(event_ids),)).fetchall()
        return {row[0] for row in rows}

    def wait_processed(self, *envelopes: dict) -> None:
        wanted = {envelope["event_id"] for envelope in envelopes}
        wait_for(lambda: self.processed(wanted), lambda done: done == wanted,
                 what=f"stats to process {len(wanted)} event(s)")

    async def _queue_depths(self) -> dict:
        connection = await aio_pika.connect(self.amqp_uri)
        async with connection:
            channel = await connection.channel()
            return {name: (await channel.declare_queue(name, passive=True)).declaration_result.message_count
                    for name in EVENT_QUEUES}

    def wait_drained(self) -> None:
        wait_for(lambda: self.rpc.run(self._queue_depths()), lambda depths: not any(depths.values()),
                 what="the stats event queues to drain")

    def stats(self, org_id: int) -> dict:
        return self.rpc.call("stats", "subtree_stats", org_id=org_id)["members"]

    # cleaning up
    def retire_all(self) -> list[dict]:
        """Send every fake member a later 'left' state, so none counts any more."""
        retirements = [member_event(member_id, fake["version"] + 100, facts(0, status="left"))
                       for member_id, fake in self.fakes.items()]
        if retirements:
            self.publish(*retirements)
            self.wait_processed(*retirements)
        return retirements


def nonzero(stats: dict) -> dict:
    """Counters without the zero rows a member leaves behind when it moves away."""
    return {"total": stats["total"],
            "by_sex": {k: v for k, v in stats["by_sex"].items() if v},
            "by_category": {k: v for k, v in stats["by_category"].items() if v}}


EMPTY = {"total": 0, "by_sex": {}, "by_category": {}}


def create_org(rpc, parent_id, type_="31", name="测试支部") -> dict:
    return rpc.call("org", "create_org", data={"name": name, "code": code(), "type": type_, "parent_id": parent_id})


def known_to_stats(rpc, org_id) -> bool:
    try:
        rpc.call("stats", "subtree_stats", org_id=org_id)
    except RemoteError as error:  # NotFound until the org_created event has been consumed
        if error.exc_type != "NotFound":
            raise
        return False
    return True


@pytest.fixture
def tree(rpc, root_id) -> dict:
    """A fresh committee with two branches, known to the stats service."""
    committee = create_org(rpc, root_id, type_="11", name="测试党委")
    tree = {"committee": committee["id"],
            "one": create_org(rpc, committee["id"])["id"],
            "two": create_org(rpc, committee["id"])["id"]}
    for org_id in tree.values():
        wait_for(lambda: known_to_stats(rpc, org_id), bool, what=f"stats to learn org {org_id}")
    return tree


@pytest.fixture
def events(system, tree):
    """Publisher for the test; afterwards no fake member counts anywhere (even if the test failed)."""
    events = Events(system)
    yield events
    events.retire_all()


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


def test_member_who_left_counts_nowhere(events, tree):
    """A member_updated with status 'left' removes the member from every counter."""
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


# --- reconcile ------------------------------------------------------------------------------

def unfolded_deltas(system, org_id: int) -> int:
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute("SELECT count(*) FROM stats.counter_deltas WHERE org_id = %s", (org_id,)).fetchone()[0]


def counter_rows(system, org_id: int) -> list[tuple]:
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute("SELECT org_id, dimension, value, n FROM stats.counters WHERE org_id = %s "
                            "ORDER BY dimension, value", (org_id,)).fetchall()


@pytest.mark.parametrize("damage", ["deleted", "inflated"])
def test_reconcile_reports_a_damaged_counter_and_is_clean_once_restored(system, rpc, tree, damage):
    """Reconcile compares counters with a recount of member data and names each difference."""
    branch, committee = tree["one"], tree["committee"]
    for female in (True, False, False):
        rpc.call("member", "create_member", data=member_data(branch, id_number=id_number(female=female)))
    wait_for(lambda: rpc.call("stats", "subtree_stats", org_id=branch)["members"]["total"], lambda n: n == 3,
             what="the three members to be counted")
    assert rpc.call("stats", "reconcile", org_id=committee) == {"org_id": committee, "differences": []}
    wait_for(lambda: unfolded_deltas(system, branch), lambda n: n == 0, what="the compactor to fold the deltas")
    rows = counter_rows(system, branch)
    row = next(r for r in rows if r[1:3] == ("sex", "1"))
    assert row[3] == 2

    with psycopg.connect(plain_dsn(system)) as conn:
        if damage == "deleted":
            conn.execute("DELETE FROM stats.counters WHERE org_id = %s AND dimension = %s AND value = %s", row[:3])
        else:
            conn.execute("UPDATE stats.counters SET n = n + 5 WHERE org_id = %s AND dimension = %s AND value = %s",
                         row[:3])
    try:
        result = rpc.call("stats", "reconcile", org_id=committee)
        assert result["org_id"] == committee
        assert result["differences"] == [{"org_id": branch, "dimension": "sex", "value": "1", "expected": 2,
                                          "actual": 0 if damage == "deleted" else 7}]
    finally:
        with psycopg.connect(plain_dsn(system)) as conn:
            conn.execute("DELETE FROM stats.counters WHERE org_id = %s AND dimension = %s AND value = %s", row[:3])
            conn.execute("INSERT INTO stats.counters (org_id, dimension, value, n) VALUES (%s, %s, %s, %s)", row)

    assert counter_rows(system, branch) == rows
    assert rpc.call("stats", "reconcile", org_id=committee) == {"org_id": committee, "differences": []}
