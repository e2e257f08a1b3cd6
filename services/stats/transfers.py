"""转入/转出 in the counters: member_transferred events become transfer facts (stats.transfer_facts)
and their counter deltas in the ingester's transaction (consumers.apply_states); reconcile and
rebuild recount them from those facts (recount.py). The counting rule is domain/transfers.py.

A transfer counts once: its fact is keyed by the transfer id, so an event delivered again, or
published again under a new event id, inserts nothing and adds nothing.
"""
from collections import Counter

from sqlalchemy import any_, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from .domain.counters import CALENDAR, placed, replaced
from .domain.fold import Fact
from .domain.transfers import WITHIN, moves_member, sides, transfer_deltas
from .models import member_placements, orgs, transfer_facts
from .store import rewrite_paths, unit_kinds

PAGE = 2000


def _counted_paths(session: Session, events: list) -> dict:
    wanted = {int(org_id) for event in events for key in ("from_org_id", "to_org_id")
              for org_id in [(event.get("payload") or {}).get(key)] if org_id is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(orgs.c.id, orgs.c.path).where(orgs.c.id.in_(wanted), orgs.c.path != "")).all())


def _end(payload: dict, end: str, counted: dict) -> tuple[bool, str | None]:
    """(known, path) of one end: the path as counted here wins over the event's (an org move
    may not have reached the member service when it wrote the event); no organization (an end
    outside this system) is known and has no path."""
    org_id = payload.get(f"{end}_org_id")
    if org_id is None:
        return True, None
    path = counted.get(int(org_id)) or payload.get(f"{end}_org_path")
    return path is not None, path


def fact_row(event: dict, counted: dict) -> dict | None:
    """The transfer fact of a member_transferred event, or None while an end's organization is
    not known here."""
    payload = event["payload"]
    (from_known, from_path), (to_known, to_path) = _end(payload, "from", counted), _end(payload, "to", counted)
    if not (from_known and to_known):
        return None
    return {"transfer_id": int(payload["transfer_id"]), "member_id": int(payload["member_id"]),
            "kind": payload["kind"], "effective_on": str(payload["effective_on"])[:10],
            "from_org_id": payload.get("from_org_id"), "to_org_id": payload.get("to_org_id"),
            "from_path": from_path, "to_path": to_path}


def as_fact(row) -> dict:
    return {"kind": row.kind, "effective_on": row.effective_on.isoformat(), "from_path": row.from_path,
            "to_path": row.to_path, "members": row.members}


def member_moves(session: Session, member_ids) -> dict:
    """member id → the member's counted 省内 transfers and 整建制 placements [(effective_on, from_path)]
    (counters.placed)."""
    ids = sorted({int(i) for i in member_ids})
    found: dict = {}
    if not ids:
        return found
    # = ANY(array), not IN (…): one parameter for a batch's 500 members, not 500 to bind and convert.
    rows = session.execute(select(transfer_facts).where(transfer_facts.c.member_id == any_(ids),
                                                         transfer_facts.c.kind == WITHIN)).all()
    for row in rows:
        fact = {**as_fact(row), "member_id": row.member_id}
        if moves_member(fact):
            found.setdefault(row.member_id, []).append((fact["effective_on"], row.from_path))
    for row in session.execute(select(member_placements).where(member_placements.c.member_id == any_(ids))):
        found.setdefault(row.member_id, []).append((row.effective_on.isoformat(), row.from_path))
    return {member_id: sorted(moves) for member_id, moves in found.items()}


def moved_members(events: list) -> set:
    """The members whose counted 省内 transfer `events` may record (their rows are locked with the
    batch's members, in one order)."""
    return {int(payload["member_id"]) for event in events for payload in [event.get("payload") or {}]
            if payload.get("kind") == WITHIN and payload.get("member_id") is not None}


def _kinds(session: Session, path: str | None, moves) -> dict:
    """The unit kinds of the organizations a member's parts are counted at (counters.placed)."""
    return unit_kinds(session, [path, *(from_path for _, from_path in moves)])


