"""How every event queue is declared, in one place (migrate, the nameko handlers, the stats
ingesters and the dead-letter tools must declare each queue with the same arguments, or the broker
refuses the second declaration).

Event queues and their dead-letter queues are quorum queues: replicated and written to disk on a
cluster of brokers, so a message the broker confirmed survives the loss of a node. An event queue
also dead-letters, through the broker itself, a message delivered DELIVERY_LIMIT times — a message
whose consumer died before acking it each time (a crash, an OOM kill), which the handlers' own retry
(redelivery.py) never sees — into `dlq.<queue>`, at least once.

PMIS_EVENT_QUEUE_TYPE=classic declares plain classic queues instead (no replication, no delivery
limit). The tests use it on the machine's one shared RabbitMQ 3.10: there, connecting to a vhost
holding quorum queues while another vhost creates quorum queues stalled for 122 s every time
(bench/quorum_stall.py, docs/BENCHMARKS.md), and every test system is a vhost of its own; a deployment has
one vhost.

A queue declared before with other arguments (a classic queue of an earlier PMIS) is moved by
`ensure_queue`: a holding queue bound like it takes every event published meanwhile, the old
queue's messages are copied into it (publisher confirms) and the old queue deleted — only if no
consumer is on it, so migrate runs with the services stopped — then the new queue is declared and
the holding queue's messages moved into it. Nothing is lost; a message published during the move
may arrive twice, which the consumers' inboxes absorb.
"""
import logging

from amqp.exceptions import PreconditionFailed
from kombu import Connection, Exchange, Queue, binding

from ..config import setting
from .redelivery import DLQ_EXCHANGE, dlq_name

log = logging.getLogger("pmis.queues")

QUEUE_TYPES = ("quorum", "classic")
DELIVERY_LIMIT = 20  # a prefetched message is redelivered once per consumer crash: 20 crashes in a row is a poison
HOLDING_SUFFIX = ".moving"


class QueueInUse(RuntimeError):
    pass


def event_exchange(source_service: str) -> Exchange:
    return Exchange(f"{source_service}.events", type="topic", durable=True)


def dead_letter_exchange() -> Exchange:
    return Exchange(DLQ_EXCHANGE, type="direct", durable=True)


def queue_type() -> str:
    chosen = setting("PMIS_EVENT_QUEUE_TYPE").strip()
    if chosen not in QUEUE_TYPES:
        raise ValueError(f"PMIS_EVENT_QUEUE_TYPE 应为 {' 或 '.join(QUEUE_TYPES)}，而不是 {chosen!r}")
    return chosen


def dead_letter_arguments() -> dict:
    return {"x-queue-type": queue_type()}


def event_queue_arguments(queue: str) -> dict:
    if queue_type() == "classic":
        return dead_letter_arguments()
    return {**dead_letter_arguments(), "x-dead-letter-exchange": DLQ_EXCHANGE, "x-dead-letter-routing-key": queue,
            "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish",
            "x-delivery-limit": DELIVERY_LIMIT}


def event_queue(queue: str, source: str, keys: list[str]) -> Queue:
    """`keys`: its binding keys on the source's exchange (topology.bindings, routing.py). (kombu binds
    a Queue given `bindings` by those alone, not by its `exchange` and `routing_key`.)"""
    exchange = event_exchange(source)
    return Queue(queue, durable=True, auto_delete=False, exclusive=False, queue_arguments=event_queue_arguments(queue),
                 bindings=[binding(exchange, routing_key=key) for key in keys])


def dead_letter_queue(queue: str) -> Queue:
    return Queue(dlq_name(queue), exchange=dead_letter_exchange(), routing_key=queue, durable=True,
                 auto_delete=False, exclusive=False, queue_arguments=dead_letter_arguments())


def _holding(queue: Queue) -> Queue:
    return Queue(queue.name + HOLDING_SUFFIX, bindings=queue.bindings, durable=True, auto_delete=False,
                 exclusive=False, queue_arguments=dead_letter_arguments())


def _declared(connection: Connection, queue: Queue) -> bool:
    """Declare (and bind) `queue` on a channel of its own: a refused declaration closes the channel."""
    channel = connection.channel()
    try:
        queue(channel).declare()
        return True
    except PreconditionFailed:
        return False
    finally:
        if channel.is_open:
            channel.close()


def _copy_all(connection: Connection, source: str, target: str) -> int:
    """Copy every message of `source` to `target` (confirmed), acking each after its copy."""
    channel = connection.channel()
    moved = 0
    try:
        while True:
            message = channel.basic_get(source, no_ack=False)
            if message is None:
                return moved
            channel.basic_publish(message, exchange="", routing_key=target)  # confirmed: see ensure_queue
            channel.basic_ack(message.delivery_tag)
            moved += 1
    finally:
        channel.close()


def _delete(connection: Connection, name: str, only_unused: bool = False) -> None:
    """Delete a queue; with `only_unused`, refuse while a consumer is on it (asked by a passive
    declaration: a quorum queue cannot be deleted with if_unused — the broker closes the connection)."""
    channel = connection.channel()
    try:
        if only_unused and channel.queue_declare(name, passive=True).consumer_count:
            raise QueueInUse(f"队列 {name} 仍有消费者，未迁移：请先停止所有服务再执行迁移")
        channel.queue_delete(name)
    finally:
        channel.close()


def ensure_queue(connection: Connection, queue: Queue) -> int:
    """Declare `queue`; if it exists with other arguments, move it (module docstring). Returns how
    many messages were moved. `connection` must publish with confirms."""
    if _declared(connection, queue):
        return 0
    holding = _holding(queue)
    if not _declared(connection, holding):
        raise RuntimeError(f"队列 {holding.name} 已存在且参数不同，无法迁移 {queue.name}")
    moved = _copy_all(connection, queue.name, holding.name)
    _delete(connection, queue.name, only_unused=True)
    if not _declared(connection, queue):
        raise RuntimeError(f"队列 {queue.name} 删除后仍不能按新参数声明")
    _copy_all(connection, holding.name, queue.name)
    _delete(connection, holding.name)  # what reached it after the copy reached the new queue too
    log.info("moved queue %s to its new arguments (%d messages)", queue.name, moved)
    return moved
