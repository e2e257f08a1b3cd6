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
from ..priority import lower_backend_priority, lower_own_priority

log = logging.getLogger("pmis.relay")
BATCH = 500
IDLE_SECONDS = 0.05


def event_message(envelope: dict) -> aio_pika.Message:
    # nameko's event format: JSON body, routing key = event type, context in nameko.* headers.
    return aio_pika.Message(
        body=json.dumps(envelope, ensure_ascii=False).encode(),
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=envelope["event_id"],
        headers={"nameko.user_id": envelope.get("actor") or "", "nameko.request_id": envelope.get("request_id") or ""},
    )


async def publish_batch(pg: psycopg.AsyncConnection, exchange: aio_pika.abc.AbstractExchange, schema: str) -> int:
    async with pg.transaction():
        rows = await (await pg.execute(
            f"SELECT id, event_type, envelope FROM {schema}.outbox WHERE sent_at IS NULL "
            "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED", (BATCH,))).fetchall()
        if not rows:
            return 0
        await asyncio.gather(*(exchange.publish(event_message(env), routing_key=etype) for _, etype, env in rows))
        await pg.execute(f"UPDATE {schema}.outbox SET sent_at = now() WHERE id = ANY(%s)", ([r[0] for r in rows],))
    return len(rows)


async def run(service: str, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    connection = await aio_pika.connect_robust(amqp_uri())
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(f"{service}.events", aio_pika.ExchangeType.TOPIC, durable=True)
        async with await psycopg.AsyncConnection.connect(plain_dsn()) as pg:
            lower_backend_priority(pg)
            log.info("relay for %s started", service)
            while not stop.is_set():
                sent = await publish_batch(pg, exchange, service)
                heartbeat.beat(f"relay-{service}")
                if sent < BATCH:
                    try:
                        await asyncio.wait_for(stop.wait(), IDLE_SECONDS)
                    except asyncio.TimeoutError:
                        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="PMIS outbox relay")
    parser.add_argument("service")
    parser.add_argument("--check", action="store_true", help="exit 0 if the relay's heartbeat is fresh")
    args = parser.parse_args(argv)
    if args.check:
        return heartbeat.exit_code(f"relay-{args.service}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s relay[%(name)s] %(message)s")
    lower_own_priority()
    while True:  # a lost database connection restarts the loop instead of ending the relay
        try:
            asyncio.run(run(args.service))
            return 0
        except KeyboardInterrupt:
            return 0
        except (psycopg.OperationalError, OSError) as exc:
            log.warning("relay %s: %s; retrying in 1 s", args.service, exc)
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
