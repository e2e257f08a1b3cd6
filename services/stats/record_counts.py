"""Records another service keeps whose states the stats service counts, one row each (入党申请人:
applicant_counts.py; 届次: term_counts.py): the events become counted states (a `*_facts` table
keyed by the record's id: version, organization, counted path, facts) and their counter deltas
in the ingester's transaction (consumers.apply_states); reconcile recounts from the source's own
records, rebuild from the counted states.

A record keeps its last counted version: an older or repeated event changes nothing, a newer one
adds contributions(new) − contributions(old), whatever the order. The organization's path as
counted here wins over the event's (an org move may not have reached the source service when it
wrote the event); a record of an organization not known here and without a path is deferred.
"""
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.orm import Session

from .domain.counters import delta, rolled
from .store import counted_paths

PAGE = 2000


@dataclass(frozen=True)
class CountedRecords:
    table: Table                      # stats.<kind>_facts: (<key>, version, org_id, path, facts)
    key: str                          # its id column
    entries: Callable                 # (facts, report date) → Counter of (dimension, value, year) → n (pure)
    record_of: Callable               # event → record id
    facts_of: Callable                # event → the record's facts (None: nothing counts)

    @staticmethod
    def org_of(facts: dict | None):
        return (facts or {}).get("org_id")

    @staticmethod
    def path_of(facts: dict | None) -> str | None:
        return (facts or {}).get("org_path")

    def _lock(self, session: Session, ids: list) -> dict:
        """The counted rows of `ids`, locked in id order (a version 0 placeholder for a new one)."""
        name, key = self.table.name, self.key
        statement = text(f"INSERT INTO stats.{name} ({key}, version) SELECT unnest(CAST(:ids AS bigint[])), 0 "
                         f"ON CONFLICT ({key}) DO UPDATE SET version = stats.{name}.version "
                         f"RETURNING {key}, version, path, facts")
        return {row[0]: row for row in session.execute(statement, {"ids": ids})}

    def apply(self, session: Session, events: list, cutoff: tuple) -> tuple[Counter, list]:
        """Count the states in `events` newer than what is counted (in the caller's transaction, by
        the report date `cutoff`): (their counter deltas, the events deferred because their
        organization is not known here)."""
        newest: dict = {}
        for event in events:
            key = self.record_of(event)
            if key not in newest or int(event["aggregate_version"]) > int(newest[key]["aggregate_version"]):
                newest[key] = event
        if not newest:
            return Counter(), []
        ids = sorted(newest)
        locked = self._lock(session, ids)
        paths = counted_paths(session, {int(org_id) for org_id in (
            self.org_of(self.facts_of(event)) for event in newest.values()) if org_id is not None})
        deltas: Counter = Counter()
        changed, deferred = [], []
        for record_id in ids:
            event, old = newest[record_id], locked[record_id]
            if int(event["aggregate_version"]) <= old.version:
                continue
            facts = self.facts_of(event)
            org_id = self.org_of(facts)
            path = (paths.get(int(org_id)) if org_id is not None else None) or self.path_of(facts)
            if facts and path is None:
                deferred.append(event)
                continue
            deltas.update(delta(rolled(self.entries(old.facts, cutoff), old.path),
                                rolled(self.entries(facts, cutoff), path)))
            changed.append({"record_id": record_id, "version": int(event["aggregate_version"]), "org_id": org_id,
                            "path": path, "facts": facts})
        if changed:
            session.execute(update(self.table).where(self.table.c[self.key] == bindparam("record_id"))
                            .values(version=bindparam("version"), org_id=bindparam("org_id"), path=bindparam("path"),
                                    facts=bindparam("facts")), changed)
        return deltas, deferred

    def source_entries(self, items: list, cutoff: tuple) -> list:
        """(path, entries) of a page of the source service's records (reconcile)."""
        return [(self.path_of(item["facts"]), self.entries(item["facts"], cutoff)) for item in items
                if self.path_of(item["facts"])]

    def counted_sides(self, session: Session, cutoff: tuple):
        """Pages of (path, entries) of every counted record (rebuild)."""
        key, after = self.table.c[self.key], 0
        while True:
            rows = session.execute(select(self.table).where(key > after, self.table.c.version > 0)
                                   .order_by(key).limit(PAGE)).all()
            if not rows:
                break
            yield [(row.path, self.entries(row.facts, cutoff)) for row in rows if row.path]
            after = rows[-1]._mapping[self.key]
