"""The event topology, read from each service's `events.py` declarations.

Every service declares as data what it emits (`EMITS = {event type: meaning}`) and consumes
(`CONSUMES = [(source service, event type), …]`); a consumer method is named `on_<event type>`
and its queue is named as nameko names it ("evt-org-org_created--member.on_org_created"), so
queues that exist keep their messages. `migrate` declares every exchange, queue and dead-letter
queue before any relay publishes: an event published before its consumer started still has
somewhere to go.
"""
import importlib
import inspect

from kombu import Connection
from nameko.events import EventHandler

from ..config import amqp_uri
from ..service_list import SERVICES
from .queues import dead_letter_exchange, dead_letter_queue, ensure_queue, event_exchange, event_queue
from .routing import binding_keys

__all__ = ["SERVICES", "bindings", "declare_all", "declarations", "event_exchange", "handler_problems",
           "routed_by_change", "subscriptions"]


def declarations(service: str) -> tuple[dict, list]:
    """(EMITS, CONSUMES) of a service's events.py."""
    module = importlib.import_module(f"services.{service}.events")
    return dict(module.EMITS), [tuple(pair) for pair in module.CONSUMES]


def routed_by_change(source: str) -> tuple:
    """The event types `source` publishes with what they changed in the routing key (routing.py)."""
    return tuple(getattr(importlib.import_module(f"services.{source}.events"), "ROUTED_BY_CHANGE", ()))


def bindings(service: str, source: str, event_type: str) -> list[str]:
    """The binding keys of `service`'s queue for `source`'s `event_type` (routing.py): its events.py
    `WHEN_CHANGED` names the fields it acts on, if only some."""
    module = importlib.import_module(f"services.{service}.events")
    fields = getattr(module, "WHEN_CHANGED", {}).get((source, event_type))
    return binding_keys(event_type, event_type in routed_by_change(source), fields)


def queue_name(service: str, source: str, event_type: str) -> str:
    return f"evt-{source}-{event_type}--{service}.on_{event_type}"


def subscriptions(service) -> list[tuple[str, str, str]]:
    """(source service, event type, queue name) of each event a service consumes; `service`
    is its name or its nameko class."""
    name = service if isinstance(service, str) else service.name
    return [(source, event_type, queue_name(name, source, event_type)) for source, event_type in declarations(name)[1]]


def service_class(name: str):
    module = importlib.import_module(f"services.{name}.service")
    return next(obj for obj in vars(module).values()
                if inspect.isclass(obj) and getattr(obj, "name", None) == name)


def nameko_handlers(service_cls) -> dict:
    """{(source, event type): method name} of a service class's nameko event handlers."""
    found = {}
    for method_name, method in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventHandler):
                found[(entrypoint.source_service, entrypoint.event_type)] = method_name
    return found


def handler_problems(name: str) -> list[str]:
    """Where a service's declarations and its code disagree: a handler not declared or misnamed,
    a declared event nobody emits, a declared event with no handler (unless the service consumes
    its queues outside nameko, like the stats ingesters: `CONSUMED_BY` in events.py)."""
    emits_by = {service: declarations(service)[0] for service in SERVICES}
    _, consumes = declarations(name)
    module = importlib.import_module(f"services.{name}.events")
    outside_nameko = getattr(module, "CONSUMED_BY", None) is not None
    handlers = nameko_handlers(service_class(name))
    problems = []
    for source, event_type in consumes:
        if event_type not in emits_by.get(source, {}):
            problems.append(f"{name} consumes {source}.{event_type}, which {source} does not emit")
        if not outside_nameko and (source, event_type) not in handlers:
            problems.append(f"{name} declares {source}.{event_type} but has no handler for it")
    for (source, event_type), method in handlers.items():
        if (source, event_type) not in consumes:
            problems.append(f"{name}.{method} handles {source}.{event_type}, not declared in CONSUMES")
        if method != f"on_{event_type}":
            problems.append(f"{name}.{method} handles {event_type}: name it on_{event_type}")
    return problems


def declare_all(services=SERVICES) -> list[str]:
    """Declare every exchange, event queue and dead-letter queue (queues.py: quorum queues; one
    declared before with other arguments is moved, its messages kept)."""
    declared = []
    with Connection(amqp_uri(), transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        dead_letter_exchange()(channel).declare()
        for name in services:
            event_exchange(name)(channel).declare()
        for name in services:
            for source, event_type, queue in subscriptions(name):
                event_exchange(source)(channel).declare()
                ensure_queue(connection, dead_letter_queue(queue))
                ensure_queue(connection, event_queue(queue, source, bindings(name, source, event_type)))
                declared.append(queue)
    return declared
