"""Counting from scratch: reconcile (compare a recount with the counters) and rebuild (bring the
counters to a recount), both with the pure contributions the consumer uses.

A recount is staged in a temporary table of per-path entries (COPY), and rolled up to the
ancestors in SQL, so memory stays bounded by a page however large the subtree.
"""
from collections import Counter

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict

from . import applicant_counts, period, term_counts
from .consumers import apply_states
from .domain.counters import org_entries, placed
from .domain.fold import org_state
from .domain.mobility import KINDS as MOBILITY_KINDS
from .mobility import as_event as mobility_as_event
from .mobility import counted_sides as counted_mobility
from .mobility import source_entries as mobility_entries
from .models import applicant_facts, member_facts, mobility_facts, orgs, outbox, term_facts
from .store import org_fact, org_node, unit_kinds
from .transfers import counted_sides, member_moves

PAGE = 2000
REBUILD_LOCK = 7_401_002  # advisory lock key of a rebuild's correction (compaction.py has 7_401_001)

STAGE = text("CREATE TEMP TABLE recount (path text NOT NULL, dimension text NOT NULL, value text NOT NULL, "
             "year int NOT NULL, n bigint NOT NULL) ON COMMIT DROP")

# The staged entries counted at every ancestor at or below depth :depth (1 = the root).
EXPECTED = """
SELECT a.org_id, r.dimension, r.value, r.year, sum(r.n) AS n
FROM recount r, unnest(string_to_array(trim(both '/' from r.path), '/')::bigint[]) WITH ORDINALITY AS a(org_id, depth)
WHERE a.depth >= :depth
GROUP BY 1, 2, 3, 4
"""

# A subtree's expected counters: at its organizations now, or at one stats does not know (damage to
# list). A member placed by an earlier 整建制转移 counts their past at the paths then, through
# organizations that have since moved out of the subtree: those are another subtree's to compare.
DIFFERENCES = text(f"""
WITH staged AS ({EXPECTED}),
subtree AS (SELECT id FROM stats.orgs WHERE left(path, length(:path)) = :path),
expected AS (SELECT s.* FROM staged s LEFT JOIN stats.orgs o ON o.id = s.org_id
             WHERE o.id IS NULL OR o.path = '' OR left(o.path, length(:path)) = :path),
scope AS (SELECT id FROM subtree UNION SELECT org_id FROM expected),
actual AS (
    SELECT org_id, dimension, value, year, sum(n) AS n
    FROM (SELECT org_id, dimension, value, year, n FROM stats.counters
          UNION ALL SELECT org_id, dimension, value, year, n FROM stats.counter_deltas) counted
    WHERE org_id = ANY(ARRAY(SELECT id FROM scope))  -- an index scan per organization, not a full scan
    GROUP BY 1, 2, 3, 4)
SELECT org_id, dimension, value, year, coalesce(e.n, 0) AS expected, coalesce(a.n, 0) AS actual,
       count(*) OVER () AS total
FROM expected e FULL JOIN actual a USING (org_id, dimension, value, year)
WHERE coalesce(e.n, 0) <> coalesce(a.n, 0)
ORDER BY org_id, dimension, value, year
LIMIT :limit
""")
LISTED = 1000  # differences listed at most (all are counted): after real damage, a province has millions


def pages(fetch, path: str, cursor_key: str, start):
    """Every item of a keyset-paged source RPC."""
    after = start
    while True:
        page = fetch(path, after, PAGE)
        yield page["items"]
        after = page[cursor_key]
        if after is None:
            return


def member_item_path(item: dict) -> str:
    return (item["facts"] or {}).get("org_path") or item["org_path"]


MOVED_OUT = text("""
SELECT m.member_id, m.org_path, m.facts FROM stats.member_facts m
WHERE m.member_id IN (SELECT t.member_id FROM stats.transfer_facts t
                      WHERE t.kind = 'within' AND t.member_id IS NOT NULL AND left(t.from_path, length(:path)) = :path
                      UNION SELECT p.member_id FROM stats.member_placements p
                      WHERE left(p.from_path, length(:path)) = :path OR strpos(p.from_path, :inner) > 0)
  AND left(coalesce(m.org_path, ''), length(:path)) <> :path AND m.facts IS NOT NULL AND m.member_id > :after
ORDER BY m.member_id LIMIT :limit
""")


