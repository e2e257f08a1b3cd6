"""Event queues are quorum queues (queues.py) on the real broker: one declared before as a classic
queue is moved with every message kept; the move refuses while a consumer is on the old queue; a
message whose consumer dies DELIVERY_LIMIT times is dead-lettered by the broker into dlq.<queue>."""
import shutil
import time
import uuid

import pytest
from amqp.exceptions import NotFound, PreconditionFailed
from kombu import Connection, Producer, Queue

from services.shared.messaging.queues import (
    DELIVERY_LIMIT,
    HOLDING_SUFFIX,
    QueueInUse,
    dead_letter_queue,
    ensure_queue,
    event_exchange,
    event_queue,
)
from services.shared.messaging.redelivery import dlq_name
from tests.support.environment import LOCAL_AMQP_HOST, manage_vhost

pytestmark = pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs the local RabbitMQ's rabbitmqctl")

SOURCE, EVENT = "queuetest", "thing_changed"


@pytest.fixture
def connection(monkeypatch):
    monkeypatch.setenv("PMIS_EVENT_QUEUE_TYPE", "quorum")  # what a deployment declares
    vhost = f"pmis-queues-{uuid.uuid4().hex[:8]}"
    manage_vhost(vhost, "add")
    try:
        with Connection(f"amqp://{LOCAL_AMQP_HOST}/{vhost}", transport_options={"confirm_publish": True}) as opened:
            event_exchange(SOURCE)(opened.channel()).declare()
            yield opened
    finally:
        manage_vhost(vhost, "delete")


def publish(connection, count: int) -> None:
    producer = Producer(connection.channel(), exchange=event_exchange(SOURCE))
    for number in range(count):
        producer.publish({"n": number}, routing_key=EVENT, headers={"x-pmis-attempts": number}, delivery_mode=2)


def drain(connection, name: str) -> list:
    channel, found = connection.channel(), []
    while (message := channel.basic_get(name, no_ack=True)) is not None:
        found.append(message)
    channel.close()
    return found


def wait_for_messages(connection, name: str, seconds: float = 30.0) -> list:
    deadline = time.monotonic() + seconds
    while not (found := drain(connection, name)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def exists(connection, name: str) -> bool:
    channel = connection.channel()
    try:
        channel.queue_declare(name, passive=True)
        return True
    except NotFound:
        return False
    finally:
        if channel.is_open:
            channel.close()


def classic(name: str, arguments: dict | None = None) -> Queue:
    return Queue(name, exchange=event_exchange(SOURCE), routing_key=EVENT, durable=True, queue_arguments=arguments)


@pytest.mark.parametrize("before", [None, {"x-queue-type": "quorum"}], ids=["classic", "quorum-without-limit"])
def test_a_queue_declared_otherwise_is_moved_with_every_message(connection, before):
    name = f"evt-{SOURCE}-{EVENT}--moving.on_{EVENT}"
    classic(name, before)(connection.channel()).declare()
    publish(connection, 5)

    assert ensure_queue(connection, event_queue(name, SOURCE, [EVENT])) == 5
    with pytest.raises(PreconditionFailed):  # now declared with the new arguments only
        classic(name, before)(connection.channel()).declare()
    assert not exists(connection, name + HOLDING_SUFFIX)
    publish(connection, 1)  # still bound to the exchange
    kept = drain(connection, name)
    assert [m.headers["x-pmis-attempts"] for m in kept] == [0, 1, 2, 3, 4, 0]
    assert ensure_queue(connection, event_queue(name, SOURCE, [EVENT])) == 0  # declared as it is: nothing to do


def test_the_move_refuses_while_a_consumer_is_on_the_old_queue(connection):
    name = f"evt-{SOURCE}-{EVENT}--busy.on_{EVENT}"
    classic(name)(connection.channel()).declare()
    publish(connection, 3)
    listener = connection.channel()
    listener.basic_qos(0, 1, False)
    listener.basic_consume(name, callback=lambda message: None)
    with pytest.raises(QueueInUse, match="请先停止所有服务"):
        ensure_queue(connection, event_queue(name, SOURCE, [EVENT]))
    listener.close()  # its unacked event goes back to the old queue; the other two wait in the holding queue
    assert ensure_queue(connection, event_queue(name, SOURCE, [EVENT])) == 1
    assert sorted(m.headers["x-pmis-attempts"] for m in drain(connection, name)) == [0, 1, 2]


def test_a_message_delivered_too_often_is_dead_lettered_by_the_broker(connection):
    name = f"evt-{SOURCE}-{EVENT}--poison.on_{EVENT}"
    ensure_queue(connection, dead_letter_queue(name))
    ensure_queue(connection, event_queue(name, SOURCE, [EVENT]))
    publish(connection, 1)
    channel = connection.channel()
    for _ in range(DELIVERY_LIMIT + 1):  # each a consumer that died before its ack
        message = channel.basic_get(name, no_ack=False)
        assert message is not None
        channel.basic_reject(message.delivery_tag, requeue=True)
    channel.close()
    parked = wait_for_messages(connection, dlq_name(name))  # dead-lettering is asynchronous in the broker
    assert len(parked) == 1 and parked[0].headers["x-pmis-attempts"] == 0
    assert drain(connection, name) == []


def test_classic_queues_on_request_and_no_other_kind(monkeypatch):
    monkeypatch.setenv("PMIS_EVENT_QUEUE_TYPE", "classic")
    assert event_queue("q", SOURCE, [EVENT]).queue_arguments == {"x-queue-type": "classic"}
    assert dead_letter_queue("q").queue_arguments == {"x-queue-type": "classic"}
    monkeypatch.setenv("PMIS_EVENT_QUEUE_TYPE", "lazy")
    with pytest.raises(ValueError, match="PMIS_EVENT_QUEUE_TYPE"):
        event_queue("q", SOURCE, [EVENT])
