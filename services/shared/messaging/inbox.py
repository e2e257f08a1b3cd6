"""The inbox (house rule 2): a consumer claims an event in the transaction of its effect, so a
redelivered event finds its row and changes nothing. One `claim` for the stats ingester's
batches and for nameko event handlers (a batch of one)."""
from sqlalchemy import Column, DateTime, MetaData, Table, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Session


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox", metadata,
        Column("event_id", UUID(as_uuid=True), primary_key=True),
        Column("event_type", Text, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def _claim_statement(inbox: Table):
    # Arrays, not a multi-row VALUES: one statement text whatever the batch size, so it is
    # compiled once (a 500-row VALUES cost ~0.1 s to compile, per batch).
    return text(f"""
INSERT INTO {inbox.schema}.{inbox.name} (event_id, event_type)
SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:types AS text[]))
ON CONFLICT DO NOTHING RETURNING event_id
""")


def claim(session: Session, inbox: Table, events: list[dict]) -> list[dict]:
    """The events delivered here for the first time, their inbox rows inserted (in event id
    order, so parallel consumers lock in one order and never deadlock); duplicates dropped."""
    unique = {str(event["event_id"]): event for event in events}
    if not unique:
        return []
    ids = sorted(unique)
    claimed = session.execute(_claim_statement(inbox), {"ids": ids, "types": [unique[i]["type"] for i in ids]})
    fresh = {str(event_id) for event_id, in claimed}
    return [event for event_id, event in unique.items() if event_id in fresh]


def unclaim(session: Session, inbox: Table, events: list[dict]) -> None:
    """Forget claims made in this transaction for events that must come again later."""
    if events:
        session.execute(inbox.delete().where(inbox.c.event_id.in_([str(e["event_id"]) for e in events])))