def _replaced(session: Session, fact: dict, member: Fact | None, moves: dict, cutoff: tuple) -> Counter:
    """A new 省内 transfer places what the member counted before it at the organization left."""
    member_id = fact["member_id"]
    before = moves.get(member_id, [])
    after = sorted([*before, (fact["effective_on"], fact["from_path"])])
    moves[member_id] = after
    if not member:
        return Counter()
    return replaced(member.facts, member.path, before, after, _kinds(session, member.path, after), cutoff)


def apply_transfers(session: Session, events: list, members: dict | None = None,
                    moves: dict | None = None, cutoff: tuple = CALENDAR) -> tuple[Counter, list]:
    """Record the transfers first seen in `events` (in the caller's transaction): (their counter
    deltas, the events deferred because an end's organization is not known yet). `members`: the
    counted member states (locked by the caller), `moves`: their counted 省内 transfers (updated),
    `cutoff`: the report date counted by."""
    members, moves = members or {}, moves if moves is not None else {}
    counted = _counted_paths(session, events)
    rows, deferred = {}, []
    for event in events:
        row = fact_row(event, counted)
        if row is None:
            deferred.append(event)
        else:
            rows[row["transfer_id"]] = row
    deltas: Counter = Counter()
    if rows:
        inserted = session.execute(insert(transfer_facts).values(list(rows.values()))
                                   .on_conflict_do_nothing(index_elements=[transfer_facts.c.transfer_id])
                                   .returning(*transfer_facts.c))
        for row in inserted:
            fact = as_fact(row)
            deltas.update(transfer_deltas(fact, cutoff))
            if moves_member({**fact, "member_id": row.member_id}):
                deltas.update(_replaced(session, {**fact, "member_id": row.member_id}, members.get(row.member_id),
                                        moves, cutoff))
    return deltas, deferred


ON_ROLLS = text("""
SELECT count(*) FROM stats.member_facts
WHERE org_path LIKE :prefix AND facts IS NOT NULL AND coalesce(facts->>'status', '') <> 'left'
""")


def whole_org_moves(events: list) -> list:
    """The org_moved events of a 整建制转移 counted in the report (not a move inside one 基层党委)."""
    return [event for event in events if event["type"] == "org_moved"
            and ((event.get("payload") or {}).get("transfer") or {}).get("counted")]


MOVED_WITH = text("""
SELECT member_id, org_path, facts FROM stats.member_facts
WHERE org_path LIKE :prefix AND facts IS NOT NULL ORDER BY member_id
""")


def _place_moved(session: Session, transfer_id: int, effective_on: str, old_path: str, new_path: str,
                 cutoff: tuple) -> Counter:
    """The members counted under a moved organization keep what they counted before the 接收 date at
    their paths then (old_path's subtree): a placement each, and the difference it makes."""
    members = session.execute(MOVED_WITH, {"prefix": new_path + "%"}).all()  # paths: digits and /
    if not members:
        return Counter()
    rows = [{"transfer_id": transfer_id, "member_id": m.member_id, "effective_on": effective_on,
             "from_path": old_path + m.org_path[len(new_path):]} for m in members]
    inserted = {row.member_id for row in session.execute(
        insert(member_placements).values(rows).on_conflict_do_nothing().returning(member_placements.c.member_id))}
    placed_ = {row["member_id"]: row for row in rows if row["member_id"] in inserted}
    moves = member_moves(session, placed_)  # with the new placements
    deltas: Counter = Counter()
    for m in members:
        if m.member_id not in placed_:
            continue
        after = moves.get(m.member_id, [])
        before = list(after)
        before.remove((effective_on, placed_[m.member_id]["from_path"]))
        deltas.update(replaced(m.facts, m.org_path, before, after, _kinds(session, m.org_path, after), cutoff))
    return deltas


DETACHED = text("""
SELECT p.member_id, m.org_path, m.facts FROM stats.member_placements p JOIN stats.member_facts m USING (member_id)
WHERE strpos(p.from_path, :inner) > 0 AND left(p.from_path, length(:path)) <> :path AND m.facts IS NOT NULL
""")


