"""流动党员 in the counters: the transfer service's outflow and inflow events become counted
states (stats.mobility_facts) and their counter deltas in the ingester's transaction
(consumers.apply_states); reconcile recounts them from the transfer service's own records
(`transfer.mobility_facts_page`), rebuild from the counted states. The counting rule is
domain/mobility.py.

Like a member, an outflow or inflow keeps its last counted version: an older or repeated event
changes nothing, a newer one adds contributions(new) − contributions(old), whatever the order.
"""
from collections import Counter

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from services.shared.config import setting

from .domain.counters import delta, rolled
from .domain.mobility import KINDS, counted_org, counted_path, mobility_entries, record_of
from .models import mobility_facts
from .store import counted_paths, rewrite_paths

PAGE = 2000
LOCK = text("""
INSERT INTO stats.mobility_facts (kind, record_id, version)
SELECT unnest(CAST(:kinds AS text[])), unnest(CAST(:ids AS bigint[])), 0
ON CONFLICT (kind, record_id) DO UPDATE SET version = stats.mobility_facts.version
RETURNING kind, record_id, version, path, facts
""")


def province() -> str:
    """The deployment's province (行政区划 code, first two digits): 省内 and 跨省 are told by it."""
    return setting("PMIS_PROVINCE_DIVISION")


def entries(kind: str, facts: dict | None, cutoff: tuple) -> Counter:
    return mobility_entries(kind, facts, province(), cutoff)


def _newest(events: list) -> dict:
    newest: dict = {}
    for event in events:
        key = record_of(event)
        if key not in newest or int(event["aggregate_version"]) > int(newest[key]["aggregate_version"]):
            newest[key] = event
    return newest


def apply_mobility(session: Session, events: list, cutoff: tuple) -> tuple[Counter, list]:
    """Count the outflow and inflow states in `events` newer than what is counted (in the caller's
    transaction, rows locked in key order): (their counter deltas, the events deferred because
    their organization is not known here yet). The organization's path as counted here wins over
    the event's (an org move may not have reached the transfer service when it wrote the event)."""
    newest = _newest(events)
    if not newest:
        return Counter(), []
    keys = sorted(newest)
    locked = {(row.kind, row.record_id): row for row in session.execute(
        LOCK, {"kinds": [kind for kind, _ in keys], "ids": [number for _, number in keys]})}
    paths = counted_paths(session, {int(org_id) for (kind, _), event in newest.items()
                                     for org_id in [counted_org(kind, event["payload"])] if org_id is not None})
    deltas: Counter = Counter()
    changed, deferred = [], []
    for key in keys:
        event, old = newest[key], locked[key]
        kind, facts = key[0], event["payload"]
        if int(event["aggregate_version"]) <= old.version:
            continue
        org_id = counted_org(kind, facts)
        path = paths.get(int(org_id)) if org_id is not None else None
        path = path or counted_path(kind, facts)
        if path is None:
            deferred.append(event)
            continue
        deltas.update(delta(rolled(entries(kind, old.facts, cutoff), old.path),
                            rolled(entries(kind, facts, cutoff), path)))
        changed.append({"k": kind, "r": key[1], "version": int(event["aggregate_version"]), "org_id": org_id,
                        "path": path, "facts": facts})
    if changed:
        session.execute(update(mobility_facts).where(mobility_facts.c.kind == bindparam("k"),
                                                     mobility_facts.c.record_id == bindparam("r"))
                        .values(version=bindparam("version"), org_id=bindparam("org_id"), path=bindparam("path"),
                                facts=bindparam("facts")), changed)
    return deltas, deferred


def rehome(session: Session, old_path: str, new_path: str) -> None:
    """An organization moved: the outflows and inflows counted under it have their new paths."""
    rewrite_paths(session, mobility_facts.c.path, old_path, new_path)


def source_entries(kind: str, items: list, cutoff: tuple) -> list:
    """(path, entries) of a page of the transfer service's records (reconcile)."""
    return [(counted_path(kind, item["facts"]), entries(kind, item["facts"], cutoff)) for item in items
            if counted_path(kind, item["facts"])]


def as_event(kind: str, item: dict) -> dict:
    """A source record shaped as its event, for rebuild to apply like one."""
    return {"event_id": None, "type": f"{kind}_changed" if kind == "outflow" else "inflow_opened",
            "aggregate_id": f"{kind}-{item['id']}", "aggregate_version": item["version"], "payload": item["facts"]}


def counted_sides(session: Session, cutoff: tuple):
    """Pages of (path, entries) of every counted outflow and inflow (rebuild)."""
    for kind in KINDS:
        after = 0
        while True:
            rows = session.execute(select(mobility_facts).where(
                mobility_facts.c.kind == kind, mobility_facts.c.record_id > after, mobility_facts.c.version > 0)
                .order_by(mobility_facts.c.record_id).limit(PAGE)).all()
            if not rows:
                break
            yield [(row.path, entries(kind, row.facts, cutoff)) for row in rows if row.path]
            after = rows[-1].record_id
