"""The stats service emits nothing; it consumes every org and member event that changes a
count. Its queues are consumed by the batch ingesters (`python -m services.stats.ingest`), not
by nameko handlers: CONSUMED_BY says so, and topology still names and declares the queues."""
from .domain.fold import MEMBER_EVENTS, ORG_EVENTS

EMITS: dict = {}
CONSUMES = [("org", event_type) for event_type in ORG_EVENTS] + [("member", event_type) for event_type in MEMBER_EVENTS]
CONSUMED_BY = "services.stats.ingest"