def moved_out(session: Session, org_id: int, path: str):
    """Pages of [(member id, path, facts)] of the members counted outside `path` now who left it by
    a 省内 transfer or with their organization's 整建制转移 (or whose past was placed through it), as
    counted here (the member service lists a subtree's members by where they are)."""
    after = 0
    while True:
        rows = session.execute(MOVED_OUT, {"path": path, "inner": f"/{org_id}/", "after": after,
                                           "limit": PAGE}).all()
        if not rows:
            return
        yield [(row.member_id, row.org_path, row.facts) for row in rows]
        after = rows[-1].member_id


def placed_members(session: Session, members, cutoff: tuple) -> list[tuple[str, Counter]]:
    """(path, entries) of source members [(member id, path, facts)], each part where it was
    counted (the members' counted 省内 transfers: counters.placed), by the report date `cutoff`."""
    members = list(members)
    moves = member_moves(session, [member_id for member_id, _, _ in members])
    # The unit kinds (表5, 表6) are the organizations' as counted here (stats.orgs, kept from the
    # org events whose units the org recount compares).
    kinds = unit_kinds(session, [path for _, path, _ in members]
                       + [from_path for found in moves.values() for _, from_path in found])
    return [part for member_id, path, facts in members
            for part in placed(facts, path, moves.get(member_id, ()), kinds, cutoff)]


def org_item_entries(item: dict, cutoff: tuple) -> tuple[str, Counter]:
    state = org_state(item["state"])
    return state["path"], org_entries(state, cutoff)


def stage(session: Session, entries) -> None:
    """Add (path, Counter of (dimension, value, year) → n) pairs to the recount table."""
    summed: Counter = Counter()
    for path, counted in entries:
        for (dimension, value, year), n in counted.items():
            summed[(path, dimension, value, year)] += n
    connection = session.connection().connection.driver_connection
    with connection.cursor().copy("COPY recount (path, dimension, value, year, n) FROM STDIN") as copy:
        for row, n in summed.items():
            if n:
                copy.write_row((*row, n))


def mobility_pages(mobility_page, path: str):
    """(kind, items) of every outflow and inflow of a subtree, from the transfer service."""
    for kind in MOBILITY_KINDS:
        for items in pages(lambda p, after, size: mobility_page(p, kind, after, size), path, "next_after_id", 0):
            yield kind, items


def reconcile(sessions: sessionmaker, caller: Caller, org_id, org_lookup, member_page, org_page,
              mobility_page, applicant_page, term_page) -> dict:
    """Recount a subtree from the member, org and transfer services (入党申请人: the member
    service's applicants; 流动党员: the transfer service's outflows and inflows; 换届: the org
    service's terms; 转入/转出 from the transfer facts) and list every counter that differs."""
    org_id, path = org_node(sessions, caller, org_id, org_lookup)
    with sessions.begin() as session:
        cutoff = period.cutoff(session)  # the report date the counters are counted by
        session.execute(STAGE)
        # Each member's parts are staged where they were counted; DIFFERENCES compares only the
        # subtree's organizations (a part counted at the paths before a move is another subtree's).
        for items in pages(member_page, path, "next_after_id", 0):
            stage(session, placed_members(
                session, ((item["member_id"], member_item_path(item), item["facts"]) for item in items), cutoff))
        # Members who have left the subtree by a 省内 transfer still count their years before it here.
        for members in moved_out(session, org_id, path):
            stage(session, placed_members(session, members, cutoff))
        for items in pages(org_page, path, "next_after_path", ""):
            stage(session, (org_item_entries(item, cutoff) for item in items))
        for kind, items in mobility_pages(mobility_page, path):
            stage(session, mobility_entries(kind, items, cutoff))
        for items in pages(applicant_page, path, "next_after_id", 0):
            stage(session, applicant_counts.source_entries(items, cutoff))
        for items in pages(term_page, path, "next_after_id", 0):
            stage(session, term_counts.TERMS.source_entries(items, cutoff))
        # 转入/转出 from the transfers counted (no source service keeps them as the counters do).
        for sides in counted_sides(session, path, cutoff):
            stage(session, sides)
        rows = session.execute(DIFFERENCES, {"depth": path.strip("/").count("/") + 1, "path": path,
                                             "limit": LISTED}).all()
    return {"org_id": org_id, "total_differences": int(rows[0].total) if rows else 0, "differences": [
        {"org_id": r.org_id, "dimension": r.dimension, "value": r.value, "year": r.year,
         "expected": int(r.expected), "actual": int(r.actual)} for r in rows]}


