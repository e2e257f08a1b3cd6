"""Counting from scratch: reconcile (compare a recount with the counters) and rebuild (replace
the counters with a recount), both with the pure contributions the consumer uses.

A recount is staged in a temporary table of per-path entries (COPY), and rolled up to the
ancestors in SQL, so memory stays bounded by a page however large the subtree.
"""
from collections import Counter

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller

from .compaction import FOLD_LOCK
from .consumers import as_date, org_fact
from .domain.counters import member_entries, org_entries
from .domain.fold import org_state
from .models import member_facts, orgs
from .queries import org_node

PAGE = 2000

STAGE = text("CREATE TEMP TABLE recount (path text NOT NULL, dimension text NOT NULL, value text NOT NULL, "
             "year int NOT NULL, n bigint NOT NULL) ON COMMIT DROP")

# The staged entries counted at every ancestor at or below depth :depth (1 = the root).
EXPECTED = """
SELECT a.org_id, r.dimension, r.value, r.year, sum(r.n) AS n
FROM recount r, unnest(string_to_array(trim(both '/' from r.path), '/')::bigint[]) WITH ORDINALITY AS a(org_id, depth)
WHERE a.depth >= :depth
GROUP BY 1, 2, 3, 4
"""

DIFFERENCES = text(f"""
WITH expected AS ({EXPECTED}),
scope AS (SELECT id FROM stats.orgs WHERE left(path, length(:path)) = :path UNION SELECT org_id FROM expected),
actual AS (
    SELECT org_id, dimension, value, year, sum(n) AS n
    FROM (SELECT org_id, dimension, value, year, n FROM stats.counters
          UNION ALL SELECT org_id, dimension, value, year, n FROM stats.counter_deltas) counted
    WHERE org_id IN (SELECT id FROM scope)
    GROUP BY 1, 2, 3, 4)
SELECT org_id, dimension, value, year, coalesce(e.n, 0) AS expected, coalesce(a.n, 0) AS actual
FROM expected e FULL JOIN actual a USING (org_id, dimension, value, year)
WHERE coalesce(e.n, 0) <> coalesce(a.n, 0)
ORDER BY org_id, dimension, value, year
""")


def pages(fetch, path: str, cursor_key: str, start):
    """Every item of a keyset-paged source RPC."""
    after = start
    while True:
        page = fetch(path, after, PAGE)
        yield page["items"]
        after = page[cursor_key]
        if after is None:
            return


def member_item_entries(item: dict) -> tuple[str, Counter]:
    facts = item["facts"]
    return (facts or {}).get("org_path") or item["org_path"], member_entries(facts)


def org_item_entries(item: dict) -> tuple[str, Counter]:
    state = org_state(item["state"])
    return state["path"], org_entries(state)


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


def reconcile(sessions: sessionmaker, caller: Caller, org_id, org_lookup, member_page, org_page) -> dict:
    """Recount a subtree from the member and org services and list every counter that differs."""
    org_id, path = org_node(sessions, caller, org_id, org_lookup)
    with sessions.begin() as session:
        session.execute(STAGE)
        for items in pages(member_page, path, "next_after_id", 0):
            stage(session, map(member_item_entries, items))
        for items in pages(org_page, path, "next_after_path", ""):
            stage(session, map(org_item_entries, items))
        rows = session.execute(DIFFERENCES, {"depth": path.strip("/").count("/") + 1, "path": path}).all()
    return {"org_id": org_id, "differences": [
        {"org_id": r.org_id, "dimension": r.dimension, "value": r.value, "year": r.year,
         "expected": int(r.expected), "actual": int(r.actual)} for r in rows]}


# --- rebuild ---------------------------------------------------------------------------------

def _sync_orgs(sessions: sessionmaker, items: list) -> int:
    """Bring counted organization states up to the source's newer versions (counters are
    recomputed afterwards, so no deltas)."""
    rows = []
    for item in items:
        state = org_state(item["state"])
        rows.append({"id": item["id"], "parent_id": state["parent_id"], "path": state["path"], "type": state["type"],
                     "status": state["status"], "established_on": as_date(state["established_on"]),
                     "revoked_on": as_date(state["revoked_on"]), "version": item["version"]})
    if not rows:
        return 0
    with sessions.begin() as session:
        statement = insert(orgs).values(sorted(rows, key=lambda r: r["id"]))
        newer = {c: statement.excluded[c] for c in ("parent_id", "path", "type", "status", "established_on",
                                                     "revoked_on", "version")}
        result = session.execute(statement.on_conflict_do_update(
            index_elements=[orgs.c.id], set_=newer, where=orgs.c.version < statement.excluded.version
        ).returning(orgs.c.id))
        return len(result.all())


def _sync_members(sessions: sessionmaker, items: list) -> int:
    rows = sorted(({"member_id": item["member_id"], "version": item["version"],
                    "org_path": member_item_entries(item)[0], "facts": item["facts"]} for item in items),
                  key=lambda r: r["member_id"])
    if not rows:
        return 0
    with sessions.begin() as session:
        statement = insert(member_facts).values(rows)
        result = session.execute(statement.on_conflict_do_update(
            index_elements=[member_facts.c.member_id],
            set_={"version": statement.excluded.version, "org_path": statement.excluded.org_path,
                  "facts": statement.excluded.facts},
            where=member_facts.c.version < statement.excluded.version).returning(member_facts.c.member_id))
        return len(result.all())


REPLACE = [
    text("DELETE FROM stats.counters"),
    text("DELETE FROM stats.counter_deltas"),
    text(f"INSERT INTO stats.counters (org_id, dimension, value, year, n) "
         f"SELECT * FROM ({EXPECTED}) expected WHERE n <> 0"),
]


def rebuild(sessions: sessionmaker, root_path: str, member_page, org_page) -> dict:
    """Recount every counter from the source services while the system runs.

    First the counted states catch up with the sources (a newer source version replaces the
    counted one). Then one transaction holds the compactor's lock and a SHARE lock on the
    counted states: consumers' transactions in flight finish first, new ones wait, so the
    recount from the counted states replaces counters and deltas exactly."""
    synced = {"orgs": 0, "members": 0}
    for items in pages(org_page, root_path, "next_after_path", ""):
        synced["orgs"] += _sync_orgs(sessions, items)
    for items in pages(member_page, root_path, "next_after_id", 0):
        synced["members"] += _sync_members(sessions, items)
    with sessions.begin() as session:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FOLD_LOCK})
        session.execute(text("LOCK TABLE stats.orgs, stats.member_facts IN SHARE MODE"))
        session.execute(STAGE)
        stage(session, ((fact.path, org_entries(fact.facts)) for fact in map(
            org_fact, session.execute(orgs.select().where(orgs.c.version > 0)).all())))
        counted, after = 0, 0
        while True:
            rows = session.execute(member_facts.select().where(member_facts.c.member_id > after)
                                   .order_by(member_facts.c.member_id).limit(PAGE)).all()
            if not rows:
                break
            stage(session, ((row.org_path, member_entries(row.facts)) for row in rows if row.facts))
            counted, after = counted + len(rows), rows[-1].member_id
        for statement in REPLACE:
            session.execute(statement, {"depth": 1})
        written = session.execute(text("SELECT count(*) FROM stats.counters")).scalar_one()
    return {"synced": synced, "members": counted, "counters": written}
