"""Stats read paths: an organization's figures and report, tree node totals.

Counters are rolled up (every organization's rows count its whole subtree), so each read is one
organization's rows: folded `counters` plus not yet folded `counter_deltas`. The folded part is
kept per process while the counters stand (counter_cache.py), so a report in quiet times reads
a generation number and an empty range of deltas.
"""
from collections import Counter
from contextlib import contextmanager
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import NotFound, ValidationFailed
from services.shared.report_years import report_year

from .counter_cache import FoldedRows
from .domain.tables import TABLES, evaluate, figures, older_students, summary
from .models import counter_generations, orgs

SCOPES = ("subtree", "direct")


def org_path(sessions: sessionmaker, caller: Caller, org_id, org_lookup) -> str:
    """The organization's path from the projection; for one created a moment ago whose event
    has not arrived yet, from the org service (`org_lookup`, which checks scope itself)."""
    return org_node(sessions, caller, org_id, org_lookup)[1]


def org_node(sessions: sessionmaker, caller: Caller, org_id, org_lookup) -> tuple[int, str]:
    org_id = _org_id(org_id)
    with sessions() as session:
        path = _projected_path(session, org_id)
    return org_id, _in_scope(caller, org_id, path, org_lookup)


def _org_id(org_id) -> int:
    if isinstance(org_id, bool):
        raise NotFound("党组织不存在")
    try:
        return int(org_id)
    except (TypeError, ValueError):
        raise NotFound("党组织不存在") from None


def _projected_path(session, org_id: int) -> str | None:
    return session.execute(select(orgs.c.path).where(orgs.c.id == org_id, orgs.c.path != "")).scalar()


def _in_scope(caller: Caller, org_id: int, path: str | None, org_lookup) -> str:
    if path is None:
        path = org_lookup(org_id)["path"]
    caller.require(path)
    return path


# One organization's rows for a report year from one table, folded counters or not yet folded
# deltas, or (direct) its rows minus its children's: what belongs to it alone. (:dimensions
# NULL: every dimension.) The year is collapsed in SQL: `figures` needs only what changed up to
# the previous year end (summed into year - 1) and during the year itself; later years cannot
# matter. At the province root this turns ~7,000 rows (every birth year × year of change) into
# ~300.
ROWS = """
SELECT dimension, value, CASE WHEN year < :year THEN :year - 1 ELSE :year END AS year,
       sum(n * CASE WHEN org_id = :org_id THEN 1 ELSE -1 END) AS n
FROM stats.{table}
WHERE org_id = ANY(:ids) AND year <= :year AND (CAST(:dimensions AS text[]) IS NULL OR dimension = ANY(:dimensions))
GROUP BY 1, 2, 3
"""
FOLDED_ROWS, DELTA_ROWS = text(ROWS.format(table="counters")), text(ROWS.format(table="counter_deltas"))
SUMMARY_DIMENSIONS = ["total", "sex", "category"]
folded_rows = FoldedRows()


def org_rows(sessions: sessionmaker, caller: Caller, org_id, year: int, org_lookup, scope: str = "subtree",
             dimensions: list | None = None) -> tuple[int, list]:
    """The organization (checked against the caller's scope) and its (dimension, value, year, n)
    rows that give `figures(rows, year)` exactly: the folded counters' rows (kept while their
    generations stand) plus the deltas', read in one snapshot."""
    org_id = _org_id(org_id)
    with _snapshot(sessions) as session:
        path = _projected_path(session, org_id)
        if path is not None:  # the usual case: one short read-only transaction
            caller.require(path)
            return org_id, _counted_rows(session, org_id, year, scope, dimensions)
    _in_scope(caller, org_id, path, org_lookup)  # created a moment ago: its event is on its way
    with _snapshot(sessions) as session:
        return org_id, _counted_rows(session, org_id, year, scope, dimensions)


@contextmanager
def _snapshot(sessions: sessionmaker):
    """A session whose reads all see one snapshot (REPEATABLE READ)."""
    with sessions() as session:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


