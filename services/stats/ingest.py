"""The stats ingester: applies org and member events to the counters in batches.

`python -m services.stats.ingest` — run any number of them; they compete for the same queues
(the ones the stats service declares in `event_queues`). Each takes up to BATCH messages (also
each queue's prefetch) or what arrived within WAIT_MS, applies them in ONE transaction (consumers.py: inbox
rows, counted states locked in id order, deltas in one insert), commits, then acks each. A crash
before the commit rolls back and the unacked messages are redelivered: counts stay exact.
`--check` is the liveness probe: is the heartbeat file fresh?
"""
import argparse
import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

import aio_pika
from sqlalchemy.orm import sessionmaker

from services.shared.config import amqp_uri, int_setting
from services.shared.db import make_engine
from services.shared.topology import event_exchange, subscriptions

from .consumers import apply_events
from .domain.fold import MEMBER_EVENTS, ORG_EVENTS
from .service import StatsService

log = logging.getLogger("pmis.stats.ingest")
HEARTBEAT_MAX_AGE = 30
RETRY_SECONDS = 1.0


def heartbeat_path() -> Path:
    return Path(os.environ.get("PMIS_RELAY_HEARTBEAT_DIR", "/tmp")) / "pmis-stats-ingest.heartbeat"


def queues() -> list[tuple[str, str, str]]:
    """(source service, event type, queue name) of every queue the ingesters consume."""
    return subscriptions(StatsService)


async def _collect(arrived: asyncio.Queue, size: int, wait_ms: int, stop: asyncio.Event) -> list:
    """Up to `size` messages: the first one whenever it comes, the rest within `wait_ms`."""
    while not stop.is_set():
        try:
            batch = [await asyncio.wait_for(arrived.get(), 1.0)]
            break
        except asyncio.TimeoutError:
            heartbeat_path().touch()
    else:
        return []
    deadline = time.monotonic() + wait_ms / 1000
    while len(batch) < size:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            batch.append(await asyncio.wait_for(arrived.get(), remaining))
        except asyncio.TimeoutError:
            break
    return batch


ENVELOPE_KEYS = ("event_id", "type", "aggregate_id", "aggregate_version", "payload")


def _envelope(body: bytes) -> dict | None:
    """The event envelope of a message, or None when it is not one (it could never apply)."""
    try:
        event = json.loads(body)
    except ValueError:
        return None
    if not isinstance(event, dict) or any(key not in event for key in ENVELOPE_KEYS):
        return None
    if event["type"] not in ORG_EVENTS + MEMBER_EVENTS:
        return None
    return event


async def _settle(sessions: sessionmaker, batch: list) -> None:
    events, messages = [], []
    for message in batch:
        event = _envelope(message.body)
        if event is None:
            log.error("rejecting message %s from %s: not an org or member event envelope", message.message_id,
                      message.routing_key)
            await message.reject(requeue=False)
            continue
        events.append(event)
        messages.append(message)
    if not events:
        return
    try:
        deferred = await asyncio.to_thread(apply_events, sessions, events)
    except Exception:
        # Nothing was committed: every message goes back to its queue, to be applied later
        # (by this ingester or another) once the cause is gone.
        log.exception("applying %d events failed; requeueing them", len(events))
        await asyncio.sleep(RETRY_SECONDS)
        for message in messages:
            await message.nack(requeue=True)
        return
    later = {event["event_id"] for event in deferred}
    if later:
        log.info("%d member events name an organization not known yet; requeueing them", len(later))
        await asyncio.sleep(RETRY_SECONDS if len(later) == len(events) else 0)
    # One ack per message, not one "multiple" ack: aio-pika does not promise that consumer
    # callbacks run in delivery-tag order, and acking a tag not yet applied could lose it.
    # An ack is a frame with no reply, so this costs no round trips.
    for message, event in zip(messages, events):
        if event["event_id"] in later:
            await message.nack(requeue=True)
        else:
            await message.ack()


async def run(size: int, wait_ms: int, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    engine = make_engine(pool_size=1)
    sessions = sessionmaker(engine, expire_on_commit=False)
    arrived: asyncio.Queue = asyncio.Queue()
    connection = await aio_pika.connect_robust(amqp_uri())
    try:
        async with connection:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=size)
            for source, event_type, name in queues():
                exchange = await channel.declare_exchange(event_exchange(source).name, aio_pika.ExchangeType.TOPIC,
                                                          durable=True)
                queue = await channel.declare_queue(name, durable=True)
                await queue.bind(exchange, routing_key=event_type)
                await queue.consume(arrived.put)
            log.info("stats ingester started: batches of up to %d events or %d ms", size, wait_ms)
            while not stop.is_set():
                batch = await _collect(arrived, size, wait_ms, stop)
                if batch:
                    try:
                        await _settle(sessions, batch)
                    except (aio_pika.exceptions.AMQPError, aio_pika.exceptions.ChannelInvalidStateError) as exc:
                        # e.g. a channel lost and reopened: its deliveries can no longer be acked;
                        # RabbitMQ redelivers them and the inbox makes that harmless.
                        log.warning("settling a batch failed: %r", exc)
                heartbeat_path().touch()
    finally:
        engine.dispose()


def check() -> int:
    path = heartbeat_path()
    return 0 if path.exists() and time.time() - path.stat().st_mtime < HEARTBEAT_MAX_AGE else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="PMIS stats ingester")
    parser.add_argument("--batch", type=int, default=int_setting("PMIS_STATS_BATCH"),
                        help="events per transaction (and the prefetch)")
    parser.add_argument("--wait-ms", type=int, default=int_setting("PMIS_STATS_BATCH_WAIT_MS"),
                        help="how long a batch waits to fill")
    parser.add_argument("--check", action="store_true", help="exit 0 if an ingester's heartbeat is fresh")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s stats-ingest %(message)s")
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
