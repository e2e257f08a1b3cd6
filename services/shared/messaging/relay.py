"""Outbox relay: publish a service's unsent outbox rows as nameko events, then mark them sent.

One relay per service: `python -m services.shared.messaging.relay member`. Rows are claimed with
FOR UPDATE SKIP LOCKED, so several relays of one service never publish the same row at the
same time; a crash between publish and commit republishes (consumers are idempotent).
Confirms are awaited for a whole batch at once (one confirming publisher per message is
~890 events/s here). `--check` is the liveness probe: is the heartbeat file fresh?
"""
import argparse
import asyncio
import json
import logging
import sys
import time

import aio_pika
import psycopg

from .. import heartbeat
from ..config import amqp_uri, plain_dsn
from ..observability import logs, metrics, tracing
from ..priority import lower_backend_priority, lower_own_priority
from ..unavailable import BROKER_ERRORS
from .outbox import relay_channel
from .redelivery import dlq_name
from .routing import routing_key
from .topology import routed_by_change, subscriptions

log = logging.getLogger("pmis.relay")
BATCH = 500
# The relay waits for the writers' NOTIFY (outbox.relay_channel); it looks at the table anyway after
# this long, for rows written without one (a bulk load, a test's INSERT).
IDLE_SECONDS = 1.0
MEASURE_SECONDS = 15  # how often the outbox and the queues are measured for /metrics
BACKLOG = "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM {schema}.outbox " \
          "WHERE sent_at IS NULL"


def event_message(envelope: dict, trace_carrier: dict | None = None) -> aio_pika.Message:
    # nameko's event format: JSON body, routing key = event type, context in nameko.* headers.
    # `trace_carrier` (the relay's publish span) makes the consumer's span a child of it.
    return aio_pika.Message(
        body=json.dumps(envelope, ensure_ascii=False).encode(),
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=envelope["event_id"],
        headers={"nameko.user_id": envelope.get("actor") or "", "nameko.request_id": envelope.get("request_id") or "",
                 **{f"nameko.{key}": value for key, value in (trace_carrier or {}).items()}},
    )


async def publish_batch(pg: psycopg.AsyncConnection, exchange: aio_pika.abc.AbstractExchange, schema: str,
                        routed: tuple = ()) -> int:
    """`routed`: the service's event types published with what they changed in the key (routing.py)."""
    async with pg.transaction():
        rows = await (await pg.execute(
            f"SELECT id, event_type, envelope FROM {schema}.outbox WHERE sent_at IS NULL "
            "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED", (BATCH,))).fetchall()
        if not rows:
            return 0
        # A span per traced event, continuing the trace of the request that wrote it.
        spans = [tracing.start_span(f"publish {etype}", env["trace"], tracing.SpanKind.PRODUCER,
                                    attributes={"messaging.destination.name": f"{schema}.events",
                                                "pmis.request_id": env.get("request_id") or ""})
                 if env.get("trace") and tracing.enabled() else None for _, etype, env in rows]
        try:
            await asyncio.gather(*(exchange.publish(event_message(env, span and tracing.carrier_of(span)),
                                                    routing_key=routing_key(etype, env.get("payload"), routed))
                                   for (_, etype, env), span in zip(rows, spans)))
        finally:
            for span in spans:
                if span is not None:
                    span.end()
        await pg.execute(f"UPDATE {schema}.outbox SET sent_at = now() WHERE id = ANY(%s)", ([r[0] for r in rows],))
    metrics.RELAY_PUBLISHED.labels(schema).inc(len(rows))
    return len(rows)


async def measure(pg: psycopg.AsyncConnection, connection: aio_pika.abc.AbstractConnection, service: str) -> None:
    """The outbox backlog and the depth of the queues (and dead-letter queues) the service consumes."""
    unsent, oldest = await (await pg.execute(BACKLOG.format(schema=service))).fetchone()
    await pg.commit()
    metrics.OUTBOX_UNSENT.labels(service).set(unsent)
    metrics.OUTBOX_OLDEST_SECONDS.labels(service).set(float(oldest))
    channel = await connection.channel()
    try:
        for _, _, queue in subscriptions(service):
            for name, gauge in ((queue, metrics.QUEUE_MESSAGES), (dlq_name(queue), metrics.DEAD_LETTERS)):
                declared = await channel.declare_queue(name, passive=True)
                gauge.labels(queue).set(declared.declaration_result.message_count)
    finally:
        await channel.close()


async def wait_for_writes(listen: psycopg.AsyncConnection) -> None:
    """Until a writer's commit notifies the relay's channel, or IDLE_SECONDS. Notifications that came
    while the relay was publishing wait in the listening connection and end the wait at once; all of
    them that have arrived are taken together (one look at the table serves them all)."""
    async for _ in listen.notifies(timeout=IDLE_SECONDS, stop_after=1):
        pass


async def run(service: str, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    connection = await aio_pika.connect_robust(amqp_uri())
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(f"{service}.events", aio_pika.ExchangeType.TOPIC, durable=True)
        async with await psycopg.AsyncConnection.connect(plain_dsn()) as pg, \
                await psycopg.AsyncConnection.connect(plain_dsn(), autocommit=True) as listen:
            lower_backend_priority(pg)
            # Listening before the first look: a row committed in between is seen by that look or notifies.
            await listen.execute(f"LISTEN {relay_channel(service)}")
            log.info("relay for %s started", service)
            routed = routed_by_change(service)
            while not stop.is_set():
                sent = await publish_batch(pg, exchange, service, routed)
                heartbeat.beat(f"relay-{service}")
                if metrics.due(f"relay-{service}", MEASURE_SECONDS):
                    try:
                        await measure(pg, connection, service)
                    except BROKER_ERRORS as exc:
                        log.warning("measuring the queues of %s failed: %r", service, exc)
                if sent < BATCH and not stop.is_set():
                    await wait_for_writes(listen)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="PMIS outbox relay")
    parser.add_argument("service")
    parser.add_argument("--check", action="store_true", help="exit 0 if the relay's heartbeat is fresh")
    args = parser.parse_args(argv)
    if args.check:
        return heartbeat.exit_code(f"relay-{args.service}")
    logs.configure(f"{args.service}-relay")
    tracing.setup(args.service, f"{args.service}-relay")
    metrics.serve()
    lower_own_priority()
    while True:  # a lost database or broker connection restarts the loop instead of ending the relay
        try:
            asyncio.run(run(args.service))
            return 0
        except KeyboardInterrupt:
            return 0
        # RabbitMQ restarting: without BROKER_ERRORS here the relay exited, and the supervisor's
        # backoff grew with every broker restart.
        except (psycopg.OperationalError, OSError, *BROKER_ERRORS) as exc:
            log.warning("relay %s: %s; retrying in 1 s", args.service, exc)
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