# --- rebuild ---------------------------------------------------------------------------------

def _newer(session: Session, table, key, items: list, item_id) -> list:
    """The source items whose version is newer than the counted one."""
    ids = [item_id(item) for item in items]
    counted = dict(session.execute(select(key, table.c.version).where(key.in_(ids))).all())
    return [item for item in items if item["version"] > counted.get(item_id(item), 0)]


def _sync(sessions: sessionmaker, table, key, items: list, item_id, as_event) -> int:
    """Apply source states newer than the counted ones exactly as events are applied (the same
    fold, deltas included), so counters and counted states stay in step."""
    with sessions.begin() as session:
        newer = _newer(session, table, key, items, item_id)
        apply_states(session, [as_event(item) for item in newer])
    return len(newer)


def _sync_units(sessions: sessionmaker, items: list) -> int:
    """Organizations counted at the source's version but without the units or 奖励 it has: units
    recorded before the org events carried them (stats_0018_org_units), 组织奖惩 before they carried
    their 奖励 (stats_0020_org_commendations). Their counted version steps back one so the source
    state applies like an event (the same fold, and the members' unit kind relabelled)."""
    with sessions.begin() as session:
        counted = {row.id: row for row in session.execute(
            select(orgs.c.id, orgs.c.version, orgs.c.units, orgs.c.commendations)
            .where(orgs.c.id.in_([item["id"] for item in items])))}

        def lacking(item) -> bool:
            row, state = counted[item["id"]], org_state(item["state"])
            return row.units != state["units"] or (row.commendations or []) != state["commendations"]

        stale = [item for item in items if item["id"] in counted and counted[item["id"]].version == item["version"]
                 and lacking(item)]
        if stale:
            session.execute(update(orgs).where(orgs.c.id.in_([item["id"] for item in stale]))
                            .values(version=orgs.c.version - 1))
            apply_states(session, [_org_as_event(item) for item in stale])
    return len(stale)


def _org_as_event(item: dict) -> dict:
    return {"event_id": None, "type": "org_updated", "aggregate_id": str(item["id"]),
            "aggregate_version": item["version"], "payload": item["state"]}


def _member_as_event(item: dict) -> dict:
    path = member_item_path(item)
    after = {**item["facts"], "org_path": path} if item["facts"] else None
    return {"event_id": None, "type": "member_updated", "aggregate_id": str(item["member_id"]),
            "aggregate_version": item["version"], "payload": {"member_id": item["member_id"], "after": after}}


# Counters plus deltas brought to the staged recount by appending the difference as deltas.
CORRECT = text(f"""
WITH expected AS ({EXPECTED}),
actual AS (
    SELECT org_id, dimension, value, year, sum(n) AS n
    FROM (SELECT org_id, dimension, value, year, n FROM stats.counters
          UNION ALL SELECT org_id, dimension, value, year, n FROM stats.counter_deltas) counted
    GROUP BY 1, 2, 3, 4),
corrected AS (
    INSERT INTO stats.counter_deltas (org_id, dimension, value, year, n)
    SELECT org_id, dimension, value, year, coalesce(e.n, 0) - coalesce(a.n, 0)
    FROM expected e FULL JOIN actual a USING (org_id, dimension, value, year)
    WHERE coalesce(e.n, 0) <> coalesce(a.n, 0)
    RETURNING 1)
SELECT count(*) FROM corrected
""")


def _sync_mobility(sessions: sessionmaker, kind: str, items: list) -> int:
    with sessions.begin() as session:
        counted = {(kind, row.record_id): row.version for row in session.execute(
            select(mobility_facts.c.record_id, mobility_facts.c.version).where(
                mobility_facts.c.kind == kind, mobility_facts.c.record_id.in_([item["id"] for item in items])))}
        newer = [item for item in items if item["version"] > counted.get((kind, item["id"]), 0)]
        apply_states(session, [mobility_as_event(kind, item) for item in newer])
    return len(newer)


