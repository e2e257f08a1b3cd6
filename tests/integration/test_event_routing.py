"""member_updated reaches only the consumers that act on what it changed (routing.py), on the real
broker, with the queues declared as migrate declares them (topology.declare_all)."""
import shutil
import uuid

import pytest
from kombu import Connection, Producer

from services.shared.messaging.queues import event_exchange
from services.shared.messaging.routing import routing_key
from services.shared.messaging.topology import declare_all, queue_name, routed_by_change
from tests.support.environment import LOCAL_AMQP_HOST, manage_vhost

pytestmark = pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs the local RabbitMQ's rabbitmqctl")

CONSUMERS = ("stats", "dues", "org", "transfer")


@pytest.fixture
def connection(monkeypatch):
    monkeypatch.setenv("PMIS_EVENT_QUEUE_TYPE", "classic")  # the tests' shared broker (queues.py)
    vhost = f"pmis-routing-{uuid.uuid4().hex[:8]}"
    manage_vhost(vhost, "add")
    uri = f"amqp://{LOCAL_AMQP_HOST}/{vhost}"
    monkeypatch.setenv("PMIS_AMQP_URI", uri)
    try:
        declare_all()
        with Connection(uri, transport_options={"confirm_publish": True}) as opened:
            yield opened
    finally:
        manage_vhost(vhost, "delete")


def publish(connection, before, after) -> str:
    key = routing_key("member_updated", {"member_id": 1, "before": before, "after": after},
                      routed_by_change("member"))
    Producer(connection.channel(), exchange=event_exchange("member")).publish(
        {"key": key}, routing_key=key, delivery_mode=2)
    return key


def received(connection) -> dict:
    """consumer → the routing keys of the messages waiting in its member_updated queue (taken)."""
    channel, found = connection.channel(), {}
    for service in CONSUMERS:
        name = queue_name(service, "member", "member_updated")
        found[service] = []
        while (message := channel.basic_get(name, no_ack=True)) is not None:
            found[service].append(message.delivery_info["routing_key"])
    channel.close()
    return found


def test_an_education_edit_reaches_the_statistics_alone(connection):
    key = publish(connection, {"status": "active", "education": "30"}, {"status": "active", "education": "20"})
    assert key == "member_updated.education"
    assert received(connection) == {"stats": [key], "dues": [], "org": [], "transfer": []}


def test_a_leave_reaches_every_consumer_once(connection):
    key = publish(connection, {"status": "active", "education": "30", "left_on": None},
                  {"status": "left", "education": "20", "left_on": "2026-12-01"})
    assert key == "member_updated.education.left_on.status"  # matches three of dues' patterns: one copy
    assert received(connection) == {service: [key] for service in CONSUMERS}


def test_a_rename_reaches_the_dues_rosters_and_the_statistics(connection):
    key = publish(connection, {"name": "甲"}, {"name": "乙"})
    assert received(connection) == {"stats": [key], "dues": [key], "org": [], "transfer": []}


def test_a_change_that_cannot_be_told_reaches_every_consumer(connection):
    key = publish(connection, None, {"status": "left"})
    assert key == "member_updated"
    assert received(connection) == {service: [key] for service in CONSUMERS}


def test_migrate_binds_the_queues_an_earlier_release_declared(connection):
    """An earlier release bound the statistics' queue to the bare type alone: there an edit published
    under its fields reaches nothing, so migrate binds the keys before any new relay publishes one
    (docs/DEPLOY.md, upgrade), keeping what waits in the queue."""
    name = queue_name("stats", "member", "member_updated")
    channel = connection.channel()
    channel.queue_unbind(name, "member.events", "member_updated.#")
    publish(connection, {"education": "30"}, {"education": "20"})
    assert received(connection)["stats"] == []
    publish(connection, None, {"education": "20"})  # bare: waits in the queue across the migrate
    declare_all()
    key = publish(connection, {"education": "30"}, {"education": "20"})
    assert received(connection)["stats"] == ["member_updated", key]
