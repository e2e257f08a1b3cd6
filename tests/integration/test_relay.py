"""The outbox relay publishes committed outbox rows as nameko events and marks them sent only
after the broker confirmed them."""
import asyncio
import json
import uuid

import aio_pika
import psycopg

from services.shared.context import Caller
from services.shared.messaging.outbox import envelope
from tests.support.helpers import plain_dsn


def test_committed_outbox_row_is_published_in_nameko_format_and_marked_sent(system):
    async def scenario():
        connection = await aio_pika.connect_robust(system.env["PMIS_AMQP_URI"])
        async with connection:
            channel = await connection.channel()
            exchange = await channel.declare_exchange("transfer.events", aio_pika.ExchangeType.TOPIC, durable=True)
            queue = await channel.declare_queue(exclusive=True)
            await queue.bind(exchange, routing_key="relay_probe")
            event = envelope("relay_probe", 42, 1, {"probe": str(uuid.uuid4())}, Caller("tester", "/", "req-1"))
            with psycopg.connect(plain_dsn(system)) as conn:
                row_id = conn.execute("INSERT INTO transfer.outbox (event_id, event_type, envelope) "
                                      "VALUES (%s, %s, %s) RETURNING id",
                                      (event["event_id"], "relay_probe", json.dumps(event))).fetchone()[0]
            message = await queue.get(timeout=10, fail=False)
            for _ in range(100):
                if message is not None:
                    break
                await asyncio.sleep(0.1)
                message = await queue.get(timeout=10, fail=False)
            assert message is not None, "relay did not publish the outbox row"
            await message.ack()
            return event, row_id, message

    event, row_id, message = system.rpc.run(scenario())
    assert json.loads(message.body) == event
    assert message.content_type == "application/json"
    assert message.routing_key == "relay_probe"
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.headers["nameko.user_id"] == "tester"
    assert message.headers["nameko.request_id"] == "req-1"
    with psycopg.connect(plain_dsn(system)) as conn:
        sent_at = conn.execute("SELECT sent_at FROM transfer.outbox WHERE id = %s", (row_id,)).fetchone()[0]
    assert sent_at is not None