def detached(session: Session, org_id: int, path: str, cutoff: tuple) -> Counter:
    """What is counted at an organization (at `path` now) but not at its ancestors now: the past of
    members an earlier 整建制转移 of it (or of an organization above it then) placed at the paths
    they had before, through this organization under its old parents. A later move of the
    organization leaves that past where it is (consumers._rehome moves the rest)."""
    rows = session.execute(DETACHED, {"inner": f"/{org_id}/", "path": path}).all()
    if not rows:
        return Counter()
    moves = member_moves(session, {row.member_id for row in rows})
    result: Counter = Counter()
    for row in {row.member_id: row for row in rows}.values():
        found = moves.get(row.member_id, ())
        for where, entries in placed(row.facts, row.org_path, found, _kinds(session, row.org_path, found), cutoff):
            if f"/{org_id}/" in where and not where.startswith(path):
                result.update(entries)
    return result


def apply_whole_org(session: Session, events: list, old_paths: dict | None = None,
                    cutoff: tuple = CALENDAR) -> Counter:
    """Record the 整建制转移 first seen in `events` (org_moved with a counted `transfer`), in the
    caller's transaction after the moves re-homed the subtree: one fact each, its `members` the
    members on the rolls counted under the organization now (set-based: one count), its ends
    the old and the new parent as counted here; and the moved members' placements (what they
    counted before stays at the old side; `old_paths`: org id → its counted path before this
    batch's move). Their counter deltas."""
    deltas: Counter = Counter()
    old_paths = old_paths or {}
    for event in events:
        payload, transfer = event["payload"], event["payload"]["transfer"]
        ids = [int(payload["id"]), int(payload["old_parent_id"]), int(payload["parent_id"])]
        paths = dict(session.execute(select(orgs.c.id, orgs.c.path).where(orgs.c.id.in_(ids), orgs.c.path != "")).all())
        org_path = paths.get(ids[0]) or payload.get("path")
        members = session.execute(ON_ROLLS, {"prefix": org_path + "%"}).scalar_one()  # paths: digits and /
        row = {"transfer_id": int(transfer["id"]), "member_id": None, "kind": "whole_org",
               "effective_on": str(transfer["effective_on"])[:10], "from_org_id": ids[1], "to_org_id": ids[2],
               "from_path": paths.get(ids[1]) or payload["old_path"][:payload["old_path"].rstrip("/").rfind("/") + 1],
               "to_path": paths.get(ids[2]) or payload["new_path"][:payload["new_path"].rstrip("/").rfind("/") + 1],
               "members": members, "org_id": ids[0], "org_name": payload.get("name")}
        inserted = session.execute(insert(transfer_facts).values(row)
                                   .on_conflict_do_nothing(index_elements=[transfer_facts.c.transfer_id])
                                   .returning(*transfer_facts.c))
        for fact in inserted:
            deltas.update(transfer_deltas(as_fact(fact), cutoff))
            deltas.update(_place_moved(session, row["transfer_id"], row["effective_on"],
                                       old_paths.get(ids[0]) or payload["old_path"], org_path, cutoff))
    return deltas


def rehome(session: Session, old_path: str, new_path: str) -> None:
    """An organization moved: the ends under it now have their new paths (its counters are
    re-homed with everything else it counts, consumers._rehome)."""
    for column in (transfer_facts.c.from_path, transfer_facts.c.to_path, member_placements.c.from_path):
        rewrite_paths(session, column, old_path, new_path)


def counted_sides(session: Session, path: str | None, cutoff: tuple):
    """Pages of (path, entries) of every counted end of a transfer at or under `path` (None:
    everywhere), for a recount."""
    after = 0
    while True:
        query = select(transfer_facts).where(transfer_facts.c.transfer_id > after)
        if path is not None:
            query = query.where(or_(transfer_facts.c.from_path.startswith(path, autoescape=True),
                                    transfer_facts.c.to_path.startswith(path, autoescape=True)))
        rows = session.execute(query.order_by(transfer_facts.c.transfer_id).limit(PAGE)).all()
        if not rows:
            return
        yield [(side_path, entries) for row in rows for side_path, entries in sides(as_fact(row), cutoff)
               if path is None or side_path.startswith(path)]
        after = rows[-1].transfer_id
