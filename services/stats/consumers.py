"""Applying a batch of events in one transaction: inbox rows, counted states, counter deltas.

The fold itself is pure (domain/fold.py); this module loads and locks what it needs and writes
what it returns. Rows are locked in id order (inbox by event id, then organizations, then
members), so parallel ingesters wait for each other but never deadlock.
"""
import logging
from collections import Counter
from datetime import date

import orjson
from sqlalchemy import any_, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from services.shared.bulk import copy_values
from services.shared.messaging.inbox import claim, unclaim

from . import period
from .applicant_counts import apply_applicants
from .domain.counters import NOT_RECORDED, placed, rehomed, relabelled, unit_kind
from .domain.development import APPLICANT_EVENTS
from .domain.fold import Fact, fold, is_org_event, subject
from .domain.mobility import MOBILITY_EVENTS
from .domain.terms import TERM_EVENTS
from .domain.transfers import TRANSFER_EVENTS
from .mobility import apply_mobility
from .mobility import rehome as rehome_mobility
from .models import applicant_facts, counter_deltas, inbox, member_facts, orgs
from .store import org_fact, rewrite_paths, unit_kinds
from .term_counts import apply_terms
from .term_counts import rehome as rehome_terms
from .transfers import apply_transfers, apply_whole_org, detached, member_moves, moved_members, whole_org_moves
from .transfers import rehome as rehome_transfers

log = logging.getLogger("pmis.stats.consumers")
MOVE_LOCK = 7_401_004  # advisory lock key: org-event batches exclusive, member-only batches shared
MOVE_LOCK_EXCLUSIVE = text("SELECT pg_advisory_xact_lock(:key)")
MOVE_LOCK_SHARED = text("SELECT pg_advisory_xact_lock_shared(:key)")
SUBTREE_AMOUNTS = text("""
SELECT dimension, value, year, sum(n) AS n FROM (
    SELECT dimension, value, year, n FROM stats.counters WHERE org_id = :org_id
    UNION ALL
    SELECT dimension, value, year, n FROM stats.counter_deltas WHERE org_id = :org_id) AS counted
GROUP BY dimension, value, year
""")
LOCK_MEMBERS = text("""
INSERT INTO stats.member_facts (member_id, version) SELECT unnest(CAST(:ids AS bigint[])), 0
ON CONFLICT (member_id) DO UPDATE SET member_id = excluded.member_id
RETURNING member_id, version, org_path, facts
""")


def _lock_orgs(session: Session, ids: list) -> dict:
    """Counted organization states, row-locked; for one not counted yet, a row at version 0 (nothing
    counted) is inserted and locked."""
    if not ids:
        return {}
    statement = insert(orgs).values([{"id": org_id, "path": "", "type": "", "version": 0} for org_id in ids])
    statement = statement.on_conflict_do_update(index_elements=[orgs.c.id], set_={"id": statement.excluded.id})
    return {row.id: org_fact(row) for row in session.execute(statement.returning(*orgs.c))}


def _lock_members(session: Session, ids: list) -> dict:
    if not ids:
        return {}
    return {row.member_id: Fact(row.version, row.org_path, row.facts)
            for row in session.execute(LOCK_MEMBERS, {"ids": ids})}


def as_date(iso):
    return date.fromisoformat(iso[:10]) if iso else None


def _write_orgs(session: Session, changed: dict) -> None:
    if changed:
        session.execute(update(orgs).where(orgs.c.id == bindparam("org_id")).values(
            parent_id=bindparam("parent_id"), path=bindparam("path"), type=bindparam("type"),
            status=bindparam("status"), established_on=bindparam("established_on"),
            revoked_on=bindparam("revoked_on"), version=bindparam("version"), units=bindparam("units"),
            commendations=bindparam("commendations")),
            [{"org_id": org_id, "parent_id": f.facts["parent_id"], "path": f.facts["path"] or "",
              "type": f.facts["type"] or "", "status": f.facts["status"],
              "established_on": as_date(f.facts["established_on"]), "revoked_on": as_date(f.facts["revoked_on"]),
              "version": f.version, "units": f.facts.get("units") or [],
              "commendations": f.facts.get("commendations") or []} for org_id, f in changed.items()])


# One statement for the batch's members, not one UPDATE each: 500 pipelined updates were 9 % of an
# ingester's CPU (binding and converting each), and as many statements for its backend. The rows go
# as one JSON document: as a text[] of facts, psycopg escaped each element by regex (twice the cost
# of the updates it replaced; bench/ingest_statements.py).
WRITE_MEMBERS = text("""
UPDATE stats.member_facts m SET version = c.version, org_path = c.org_path, facts = c.facts
FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS c(member_id bigint, version int, org_path text, facts jsonb)
WHERE m.member_id = c.member_id
""")


def _write_members(session: Session, changed: dict) -> None:
    if changed:
        session.execute(WRITE_MEMBERS, {"rows": orjson.dumps([
            {"member_id": member_id, "version": f.version, "org_path": f.path, "facts": f.facts}
            for member_id, f in sorted(changed.items())], option=orjson.OPT_NON_STR_KEYS).decode()})