def rebuild(sessions: sessionmaker, caller: Caller, root_path: str, member_page, org_page, mobility_page,
            applicant_page, term_page) -> dict:
    """Recount every counter from the source services while the system runs, locking nobody out.

    1. The counted states catch up with the sources: a newer source version is applied like an
       event (same fold, deltas included); so is an organization's state whose units the counted
       one lacks (recorded before org events carried units).
    2. In ONE snapshot (REPEATABLE READ) the counted states are recounted and compared with
       counters plus deltas; the differences are appended as deltas. Every ingester (and
       compactor) transaction keeps counters and counted states in step atomically, so what
       differs in a consistent snapshot is damage, and stays exactly that after it: correcting
       it needs no lock, and events applied meanwhile add their own deltas as usual."""
    synced = {"orgs": 0, "members": 0, "mobility": 0, "applicants": 0, "terms": 0}
    for items in pages(org_page, root_path, "next_after_path", ""):
        synced["orgs"] += _sync(sessions, orgs, orgs.c.id, items, lambda item: item["id"], _org_as_event)
        synced["orgs"] += _sync_units(sessions, items)
    for items in pages(member_page, root_path, "next_after_id", 0):
        synced["members"] += _sync(sessions, member_facts, member_facts.c.member_id, items,
                                   lambda item: item["member_id"], _member_as_event)
    for kind, items in mobility_pages(mobility_page, root_path):
        synced["mobility"] += _sync_mobility(sessions, kind, items)
    for items in pages(applicant_page, root_path, "next_after_id", 0):
        synced["applicants"] += _sync(sessions, applicant_facts, applicant_facts.c.applicant_id, items,
                                      lambda item: item["applicant_id"], applicant_counts.as_event)
    for items in pages(term_page, root_path, "next_after_id", 0):
        synced["terms"] += _sync(sessions, term_facts, term_facts.c.term_id, items, lambda item: item["id"],
                                 term_counts.as_event)
    with sessions.begin() as session:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        # Two corrections of the same damage would both apply: one rebuild at a time (a try, not
        # a wait: a snapshot taken before waiting would not see the other's corrections).
        if not session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": REBUILD_LOCK}).scalar():
            raise Conflict("统计数据正在重建，请稍后再试")
        # By the report date stored in this snapshot: the counters' (a change of it is applied with
        # its own recount, period.py).
        counted, corrected = recount_counted(session, period.cutoff(session))
        audit.record(session, outbox, caller, org_path=root_path, entity="statistics", entity_id=None,
                     action="重新统计", lines=rebuild_lines(synced, counted, corrected))
    return {"synced": synced, "members": counted, "corrected": corrected}


def recount_counted(session: Session, cutoff: tuple) -> tuple[int, int]:
    """Recount every counter from the counted states by the report date `cutoff` and append the
    differences from counters plus deltas as deltas, in the caller's transaction (which must see
    the counted states and the counters consistently: the rebuild's snapshot, or an ingester's batch
    holding the move lock exclusively, period.py): (members recounted, counters corrected)."""
    session.execute(STAGE)
    stage(session, ((fact.path, org_entries(fact.facts, cutoff)) for fact in map(
        org_fact, session.execute(orgs.select().where(orgs.c.version > 0)).all())))
    counted, after = 0, 0
    while True:
        rows = session.execute(member_facts.select().where(member_facts.c.member_id > after)
                               .order_by(member_facts.c.member_id).limit(PAGE)).all()
        if not rows:
            break
        stage(session, placed_members(session, ((row.member_id, row.org_path, row.facts)
                                                for row in rows if row.facts), cutoff))
        counted, after = counted + len(rows), rows[-1].member_id
    for sides in counted_sides(session, None, cutoff):
        stage(session, sides)
    for sides in counted_mobility(session, cutoff):
        stage(session, sides)
    for sides in applicant_counts.counted_sides(session, cutoff):
        stage(session, sides)
    for sides in term_counts.TERMS.counted_sides(session, cutoff):
        stage(session, sides)
    return counted, session.execute(CORRECT, {"depth": 1}).scalar_one()


SYNCED_LABELS = {"orgs": "按源数据更新党组织", "members": "按源数据更新党员", "mobility": "按源数据更新流动党员",
                 "applicants": "按源数据更新入党申请人", "terms": "按源数据更新届次"}


def rebuild_lines(synced: dict, counted: int, corrected: int) -> list[dict]:
    """重新统计 in the 操作日志: what was brought up to date, how many were recounted, how many
    counters were corrected (each differing counter is one correction)."""
    return [*({"field": SYNCED_LABELS[key], "before": None, "after": str(n)} for key, n in synced.items()),
            {"field": "重新统计党员", "before": None, "after": str(counted)},
            {"field": "修正计数", "before": None, "after": str(corrected)}]
