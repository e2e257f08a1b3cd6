"""`python -m services.shared.messaging.dlq list|replay [--queue Q] [--id EVENT_ID]`

Events a consumer gave up on wait in `dlq.<queue>` (redelivery.py). `list` shows them without
taking them out; `replay` sends them back to their queue with a fresh count of attempts (after
the cause is fixed) — the consumer's inbox makes a replay of an event already applied harmless.
Without --queue, every dead-letter queue of every service's declared subscriptions.
"""
import argparse
import json
import sys
from dataclasses import dataclass

from kombu import Connection

from ..config import amqp_uri
from ..service_list import SERVICES
from .queues import dead_letter_queue
from .redelivery import ATTEMPTS_HEADER, ERROR_HEADER, PARKED_AT_HEADER, replay_headers
from .republish import republish
from .topology import subscriptions

MAX_MESSAGES = 10000  # held unacked while listing; more waits for the next run


@dataclass
class Parked:
    queue: str
    event_id: str
    event_type: str
    attempts: int
    parked_at: str
    error: str

    def line(self) -> str:
        fields = [self.queue, self.event_id, self.event_type, str(self.attempts), self.parked_at, self.error]
        return "\t".join(" ".join(field.split()) for field in fields)


def all_queues() -> list[str]:
    return [queue for service in SERVICES for _, _, queue in subscriptions(service)]


def _describe(queue: str, message) -> Parked:
    try:
        body = json.loads(message.body)
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    headers = message.headers or {}
    return Parked(queue, str(body.get("event_id") or message.properties.get("message_id") or ""),
                  str(body.get("type") or ""), int(headers.get(ATTEMPTS_HEADER) or 0),
                  str(headers.get(PARKED_AT_HEADER) or ""), str(headers.get(ERROR_HEADER) or ""))


def _drain(connection, queue: str) -> tuple:
    """Every message of the queue's DLQ, received but not acked: closing the channel puts back
    whatever was not acked, in its order."""
    channel = connection.channel()
    bound = dead_letter_queue(queue)(channel)
    bound.declare()
    messages = []
    while len(messages) < MAX_MESSAGES:
        message = bound.get(no_ack=False)
        if message is None:
            break
        messages.append(message)
    return channel, messages


def list_parked(queues: list[str], event_id: str | None = None) -> list[Parked]:
    found = []
    with Connection(amqp_uri()) as connection:
        for queue in queues:
            channel, messages = _drain(connection, queue)
            found += [p for p in (_describe(queue, m) for m in messages) if not event_id or p.event_id == event_id]
            channel.close()
    return found


def replay(queues: list[str], event_id: str | None = None) -> list[Parked]:
    """Send the matching parked events back to their queues; returns them."""
    uri, replayed = amqp_uri(), []
    with Connection(uri) as connection:
        for queue in queues:
            channel, messages = _drain(connection, queue)
            for message in messages:
                parked = _describe(queue, message)
                if event_id and parked.event_id != event_id:
                    continue
                republish(uri, message.body, {"content_type": message.content_type,
                                              "content_encoding": message.content_encoding,
                                              "message_id": message.properties.get("message_id")},
                          "", queue, replay_headers(message.headers))
                message.ack()  # only after the broker confirmed the copy
                replayed.append(parked)
            channel.close()
    return replayed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="PMIS dead-letter queues: list or replay parked events")
    parser.add_argument("action", choices=("list", "replay"))
    parser.add_argument("--queue", help="an event queue (its DLQ is dlq.<queue>); default: all")
    parser.add_argument("--id", dest="event_id", help="only this event id")
    args = parser.parse_args(argv)
    queues = [args.queue.removeprefix("dlq.")] if args.queue else all_queues()
    unknown = [q for q in queues if q not in all_queues()]
    if unknown:
        print(f"未知的事件队列：{', '.join(unknown)}", file=sys.stderr)
        return 2
    if args.action == "list":
        parked = list_parked(queues, args.event_id)
        for item in parked:
            print(item.line())
        print(f"共 {len(parked)} 个搁置事件", file=sys.stderr)
        return 0
    replayed = replay(queues, args.event_id)
    for item in replayed:
        print(item.line())
    print(f"已重放 {len(replayed)} 个事件", file=sys.stderr)
    return 0 if replayed or not args.event_id else 1


if __name__ == "__main__":
    sys.exit(main())
