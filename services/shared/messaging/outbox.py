"""Transactional outbox (house rule 2): a command writes its change and `record_event` in one
transaction; the relay publishes later. The consumer side is inbox.py."""
import uuid
from datetime import datetime, timezone

from sqlalchemy import BigInteger, Column, DateTime, Index, MetaData, Table, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Session

from ..bulk import copy_rows
from ..context import Caller
from ..observability import tracing


def outbox_table(metadata: MetaData) -> Table:
    table = Table(
        "outbox", metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("event_type", Text, nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("sent_at", DateTime(timezone=True)),
    )
    Index("outbox_unsent", table.c.id, postgresql_where=text("sent_at IS NULL"))
    return table


def envelope(event_type: str, aggregate_id, aggregate_version: int, payload: dict, caller: Caller,
             trace_carrier: dict | None = None) -> dict:
    """The event envelope of DESIGN.md rule 3; payload values must already be JSON-plain. `trace` (when
    the writer is traced) names the writer's span, so the relay can continue its trace; `trace_carrier`
    is that span's traceparent if the caller took it already (once for many events)."""
    trace_carrier = tracing.inject({}) if trace_carrier is None else trace_carrier
    return {
        "event_id": str(uuid.uuid4()),
        "type": event_type,
        "aggregate_id": str(aggregate_id),
        "aggregate_version": aggregate_version,
        "occurred_at": datetime.now(timezone.utc).isoformat(),
        "actor": caller.user_id,
        "request_id": caller.request_id,
        "payload": payload,
        **({"trace": trace_carrier} if trace_carrier else {}),
    }


def record_event(session: Session, outbox: Table, event_type: str, aggregate_id, aggregate_version: int,
                 payload: dict, caller: Caller) -> dict:
    return record_events(session, outbox, [(event_type, aggregate_id, aggregate_version, payload)], caller)[0]


BULK = 50  # from this many events on, COPY is faster than a multi-row INSERT


def relay_channel(schema: str) -> str:
    """The NOTIFY channel on which a service's relay waits for committed outbox rows."""
    return f"{schema}_outbox"


def record_events(session: Session, outbox: Table, events: list[tuple], caller: Caller) -> list[dict]:
    """Many outbox rows in one statement: (event_type, aggregate_id, aggregate_version, payload) each.
    The transaction also notifies the relay, which PostgreSQL delivers at commit (once per transaction
    and channel): the relay waits for it instead of polling the table 20 times a second."""
    trace_carrier = tracing.inject({})
    envelopes = [envelope(event_type, aggregate_id, version, payload, caller, trace_carrier)
                 for event_type, aggregate_id, version, payload in events]
    rows = [{"event_id": e["event_id"], "event_type": e["type"], "envelope": e} for e in envelopes]
    if len(rows) > BULK:
        copy_rows(session, outbox, rows)
    elif rows:
        session.execute(outbox.insert(), rows)
    if rows:
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": relay_channel(outbox.schema)})
    return envelopes