DELTA_COLUMNS = ["org_id", "dimension", "value", "year", "n"]


def write_deltas(session: Session, deltas: dict) -> None:
    if deltas:
        copy_values(session, counter_deltas, DELTA_COLUMNS, ((*key, n) for key, n in deltas.items()))


def _known_paths(session: Session, events: list) -> dict:
    """Counted paths of the organizations member events name."""
    wanted = {int(after["org_id"]) for event in events if not is_org_event(event)
              for after in [(event.get("payload") or {}).get("after")]
              if after and after.get("org_id") is not None}
    if not wanted:
        return {}
    rows = session.execute(select(orgs.c.id, orgs.c.path).where(orgs.c.id == any_(sorted(wanted)), orgs.c.path != ""))
    return {row.id: row.path for row in rows}


def _lock_for(session: Session, events: list) -> None:
    """Org events (a move re-homes a subtree) and a change of the report date (everything recounted
    by it) exclude every other batch; member-only batches share. So a member event is never placed
    under a path a concurrent move is rewriting, nor counted by a report date being replaced."""
    exclusive = any(is_org_event(event) or event["type"] == period.REPORT_DATE_CHANGED for event in events)
    session.execute(MOVE_LOCK_EXCLUSIVE if exclusive else MOVE_LOCK_SHARED, {"key": MOVE_LOCK})


def _moves(events: list, counted: dict) -> list:
    """(org id, old path, new path) of organizations whose newest event puts them elsewhere."""
    newest: dict = {}
    for event in events:
        if is_org_event(event):
            org_id = subject(event)
            if int(event["aggregate_version"]) > newest.get(org_id, (0, None))[0]:
                newest[org_id] = (int(event["aggregate_version"]), (event.get("payload") or {}).get("path"))
    found = []
    for org_id, (version, path) in newest.items():
        old = counted.get(org_id)
        if old and old.version and old.path and path and version > old.version and path != old.path:
            found.append((org_id, old.path, path))
    return sorted(found, key=lambda move: len(move[1]))


def _rehome(session: Session, org_id: int, old_path: str, new_path: str, cutoff: tuple) -> None:
    """Move what the subtree counts from the old ancestors to the new, and the paths below."""
    amounts = Counter({(row.dimension, row.value, row.year): row.n
                       for row in session.execute(SUBTREE_AMOUNTS, {"org_id": org_id}) if row.n})
    amounts.subtract(detached(session, org_id, old_path, cutoff))  # an earlier 整建制's past stays where it was
    deltas = rehomed(amounts, org_id, old_path, new_path)
    if deltas:
        write_deltas(session, deltas)
    cut = len(old_path) + 1
    session.execute(update(orgs).where(orgs.c.path.startswith(old_path, autoescape=True), orgs.c.id != org_id)
                    .values(path=text(":new || substr(path, :cut)").bindparams(new=new_path, cut=cut)))
    rewrite_paths(session, member_facts.c.org_path, old_path, new_path)
    rehome_transfers(session, old_path, new_path)
    rehome_mobility(session, old_path, new_path)
    rewrite_paths(session, applicant_facts.c.path, old_path, new_path)
    rehome_terms(session, old_path, new_path)


def _batch_kinds(events: list, counted: dict) -> dict:
    """org id → the unit kind of the organizations whose newest event in the batch is newer than
    their counted state (what the fold will count them as)."""
    newest: dict = {}
    for event in events:
        if is_org_event(event):
            version = int(event["aggregate_version"])
            if version > max(counted[subject(event)].version, newest.get(subject(event), (0,))[0]):
                newest[subject(event)] = (version, unit_kind((event.get("payload") or {}).get("units")))
    return {org_id: kind for org_id, (_, kind) in newest.items()}


COUNTED_AT = text("""
SELECT member_id, org_path, facts FROM stats.member_facts
WHERE facts IS NOT NULL AND (org_path = :path OR member_id IN (
    SELECT member_id FROM stats.transfer_facts
    WHERE kind = 'within' AND member_id IS NOT NULL AND right(from_path, length(:tail)) = :tail
    UNION SELECT member_id FROM stats.member_placements WHERE right(from_path, length(:tail)) = :tail))
""")


def _counted_at(session: Session, org_id: int, path: str, cutoff: tuple) -> dict:
    """path → year → the `total` entries counted at the organization itself (not below), by the path
    they are counted under: its members' years on its rolls, and those of members who left it by a
    省内 or 整建制 transfer (under its path then, if it has moved since: counters.placed)."""
    rows = session.execute(COUNTED_AT, {"path": path, "tail": f"/{org_id}/"}).all()
    moves = member_moves(session, [row.member_id for row in rows])
    totals: dict = {}
    for row in rows:
        for where, entries in placed(row.facts, row.org_path, moves.get(row.member_id, ()), cutoff=cutoff):
            if where and where.endswith(f"/{org_id}/"):
                for (dimension, _, year), n in entries.items():
                    if dimension == "total":
                        totals.setdefault(where, Counter())[year] += n
    return totals


