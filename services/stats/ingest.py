"""The stats ingester: applies org and member events to the counters in batches.

`python -m services.stats.ingest` — run any number of them; they compete for the same queues
(the ones stats/events.py declares). Each takes up to BATCH messages (also
each queue's prefetch) or what arrived within WAIT_MS, applies them in ONE transaction (consumers.py: inbox
rows, counted states locked in id order, deltas in one insert), commits, then acks them (one
multiple ack where no message not yet applied lies below it: messaging/acks.py). A crash
before the commit rolls back and the unacked messages are redelivered: counts stay exact.
`--check` is the liveness probe: is the heartbeat file fresh?
"""
import argparse
import asyncio
import logging
import sys
import time
from datetime import datetime, timezone

import aio_pika
import orjson
import psycopg.types.json
from sqlalchemy.orm import sessionmaker

from services.shared import heartbeat
from services.shared.config import amqp_uri, int_setting
from services.shared.db import make_engine
from services.shared.messaging.acks import Unsettled
from services.shared.messaging.queues import dead_letter_arguments, event_exchange, event_queue_arguments
from services.shared.messaging.redelivery import (
    ATTEMPTS_HEADER,
    DLQ_EXCHANGE,
    after_failure,
    dlq_name,
    max_attempts,
    retry_seconds,
)
from services.shared.messaging.topology import bindings, subscriptions
from services.shared.observability import logs, metrics, tracing
from services.shared.priority import lower_own_priority
from services.shared.unavailable import BROKER_ERRORS, dependency_down

from .consumers import apply_events
from .domain.development import APPLICANT_EVENTS
from .domain.fold import MEMBER_EVENTS, ORG_EVENTS
from .domain.mobility import MOBILITY_EVENTS
from .domain.terms import TERM_EVENTS
from .domain.transfers import TRANSFER_EVENTS
from .period import REPORT_DATE_CHANGED

log = logging.getLogger("pmis.stats.ingest")
RETRY_SECONDS = 1.0
HEARTBEAT = "stats-ingest"


def queues() -> list[tuple[str, str, str]]:
    """(source service, event type, queue name) of every queue the ingesters consume."""
    return subscriptions("stats")


async def _collect(arrived: asyncio.Queue, size: int, wait_ms: int, stop: asyncio.Event) -> list:
    """Up to `size` messages: the first one whenever it comes, the rest within `wait_ms`."""
    while not stop.is_set():
        try:
            batch = [await asyncio.wait_for(arrived.get(), 1.0)]
            break
        except asyncio.TimeoutError:
            heartbeat.beat(HEARTBEAT)
            metrics.INGEST_LAG_SECONDS.set(0)  # nothing waiting: no lag (not the last batch's, for ever)
    else:
        return []
    deadline = time.monotonic() + wait_ms / 1000
    while len(batch) < size:
        if not arrived.empty():  # taken as it is: a wait_for per message (a task and a timer each)
            batch.append(arrived.get_nowait())  # cost more than its delivery during a burst
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            batch.append(await asyncio.wait_for(arrived.get(), remaining))
        except asyncio.TimeoutError:
            break
    return batch


ENVELOPE_KEYS = ("event_id", "type", "aggregate_id", "aggregate_version", "payload")
COUNTED_EVENTS = (ORG_EVENTS + MEMBER_EVENTS + TRANSFER_EVENTS + MOBILITY_EVENTS + APPLICANT_EVENTS + TERM_EVENTS
                  + (REPORT_DATE_CHANGED,))


def _envelope(body: bytes) -> dict | None:
    """The event envelope of a message, or None when it is not one (it could never apply)."""
    try:
        event = orjson.loads(body)
    except ValueError:  # orjson.JSONDecodeError is one
        return None
    if not isinstance(event, dict) or any(key not in event for key in ENVELOPE_KEYS):
        return None
    if event["type"] not in COUNTED_EVENTS:
        return None
    return event


