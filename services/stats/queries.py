"""Stats read paths: an organization's figures and report, tree node totals. How an
organization's counted rows are read is in store.py."""
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.report_years import report_year

from .domain.tables import evaluate_all, summary
from .models import orgs
from .store import org_figures

SCOPES = ("subtree", "direct")
SUMMARY_DIMENSIONS = ["total", "sex", "category"]


def subtree_stats(sessions: sessionmaker, caller: Caller, org_id, org_lookup) -> dict:
    """Members of the subtree now (at the end of the current year), by sex and category."""
    _, counted = org_figures(sessions, caller, org_id, date.today().year, org_lookup, dimensions=SUMMARY_DIMENSIONS)
    return {"members": summary(counted)}


def counted_report(sessions: sessionmaker, caller: Caller, org_id, year, scope, org_lookup) -> dict:
    """The annual report of an organization for the period ending 12-31 of `year`: every table,
    each change counted in the year it took effect."""
    year = report_year(year)
    scope = scope or "subtree"
    if scope not in SCOPES:
        raise ValidationFailed("统计范围无效：应为 subtree（本级及下级）或 direct（本级）", {"scope": "范围无效"})
    org_id, counted = org_figures(sessions, caller, org_id, year, org_lookup, scope)
    total = "total"
    return {"org_id": org_id, "year": year, "period_end": f"{year}-12-31", "scope": scope,
            "year_start_total": counted.start.get(total, {}).get("", 0),
            "year_end_total": counted.end.get(total, {}).get("", 0),
            "tables": evaluate_all(counted)}


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