def _relabel(session: Session, counted: dict, kinds: dict, cutoff: tuple) -> Counter:
    """An organization whose unit kind changes takes the members counted at it from the old kind's
    `unit_members` to the new one's (as an org's type change moves it between the org_type counts);
    the batch's member changes are then folded with the new kind."""
    deltas: Counter = Counter()
    for org_id, kind in kinds.items():
        old = counted[org_id]
        old_kind = unit_kind(old.facts.get("units")) if old.facts else NOT_RECORDED
        if old.version and old.path and old_kind != kind:
            for where, totals in _counted_at(session, org_id, old.path, cutoff).items():
                deltas.update(relabelled(totals, old_kind, kind, where))
    return deltas


def apply_events(sessions: sessionmaker, events: list) -> list:
    """Apply a batch in one transaction; returns the events deferred (their organization is not
    known yet: to be redelivered), which are left unclaimed."""
    with sessions.begin() as session:
        deferred = apply_states(session, claim(session, inbox, events))
        unclaim(session, inbox, deferred)
        return deferred


def apply_states(session: Session, events: list) -> list:
    """Fold events (or states read from a source service, shaped as events) into the counted
    states and counter deltas, in the caller's transaction; returns the deferred ones."""
    if not events:
        return []
    _lock_for(session, events)
    change = period.newest_change(events)
    if change is not None:
        events = [event for event in events if event["type"] != period.REPORT_DATE_CHANGED]
        _change_report_date(session, change)
    # The report date every entry of the batch is counted by: read under the move lock, so a change
    # of it (which holds the lock exclusively) is either wholly before this batch or wholly after.
    cutoff = period.cutoff(session)
    transferred = [event for event in events if event["type"] in TRANSFER_EVENTS]
    mobile = [event for event in events if event["type"] in MOBILITY_EVENTS]
    applied = [event for event in events if event["type"] in APPLICANT_EVENTS]
    termed = [event for event in events if event["type"] in TERM_EVENTS]
    events = [event for event in events
              if event["type"] not in TRANSFER_EVENTS + MOBILITY_EVENTS + APPLICANT_EVENTS + TERM_EVENTS]
    counted_orgs = _lock_orgs(session, sorted({subject(e) for e in events if is_org_event(e)}))
    old_paths = {}
    for org_id, old_path, new_path in _moves(events, counted_orgs):
        _rehome(session, org_id, old_path, new_path, cutoff)
        old_paths[org_id] = old_path
        # Its own entries moved with the subtree's: the fold sees it as already there.
        old = counted_orgs[org_id]
        counted_orgs[org_id] = Fact(old.version, new_path, {**old.facts, "path": new_path})
    # Members are locked (and their counted paths read) after any move rewrote them: those of the
    # member events and those a 省内 transfer moves, in one order.
    member_ids = sorted({subject(e) for e in events if not is_org_event(e)} | moved_members(transferred))
    counted_members = _lock_members(session, member_ids)
    moves = member_moves(session, member_ids)
    batch_kinds = _batch_kinds(events, counted_orgs)
    relabel = _relabel(session, counted_orgs, batch_kinds, cutoff)  # the members counted so far, before the fold
    known_paths = _known_paths(session, events)
    paths = [*known_paths.values(), *(f.path for f in counted_members.values()),
             *(from_path for found in moves.values() for _, from_path in found),
             *(after.get("org_path") for event in events if not is_org_event(event)
               for after in [(event.get("payload") or {}).get("after")] if after)]
    kinds = {**unit_kinds(session, paths), **batch_kinds}
    result = fold(events, counted_orgs, counted_members, known_paths, moves, kinds, cutoff)
    result.deltas.update(relabel)
    _write_orgs(session, result.orgs)
    _write_members(session, result.members)
    # Transfers after the organizations: an end created in this batch has its path by now.
    moved, later = apply_transfers(session, transferred, {**counted_members, **result.members}, moves, cutoff)
    result.deltas.update(moved)
    result.deltas.update(apply_whole_org(session, whole_org_moves(events), old_paths, cutoff))
    counted, unknown = apply_mobility(session, mobile, cutoff)  # after the members: rows locked in one order
    result.deltas.update(counted)
    counted, unplaced = apply_applicants(session, applied, cutoff)  # locked in one order in every batch alike
    result.deltas.update(counted)
    counted, untermed = apply_terms(session, termed, cutoff)  # locked last
    result.deltas.update(counted)
    write_deltas(session, result.deltas)
    return result.deferred + later + unknown + unplaced + untermed


def _change_report_date(session: Session, event: dict) -> None:
    """A report_date_changed event (the root organization's 统计报告期截止日, period.py): the new
    date stored and every counter recounted by it, in this batch's transaction under the move lock
    held exclusively (no other batch counts meanwhile). An older or repeated event changes nothing."""
    new = period.store(session, event)
    if new is not None:
        from .recount import REBUILD_LOCK, recount_counted  # recount applies states through this module

        # A 重新统计 correcting meanwhile (by the old date, in its snapshot) commits first.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REBUILD_LOCK})

        members, corrected = recount_counted(session, new)
        log.info("report date now %02d-%02d: %d members recounted, %d counters corrected", *new, members, corrected)
