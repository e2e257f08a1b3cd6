"""Stats read paths: an organization's figures and report, tree node totals. How an
organization's counted rows are read is in store.py."""
from datetime import date

from sqlalchemy import or_, select, text
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.report_years import report_year

from . import period
from .domain.tables import evaluate_all, figures, summary
from .models import orgs, transfer_facts
from .store import ORG_DELTAS, held, org_figures, org_node, org_rows_and, snapshot

SCOPES = ("subtree", "direct")
SUMMARY_DIMENSIONS = ["total", "sex", "category"]


def subtree_stats(sessions: sessionmaker, caller: Caller, org_id, org_lookup) -> dict:
    """Members of the subtree now (at the end of the current report year), by sex and category."""
    with snapshot(sessions) as session:
        year = period.current_year(session)
        _, counted = org_figures(held(session), caller, org_id, year, org_lookup, dimensions=SUMMARY_DIMENSIONS)
    return {"members": summary(counted)}


def counted_report(sessions: sessionmaker, caller: Caller, org_id, year, scope, org_lookup) -> dict:
    """The annual report of an organization for the period ending on the report date of `year`: every
    table, each change counted in the report year it took effect."""
    scope = scope or "subtree"
    if scope not in SCOPES:
        raise ValidationFailed("统计范围无效：应为 subtree（本级及下级）或 direct（本级）", {"scope": "范围无效"})
    try:
        asked = report_year(year, period.latest_possible_year())
    except ValidationFailed:
        with sessions() as session:  # refused naming the latest year the report date gives
            report_year(year, period.current_year(session))
        raise
    # The report date read with the rows, in their one round trip; nothing is answered before the
    # year is checked against it.
    org_id, rows, also = org_rows_and(sessions, caller, org_id, asked, org_lookup, scope,
                                      also={"cutoff": period.CUTOFF})
    found = period.cutoff_of(also["cutoff"][0].cutoff if also["cutoff"] else None)
    year = report_year(asked, period.report_year(date.today(), found))
    counted = figures(rows, year)
    total = "total"
    return {"org_id": org_id, "year": year, "period_end": period.period_end(year, found), "scope": scope,
            "year_start_total": counted.start.get(total, {}).get("", 0),
            "year_end_total": counted.end.get(total, {}).get("", 0),
            "tables": evaluate_all(counted)}


NODE_TOTALS = text("""
SELECT org_id, sum(n) AS total
FROM (SELECT org_id, n FROM stats.counters WHERE org_id = ANY(:ids) AND dimension = 'total' AND year <= :year
      UNION ALL
      SELECT org_id, n FROM stats.{deltas} WHERE org_id = ANY(:ids) AND dimension = 'total' AND year <= :year
     ) counted
GROUP BY org_id
""".format(deltas=ORG_DELTAS))


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
            totals = session.execute(NODE_TOTALS, {"ids": nodes, "year": period.current_year(session)})
            result.update({str(org_id): int(total) for org_id, total in totals})
    return result


def whole_org_transfers(sessions: sessionmaker, caller: Caller, org_id, year, org_lookup) -> dict:
    """附表 整建制转入/转出情况 of an organization's report for `year`: every 整建制转移 counted in
    it (an end at or under the organization), the organization moved, the members it moved and
    the date it took effect; `direction` out (转出), in (转入), or both (a common ancestor). The
    ends are organization ids (the gateway names them); totals by direction as table 1 counts."""
    with sessions() as session:
        found = period.cutoff(session)
    year = report_year(year, period.report_year(date.today(), found))
    org_id, path = org_node(sessions, caller, org_id, org_lookup)
    under = [transfer_facts.c.from_path.startswith(path, autoescape=True),
             transfer_facts.c.to_path.startswith(path, autoescape=True)]
    with sessions() as session:
        rows = session.execute(select(transfer_facts).where(
            transfer_facts.c.kind == "whole_org", or_(*under),
            transfer_facts.c.effective_on.between(period.period_start(year, found),
                                                  date.fromisoformat(period.period_end(year, found))))
            .order_by(transfer_facts.c.effective_on, transfer_facts.c.transfer_id)).all()
    items, totals = [], {"out": 0, "in": 0}
    for row in rows:
        out = bool(row.from_path and row.from_path.startswith(path))
        into = bool(row.to_path and row.to_path.startswith(path))
        totals["out"] += row.members if out else 0
        totals["in"] += row.members if into else 0
        items.append({"transfer_id": row.transfer_id, "org_id": row.org_id, "org_name": row.org_name,
                      "members": row.members, "effective_on": row.effective_on.isoformat(),
                      "from_org_id": row.from_org_id, "to_org_id": row.to_org_id,
                      "direction": "both" if out and into else "out" if out else "in"})
    return {"org_id": org_id, "year": year, "items": items, "out_members": totals["out"], "in_members": totals["in"]}