def _counted_rows(session, org_id: int, year: int, scope: str, dimensions: list | None) -> list:
    ids = [org_id]
    if scope == "direct":
        ids += list(session.execute(select(orgs.c.id).where(orgs.c.parent_id == org_id)).scalars())
    params = {"org_id": org_id, "ids": ids, "dimensions": dimensions, "year": year}
    generations = tuple(sorted(session.execute(
        select(counter_generations.c.org_id, counter_generations.c.generation)
        .where(counter_generations.c.org_id.in_(ids))).tuples()))
    key = (tuple(ids), year, tuple(dimensions or ()), generations)
    folded = folded_rows.get(key)
    if folded is None:
        folded = [tuple(row) for row in session.execute(FOLDED_ROWS, params)]
        folded_rows.put(key, folded)
    deltas = session.execute(DELTA_ROWS, params).all()
    if not deltas:
        return [row for row in folded if row[3]]
    summed: Counter = Counter()
    for dimension, value, row_year, n in (*folded, *deltas):
        summed[(dimension, value, row_year)] += n
    return [(*cell, n) for cell, n in summed.items() if n]


def subtree_stats(sessions: sessionmaker, caller: Caller, org_id, org_lookup) -> dict:
    """Members of the subtree now (at the end of the current year), by sex and category."""
    _, rows = org_rows(sessions, caller, org_id, date.today().year, org_lookup, dimensions=SUMMARY_DIMENSIONS)
    return {"members": summary(figures(rows, date.today().year))}


def report(sessions: sessionmaker, caller: Caller, org_id, year, scope, org_lookup) -> dict:
    """The annual report of an organization for the period ending 12-31 of `year`: every table,
    each change counted in the year it took effect."""
    year = report_year(year)
    scope = scope or "subtree"
    if scope not in SCOPES:
        raise ValidationFailed("统计范围无效：应为 subtree（本级及下级）或 direct（本级）", {"scope": "范围无效"})
    org_id, rows = org_rows(sessions, caller, org_id, year, org_lookup, scope)
    counted = figures(rows, year)
    total = "total"
    return {"org_id": org_id, "year": year, "period_end": f"{year}-12-31", "scope": scope,
            "year_start_total": counted.start.get(total, {}).get("", 0),
            "year_end_total": counted.end.get(total, {}).get("", 0),
            "tables": [evaluate(table, counted) for table in TABLES]}


def older_student_count(sessions: sessionmaker, caller: Caller, org_id, year: int, org_lookup) -> int:
    """Student members of the subtree aged 46 or over at the end of `year` (for the audit)."""
    _, rows = org_rows(sessions, caller, org_id, year, org_lookup, dimensions=["student_birth_year"])
    return older_students(figures(rows, year))


NODE_TOTALS = text("""
SELECT org_id, sum(n) AS total
FROM (SELECT org_id, n FROM stats.counters WHERE org_id = ANY(:ids) AND dimension = 'total' AND year <= :year
      UNION ALL
      SELECT org_id, n FROM stats.counter_deltas WHERE org_id = ANY(:ids) AND dimension = 'total' AND year <= :year
     ) counted
GROUP BY org_id
""")


def member_totals(sessions: sessionmaker, caller: Caller, org_ids: list) -> dict:
    """Subtree member totals of several organizations (tree nodes) now, {org_id: total}: one
    index range of each node's own rolled-up rows."""
    ids = [int(i) for i in org_ids]
    result = {str(org_id): 0 for org_id in ids}
    with sessions() as session:
        nodes = [org_id for org_id, path in
                 session.execute(select(orgs.c.id, orgs.c.path).where(orgs.c.id.in_(ids))).all()
                 if caller.covers(path)]
        if nodes:
            totals = session.execute(NODE_TOTALS, {"ids": nodes, "year": date.today().year})
            result.update({str(org_id): int(total) for org_id, total in totals})
    return result
