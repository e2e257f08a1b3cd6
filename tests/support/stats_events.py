"""Publishing member and org events to the stats ingesters exactly as the outbox relay does,
for members that do not exist in the member service, and observing the stats service.

Every fake member is retired at the end of its test (a later state of no member at all), so
the session's closing reconcile with the member service's data stays clean.
"""
import time
import uuid
from datetime import datetime, timezone

import aio_pika
import psycopg

from gateway.rpc import RemoteError
from services.shared.messaging.relay import event_message
from tests.support.factories import code
from tests.support.helpers import plain_dsn, wait_for

FAKE_MEMBER_BASE = 10**12
EVENT_QUEUES = [f"evt-member-{event_type}--stats.on_{event_type}" for event_type in ("member_created",
                                                                                      "member_updated",
                                                                                      "member_transferred")]
_fake_ids = iter(range(FAKE_MEMBER_BASE + 1, FAKE_MEMBER_BASE + 10**6))


# --- helpers ----------------------------------------------------------------------------------

async def publish_events(amqp_uri: str, source: str, envelopes) -> None:
    """Publish envelopes on `source`'s event exchange as the outbox relay does (confirmed, and
    refused when no queue is bound for the type)."""
    connection = await aio_pika.connect(amqp_uri)
    async with connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        exchange = await channel.declare_exchange(f"{source}.events", aio_pika.ExchangeType.TOPIC, durable=True)
        for envelope in envelopes:
            await exchange.publish(event_message(envelope), routing_key=envelope["type"], mandatory=True)


def outbox_envelopes(system, schema: str, aggregate_id: str, types: str = "%") -> list[dict]:
    """The envelopes a service's outbox holds for one aggregate, oldest first (`types`: a LIKE
    pattern of their types)."""
    with psycopg.connect(plain_dsn(system)) as pg:
        return [row[0] for row in pg.execute(
            f"SELECT envelope FROM {schema}.outbox WHERE envelope->>'aggregate_id' = %s "
            "AND envelope->>'type' LIKE %s ORDER BY id", (aggregate_id, types))]


def deliver_again(system, source: str, envelopes: list[dict]) -> None:
    """The same envelopes (the inbox drops them) and copies under new event ids, newest first,
    published again; returns once the stats ingesters have taken every one."""
    again = envelopes + [{**e, "event_id": f"{e['event_id'][:-4]}beef"} for e in reversed(envelopes)]
    system.rpc.run(publish_events(system.env["PMIS_AMQP_URI"], source, again))

    def unseen() -> list:
        with psycopg.connect(plain_dsn(system)) as pg:
            return [e for e in again if pg.execute("SELECT 1 FROM stats.inbox WHERE event_id = %s",
                                                   (e["event_id"],)).fetchone() is None]
    wait_for(unseen, lambda left: not left, timeout=30, what="the stats ingesters to take the events")


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
    """A member event envelope, as services/shared/messaging/outbox.py writes it."""
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
    def publish(self, *envelopes: dict) -> None:
        for envelope in envelopes:
            fake = self.fakes.setdefault(int(envelope["aggregate_id"]), {"version": 0})
            fake["version"] = max(fake["version"], envelope["aggregate_version"])
        self.rpc.run(publish_events(self.amqp_uri, "member", envelopes))

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
        """Send every fake member a later state of no member at all (a member who left still
        counts for the years they belonged), so none counts any more."""
        retirements = [member_event(member_id, fake["version"] + 100, None)
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