class Redelivery:
    """Retries and parks failed messages (services/shared/messaging/redelivery.py) through a
    channel with publisher confirms: the copy is confirmed before the original is acked."""

    def __init__(self, channel: aio_pika.abc.AbstractChannel):
        self.channel = channel
        self.queue_names: dict = {}  # consumer tag -> queue (a retried message's routing key is its queue)

    async def failed(self, message, error: str, limit: int | None = None, transient: bool = False) -> None:
        """`transient`: the database was down; tried again without counting the attempt."""
        queue = self.queue_names[message.consumer_tag]
        decision = after_failure(queue, message.headers, error, limit or max_attempts(), transient=transient)
        copy = aio_pika.Message(body=message.body, headers=decision.headers, content_type=message.content_type,
                                content_encoding=message.content_encoding, message_id=message.message_id,
                                delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        try:
            exchange = (self.channel.default_exchange if not decision.park
                        else await self.channel.get_exchange(DLQ_EXCHANGE))
            await exchange.publish(copy, routing_key=decision.routing_key)
        except Exception as exc:  # not taken by the broker: the original stays in its queue
            log.warning("could not retry or park message %s: %r; requeueing it", message.message_id, exc)
            await message.nack(requeue=True)
            return
        if decision.park:
            log.error("parked event %s in %s after %d attempts: %s", message.message_id, dlq_name(queue),
                      decision.headers[ATTEMPTS_HEADER], error)
        await message.ack()


async def _apply_one_by_one(sessions: sessionmaker, events: list) -> tuple[set, dict]:
    """After a batch failed: each event alone, so one poison event does not hold back the others.
    Returns (deferred event ids, {event id: the exception} of those that failed)."""
    deferred, failed = set(), {}
    for event in events:
        try:
            deferred |= {e["event_id"] for e in await asyncio.to_thread(apply_events, sessions, [event])}
        except Exception as exc:
            failed[event["event_id"]] = exc
    return deferred, failed


def _lag_seconds(events: list, now: datetime) -> float:
    """How long ago the oldest of the events was written (0 when none says)."""
    written = []
    for event in events:
        try:
            written.append(datetime.fromisoformat(event["occurred_at"]))
        except (KeyError, TypeError, ValueError):
            continue
    return max(0.0, (now - min(written)).total_seconds()) if written else 0.0


def _trace_applied(messages: list, events: list, applied: list, started_ns: int) -> None:
    """A span per traced event applied, in the trace of the request that caused it (the batch is one
    transaction, so each event's span is the batch's time)."""
    if not tracing.enabled():
        return
    applied_ids = {event["event_id"] for event in applied}
    for message, event in zip(messages, events):
        headers = message.headers or {}
        if event["event_id"] in applied_ids and headers.get("nameko.traceparent"):
            span = tracing.start_span(f"stats.ingest {event['type']}",
                                      {"traceparent": headers["nameko.traceparent"]}, tracing.SpanKind.CONSUMER,
                                      start_time=started_ns,
                                      attributes={"pmis.event_id": event["event_id"], "pmis.batch_size": len(events),
                                                  "pmis.request_id": str(headers.get("nameko.request_id") or "")})
            span.end()


async def _settle(sessions: sessionmaker, batch: list, redelivery: Redelivery, unsettled: Unsettled) -> None:
    started, started_ns = time.perf_counter(), time.time_ns()
    events, messages = [], []
    for message in batch:
        event = _envelope(message.body)
        if event is None:
            log.error("parking message %s from %s: not an org or member event envelope", message.message_id,
                      message.routing_key)
            await redelivery.failed(message, "不是党组织或党员事件的信封", limit=1)  # it could never apply
            unsettled.settled(message)
            continue
        events.append(event)
        messages.append(message)
    if not events:
        return
    failed: dict = {}
    try:
        later = {event["event_id"] for event in await asyncio.to_thread(apply_events, sessions, events)}
    except Exception:
        # Nothing was committed. Each event alone, then: the failing ones are retried later
        # (by this ingester or another) once the cause is gone, or parked after too many tries.
        log.exception("applying %d events failed; applying them one by one", len(events))
        later, failed = await _apply_one_by_one(sessions, events)
        if failed:
            await asyncio.sleep(retry_seconds())
    applied = [event for event in events if event["event_id"] not in later and event["event_id"] not in failed]
    metrics.INGESTED_EVENTS.inc(len(applied))
    metrics.INGEST_BATCH_SECONDS.observe(time.perf_counter() - started)
    if applied:
        metrics.INGEST_LAG_SECONDS.set(_lag_seconds(applied, datetime.now(timezone.utc)))
    _trace_applied(messages, events, applied, started_ns)
    if later:
        log.info("%d member events name an organization not known yet; requeueing them", len(later))
        await asyncio.sleep(RETRY_SECONDS if len(later) == len(events) else 0)
    done = []
    for message, event in zip(messages, events):
        if event["event_id"] in failed:
            error = failed[event["event_id"]]
            await redelivery.failed(message, repr(error), transient=dependency_down(error))
            unsettled.settled(message)
        elif event["event_id"] in later:
            await message.nack(requeue=True)
            unsettled.settled(message)
        else:
            done.append(message)
    await unsettled.ack(done)


async def run(size: int, wait_ms: int, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    engine = make_engine(pool_size=1, batch=True)
    sessions = sessionmaker(engine, expire_on_commit=False)
    arrived: asyncio.Queue = asyncio.Queue()
    unsettled = Unsettled()
    connection = await aio_pika.connect_robust(amqp_uri())
    try:
        async with connection:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=size)
            confirming = await connection.channel(publisher_confirms=True)
            redelivery = Redelivery(confirming)
            dead_letters = await confirming.declare_exchange(DLQ_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True)
            for source, event_type, name in queues():
                exchange = await channel.declare_exchange(event_exchange(source).name, aio_pika.ExchangeType.TOPIC,
                                                          durable=True)
                queue = await channel.declare_queue(name, durable=True, arguments=event_queue_arguments(name))
                for key in bindings("stats", source, event_type):
                    await queue.bind(exchange, routing_key=key)
                parked = await confirming.declare_queue(dlq_name(name), durable=True, arguments=dead_letter_arguments())
                await parked.bind(dead_letters, routing_key=name)
                redelivery.queue_names[await queue.consume(arrived.put)] = name
            log.info("stats ingester started: batches of up to %d events or %d ms", size, wait_ms)
            while not stop.is_set():
                batch = await _collect(arrived, size, wait_ms, stop)
                if batch:
                    try:
                        await _settle(sessions, batch, redelivery, unsettled)
                    except BROKER_ERRORS as exc:
                        # e.g. a channel lost and reopened: its deliveries can no longer be acked;
                        # RabbitMQ redelivers them and the inbox makes that harmless.
                        log.warning("settling a batch failed: %r", exc)
                heartbeat.beat(HEARTBEAT)
    finally:
        engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="PMIS stats ingester")
    parser.add_argument("--batch", type=int, default=int_setting("PMIS_STATS_BATCH"),
                        help="events per transaction (and the prefetch)")
    parser.add_argument("--wait-ms", type=int, default=int_setting("PMIS_STATS_BATCH_WAIT_MS"),
                        help="how long a batch waits to fill")
    parser.add_argument("--check", action="store_true", help="exit 0 if an ingester's heartbeat is fresh")
    args = parser.parse_args(argv)
    if args.check:
        return heartbeat.exit_code(HEARTBEAT)
    logs.configure("stats-ingest")
    # The counted states it reads back (jsonb) decoded by orjson too: JSON was a tenth of its CPU.
    psycopg.types.json.set_json_loads(orjson.loads)
    tracing.setup("stats", "stats-ingest")
    metrics.serve()
    lower_own_priority()
    while True:  # a lost database connection restarts the loop instead of ending the ingester
        try:
            asyncio.run(run(args.batch, args.wait_ms))
            return 0
        except KeyboardInterrupt:
            return 0
        except Exception as exc:  # a daemon: log, reconnect, carry on (unacked work is redelivered)
            log.warning("stats ingester: %r; restarting in 1 s", exc)
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
