"""Declare every event queue before any relay publishes.

nameko declares an event handler's queue only when its service starts; an event published
before that would have nowhere to go. `migrate` declares the same exchanges and queues nameko
would (same names and flags), so no event is lost to start-up order.
"""
import importlib
import inspect

from kombu import Connection, Exchange, Queue
from nameko.events import EventHandler

from .config import amqp_uri

SERVICES = ("org", "member", "transfer", "dues", "media", "stats")


def event_exchange(source_service: str) -> Exchange:
    return Exchange(f"{source_service}.events", type="topic", durable=True)


def subscriptions(service_cls) -> list[tuple[str, str, str]]:
    """(source service, event type, queue name) for each event handler of a service class."""
    found = []
    for method_name, method in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventHandler):
                queue = f"evt-{entrypoint.source_service}-{entrypoint.event_type}--{service_cls.name}.{method_name}"
                found.append((entrypoint.source_service, entrypoint.event_type, queue))
    # Queues consumed outside nameko (the stats ingesters): [(source, event type)], named as
    # nameko would name a handler "on_<event type>".
    for source, event_type in getattr(service_cls, "event_queues", ()):
        found.append((source, event_type, f"evt-{source}-{event_type}--{service_cls.name}.on_{event_type}"))
    return found


def service_class(name: str):
    module = importlib.import_module(f"services.{name}.service")
    return next(obj for obj in vars(module).values()
                if inspect.isclass(obj) and getattr(obj, "name", None) == name)


def declare_all(services=SERVICES) -> list[str]:
    declared = []
    with Connection(amqp_uri()) as connection:
        channel = connection.channel()
        for name in services:
            event_exchange(name)(channel).declare()
            for source, event_type, queue_name in subscriptions(service_class(name)):
                Queue(queue_name, exchange=event_exchange(source), routing_key=event_type,
                      durable=True, auto_delete=False, exclusive=False)(channel).declare()
                declared.append(queue_name)
    return declared
