"""The one way services subscribe to events: `@consumes(source, event_type)` on a method named
`on_<event_type>` that the service's events.py declares in CONSUMES.

nameko acks a message whose handler raised (the event would be lost) or, with requeue, retries
it forever. Here a failure is retried with a count and parked in `dlq.<queue>` after
PMIS_EVENT_MAX_ATTEMPTS (redelivery.py) — a failure because the database is down is retried
without counting (unavailable.py); the handler's effect and its inbox claim commit
together, so a retry or a replay never applies an event twice.
"""
import logging
import traceback

import eventlet
from kombu import binding
from nameko.events import EventHandler

from ..config import amqp_uri
from ..unavailable import dependency_down
from .queues import event_queue_arguments
from .redelivery import after_failure, max_attempts, retry_seconds
from .republish import republish
from .topology import bindings

log = logging.getLogger("pmis.consumers")


def error_text(exc_info) -> str:
    return "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()


def message_properties(message) -> dict:
    return {"content_type": message.content_type, "content_encoding": message.content_encoding,
            "message_id": message.properties.get("message_id")}


class LimitedEventHandler(EventHandler):
    """A SERVICE_POOL event handler that retries a failed event a few times, then parks it; its
    queue is declared as migrate declares it (queues.py: a quorum queue, bound by routing.py's keys)."""

    def setup(self):
        super().setup()
        self.queue.queue_arguments = event_queue_arguments(self.queue.name)
        keys = bindings(self.container.service_name, self.source_service, self.event_type)
        # nameko's Queue binds the bare type itself (keys[0]); the rest are added beside it.
        self.queue.bindings = {binding(self.queue.exchange, routing_key=key) for key in keys[1:]}

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return
        decision = after_failure(self.queue.name, message.headers, error_text(exc_info), max_attempts(),
                                 transient=dependency_down(exc_info[1]))
        try:
            if not decision.park:
                eventlet.sleep(retry_seconds())
            republish(self.container.config.get("AMQP_URI") or amqp_uri(), message.body,
                      message_properties(message), decision.exchange, decision.routing_key, decision.headers)
        except Exception:  # the broker did not take it: leave the original in its queue
            log.exception("could not retry or park a message of %s; requeueing it", self.queue.name)
            self.queue_consumer.requeue_message(message)
            return
        if decision.park:
            log.error("parked event %s in dlq.%s after %s attempts: %s", message.properties.get("message_id"),
                      self.queue.name, decision.headers["x-pmis-attempts"], decision.headers["x-pmis-error"])
        self.queue_consumer.ack_message(message)


def consumes(source_service: str, event_type: str):
    return LimitedEventHandler.decorator(source_service, event_type)
