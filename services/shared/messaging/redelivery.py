"""When a consumer fails: retry a few times, then park the event in a dead-letter queue.

nameko's requeue (basic.reject) carries no count and would retry a poison event forever. So a
failed message is re-published to its own queue with an attempts header (publisher confirm
first, then the original is acked: never lost, never doubled in effect thanks to the inbox);
after MAX_ATTEMPTS failures it goes to `dlq.<queue>` instead, where `python -m
services.shared.messaging.dlq` lists and replays it. Pure rules here; I/O in the adapters."""
from dataclasses import dataclass
from datetime import datetime, timezone

from ..config import setting

ATTEMPTS_HEADER = "x-pmis-attempts"   # failed attempts so far
QUEUE_HEADER = "x-pmis-queue"          # the queue a parked message came from
ERROR_HEADER = "x-pmis-error"          # why it was parked (the last error, shortened)
PARKED_AT_HEADER = "x-pmis-parked-at"
DLQ_EXCHANGE = "pmis.dlq"              # direct; a dead-letter queue is bound by its origin queue's name
ERROR_CHARS = 500

MAX_ATTEMPTS_SETTING = "PMIS_EVENT_MAX_ATTEMPTS"
RETRY_SECONDS_SETTING = "PMIS_EVENT_RETRY_SECONDS"


def dlq_name(queue: str) -> str:
    return f"dlq.{queue}"


def max_attempts() -> int:
    return max(1, int(setting(MAX_ATTEMPTS_SETTING)))


def retry_seconds() -> float:
    return max(0.0, float(setting(RETRY_SECONDS_SETTING)))


def attempts_so_far(headers: dict | None) -> int:
    try:
        return max(0, int((headers or {}).get(ATTEMPTS_HEADER) or 0))
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class Decision:
    park: bool          # True: to the dead-letter queue; False: back to its own queue
    routing_key: str    # on the default exchange (retry) or on DLQ_EXCHANGE (park)
    exchange: str
    headers: dict


def after_failure(queue: str, headers: dict | None, error: str, limit: int, now: datetime | None = None,
                  transient: bool = False) -> Decision:
    """Where a message goes after its handler failed once more. `transient`: it failed because a
    dependency is down (unavailable.py), which says nothing about the message: tried again, uncounted."""
    attempts = attempts_so_far(headers) + (0 if transient else 1)
    kept = {k: v for k, v in (headers or {}).items() if k not in (ATTEMPTS_HEADER, ERROR_HEADER)}
    kept[ATTEMPTS_HEADER] = attempts
    kept[ERROR_HEADER] = " ".join(error.split())[:ERROR_CHARS]  # one line: the dlq command lists line by line
    if attempts < limit:
        return Decision(False, queue, "", kept)
    kept[QUEUE_HEADER] = queue
    kept[PARKED_AT_HEADER] = (now or datetime.now(timezone.utc)).isoformat()
    return Decision(True, queue, DLQ_EXCHANGE, kept)


def replay_headers(headers: dict | None) -> dict:
    """Headers of a parked message sent back to its queue: a fresh count of attempts."""
    return {k: v for k, v in (headers or {}).items()
            if k not in (ATTEMPTS_HEADER, ERROR_HEADER, QUEUE_HEADER, PARKED_AT_HEADER)}
