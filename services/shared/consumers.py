"""The one way services subscribe to events.

nameko acks a message whose handler raised, which would drop the event silently; requeueing
keeps it until a handler succeeds (the inbox makes the retry harmless).
"""
from nameko.events import event_handler


def consumes(source_service: str, event_type: str):
    return event_handler(source_service, event_type, requeue_on_error=True)
