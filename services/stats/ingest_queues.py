"""The event queues the stats ingesters consume: (source service, event type). Queue names
keep the ones the stats service's nameko handlers used ("evt-member-member_created--stats.
on_member_created"), so queues that exist keep their messages."""
from .domain.fold import MEMBER_EVENTS, ORG_EVENTS

INGESTED = tuple(("org", event_type) for event_type in ORG_EVENTS) + tuple(
    ("member", event_type) for event_type in MEMBER_EVENTS)

