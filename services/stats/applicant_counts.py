"""入党申请人 in the counters: the member service's applicant events become counted states
(stats.applicant_facts) and their counter deltas in the ingester's transaction
(consumers.apply_states); reconcile recounts them from the member service's own records
(`member.applicant_facts_page`), rebuild from the counted states (record_counts.py says how).
The counting rule is domain/development.py.
"""
from collections import Counter

from sqlalchemy.orm import Session

from .domain.development import applicant_entries, applicant_of
from .models import applicant_facts
from .record_counts import CountedRecords


def _after(event: dict) -> dict | None:
    return (event.get("payload") or {}).get("after")


APPLICANTS = CountedRecords(applicant_facts, "applicant_id", applicant_entries, applicant_of, _after)


def apply_applicants(session: Session, events: list, cutoff: tuple) -> tuple[Counter, list]:
    """Count the applicant states in `events` newer than what is counted: (their counter deltas,
    the events deferred because their organization is not known here yet)."""
    return APPLICANTS.apply(session, events, cutoff)


def source_entries(items: list, cutoff: tuple) -> list:
    """(path, entries) of a page of the member service's applicants (reconcile)."""
    return APPLICANTS.source_entries(items, cutoff)


def as_event(item: dict) -> dict:
    """A source record shaped as its event, for rebuild to apply like one."""
    return {"event_id": None, "type": "applicant_updated", "aggregate_id": str(item["applicant_id"]),
            "aggregate_version": item["version"],
            "payload": {"applicant_id": item["applicant_id"], "after": item["facts"]}}


def counted_sides(session: Session, cutoff: tuple):
    """Pages of (path, entries) of every counted applicant (rebuild)."""
    return APPLICANTS.counted_sides(session, cutoff)
