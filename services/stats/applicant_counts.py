"""入党申请人 in the counters: the member service's applicant events become counted states
(stats.applicant_facts) and their counter deltas in the ingester's transaction
(consumers.apply_states); reconcile recounts them from the member service's own records
(`member.applicant_facts_page`), rebuild from the counted states. The counting rule is
domain/development.py.

Like a member, an applicant keeps its last counted version: an older or repeated event changes
nothing, a newer one adds contributions(new) − contributions(old), whatever the order.
"""
from collections import Counter

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from .domain.counters import delta, rolled
from .domain.development import applicant_entries, applicant_of, counted_path
from .models import applicant_facts
from .store import counted_paths

PAGE = 2000
LOCK = text("""
INSERT INTO stats.applicant_facts (applicant_id, version) SELECT unnest(CAST(:ids AS bigint[])), 0
ON CONFLICT (applicant_id) DO UPDATE SET version = stats.applicant_facts.version
RETURNING applicant_id, version, path, facts
""")


def _after(event: dict) -> dict | None:
    return (event.get("payload") or {}).get("after")


def apply_applicants(session: Session, events: list) -> tuple[Counter, list]:
    """Count the applicant states in `events` newer than what is counted (in the caller's
    transaction, rows locked in id order): (their counter deltas, the events deferred because
    their organization is not known here yet). The organization's path as counted here wins over
    the event's (an org move may not have reached the member service when it wrote the event)."""
    newest: dict = {}
    for event in events:
        key = applicant_of(event)
        if key not in newest or int(event["aggregate_version"]) > int(newest[key]["aggregate_version"]):
            newest[key] = event
    if not newest:
        return Counter(), []
    ids = sorted(newest)
    locked = {row.applicant_id: row for row in session.execute(LOCK, {"ids": ids})}
    paths = counted_paths(session, {int(facts["org_id"]) for facts in map(_after, newest.values())
                                    if facts and facts.get("org_id") is not None})
    deltas: Counter = Counter()
    changed, deferred = [], []
    for applicant_id in ids:
        event, old = newest[applicant_id], locked[applicant_id]
        if int(event["aggregate_version"]) <= old.version:
            continue
        facts = _after(event)
        org_id = (facts or {}).get("org_id")
        path = (paths.get(int(org_id)) if org_id is not None else None) or counted_path(facts)
        if facts and path is None:
            deferred.append(event)
            continue
        deltas.update(delta(rolled(applicant_entries(old.facts), old.path), rolled(applicant_entries(facts), path)))
        changed.append({"a": applicant_id, "version": int(event["aggregate_version"]), "org_id": org_id,
                        "path": path, "facts": facts})
    if changed:
        session.execute(update(applicant_facts).where(applicant_facts.c.applicant_id == bindparam("a"))
                        .values(version=bindparam("version"), org_id=bindparam("org_id"), path=bindparam("path"),
                                facts=bindparam("facts")), changed)
    return deltas, deferred


def source_entries(items: list) -> list:
    """(path, entries) of a page of the member service's applicants (reconcile)."""
    return [(counted_path(item["facts"]), applicant_entries(item["facts"])) for item in items
            if counted_path(item["facts"])]


def as_event(item: dict) -> dict:
    """A source record shaped as its event, for rebuild to apply like one."""
    return {"event_id": None, "type": "applicant_updated", "aggregate_id": str(item["applicant_id"]),
            "aggregate_version": item["version"],
            "payload": {"applicant_id": item["applicant_id"], "after": item["facts"]}}


def counted_sides(session: Session):
    """Pages of (path, entries) of every counted applicant (rebuild)."""
    after = 0
    while True:
        rows = session.execute(select(applicant_facts).where(
            applicant_facts.c.applicant_id > after, applicant_facts.c.version > 0)
            .order_by(applicant_facts.c.applicant_id).limit(PAGE)).all()
        if not rows:
            break
        yield [(row.path, applicant_entries(row.facts)) for row in rows if row.path]
        after = rows[-1].applicant_id
