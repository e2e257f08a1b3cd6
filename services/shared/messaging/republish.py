"""Publishing a consumed message again, unchanged but for its headers, with a publisher
confirm: a retry to its own queue, a park in its dead-letter queue, a replay from there.
Blocking kombu, for nameko handlers (under eventlet) and the dlq command."""
from kombu import Connection, Producer

from .queues import dead_letter_queue
from .redelivery import DLQ_EXCHANGE


def republish(amqp_uri: str, body: bytes, properties: dict, exchange: str, routing_key: str, headers: dict) -> None:
    """Publish and wait for the broker's confirm (raises if it is not given)."""
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        producer = Producer(connection.channel())
        declare = [dead_letter_queue(routing_key)] if exchange == DLQ_EXCHANGE else []
        producer.publish(
            body, exchange=exchange, routing_key=routing_key, headers=headers, declare=declare,
            content_type=properties.get("content_type") or "application/json",
            content_encoding=properties.get("content_encoding") or "utf-8",
            delivery_mode=2, message_id=properties.get("message_id"), retry=False)
