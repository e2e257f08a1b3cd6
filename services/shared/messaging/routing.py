"""Routing keys that say what an event changed, so a consumer gets only the changes it acts on.

An event type an emitter lists in its events.py `ROUTED_BY_CHANGE` carries `before` and `after`
facts; the relay publishes it with the changed fields as the words of its routing key, sorted:
`member_updated.education`, `member_updated.leave_kind.left_on.status`. A consumer that acts on
some fields only names them in its events.py `WHEN_CHANGED` ({(source, event type): fields}); its
queue is bound to `member_updated.#.status.#` for each such field (a topic `#` is zero or more
words), others to `member_updated.#` (everything). Every queue also keeps the bare binding
`member_updated` that nameko makes: an event whose change cannot be told (no before or after, a key
too long for AMQP) is published under its bare type and reaches every consumer, which then decides
as before.

Why (issue 18): at year end most changes are education and occupation edits that only the
statistics count; delivered to the dues, org and transfer services too, each cost a message, a
nameko worker and a transaction there — three times what counting them cost (docs/BENCHMARKS.md).
"""
MAX_KEY_BYTES = 255  # AMQP's short string


def changed_fields(before, after) -> list[str] | None:
    """The fields whose values differ, sorted; None when the change cannot be told."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return None
    return sorted(field for field in before.keys() | after.keys() if before.get(field) != after.get(field))


def routing_key(event_type: str, payload, routed_by_change) -> str:
    """The key an event is published under: its type, and for a type routed by change the fields
    its payload's before and after differ in (none told, or none differing: the bare type)."""
    if event_type not in routed_by_change:
        return event_type
    fields = changed_fields(payload.get("before"), payload.get("after")) if isinstance(payload, dict) else None
    if not fields or any("." in field or field in ("#", "*") for field in fields):
        return event_type
    key = ".".join([event_type, *fields])
    return key if len(key.encode()) <= MAX_KEY_BYTES else event_type


def binding_keys(event_type: str, routed: bool, fields=None) -> list[str]:
    """A queue's binding keys for an event type: the bare type always; for a type routed by change,
    the fields the consumer acts on (or all of them)."""
    if not routed:
        return [event_type]
    if not fields:
        return [event_type, f"{event_type}.#"]
    return [event_type, *(f"{event_type}.#.{field}.#" for field in sorted(fields))]
