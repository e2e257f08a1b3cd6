"""换届 in the counters: the org service's term events (term_opened, term_closed, term_approved,
committee_changed: each the term's whole state) become counted states (stats.term_facts) and
their counter deltas in the ingester's transaction (consumers.apply_states); reconcile recounts
them from the org service's own terms (`org.term_facts_page`), rebuild from the counted states
(record_counts.py says how). The counting rule is domain/terms.py.
"""
from collections import Counter

from sqlalchemy.orm import Session

from .domain.terms import term_entries, term_facts, term_of
from .models import term_facts as term_facts_table
from .record_counts import CountedRecords
from .store import rewrite_paths

TERMS = CountedRecords(term_facts_table, "term_id", term_entries, term_of, term_facts)


def apply_terms(session: Session, events: list, cutoff: tuple) -> tuple[Counter, list]:
    """Count the term states in `events` newer than what is counted: (their counter deltas, the
    events deferred because their organization is not known here yet)."""
    return TERMS.apply(session, events, cutoff)


def as_event(item: dict) -> dict:
    """A term of the org service's page shaped as its event, for rebuild to apply like one."""
    return {"event_id": None, "type": "term_approved", "aggregate_id": str(item["id"]),
            "aggregate_version": item["version"], "payload": item["facts"]}


def rehome(session: Session, old_path: str, new_path: str) -> None:
    """An organization moved: the terms counted under it have their new paths."""
    rewrite_paths(session, term_facts_table.c.path, old_path, new_path)
