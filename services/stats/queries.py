"""Stats read paths: subtree figures, and reconcile against a recount of member data."""
from collections import Counter

from sqlalchemy import func, select, text, union_all
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import NotFound

from .domain.counters import differences, expected_counters, summarize
from .models import counter_deltas, counters, orgs


def org_path(sessions: sessionmaker, caller: Caller, org_id, org_lookup) -> str:
    """The organization's path from the projection; for one created a moment ago whose event
    has not arrived yet, from the org service (`org_lookup`, which checks scope itself)."""
    try:
        org_id = int(org_id)
    except (TypeError, ValueError):
        raise NotFound("党组织不存在") from None
    with sessions() as session:
        path = session.execute(select(orgs.c.path).where(orgs.c.id == org_id)).scalar()
    if path is None:
        path = org_lookup(org_id)["path"]
    caller.require(path)
    return path


def _counted():
    """Every count, folded or not yet folded."""
    return union_all(*(select(t.c.org_id, t.c.dimension, t.c.value, t.c.n) for t in (counters, counter_deltas))
                     ).subquery("counted")


def _subtree_counters(session, path: str):
    counted = _counted()
    return (select(counted.c.org_id, counted.c.dimension, counted.c.value, func.sum(counted.c.n).label("n"))
            .join(orgs, orgs.c.id == counted.c.org_id)
            .where(orgs.c.path.startswith(path, autoescape=True))
            .group_by(counted.c.org_id, counted.c.dimension, counted.c.value))


def subtree_stats(sessions: sessionmaker, caller: Caller, org_id, org_lookup) -> dict:
    path = org_path(sessions, caller, org_id, org_lookup)
    with sessions() as session:
        sub = _subtree_counters(session, path).subquery()
        rows = session.execute(select(sub.c.dimension, sub.c.value, func.sum(sub.c.n))
                               .group_by(sub.c.dimension, sub.c.value)).all()
    return {"members": summarize(rows)}


# One statement for every node: a parameterized range scan of each node's subtree on the
# text_pattern_ops path index (~>=~ / ~<~ compare bytes; "/1/5/" ≤ descendant < "/1/50").
SUBTREE_TOTALS = text("""
SELECT node.id, coalesce(sum(c.n), 0) AS total
FROM unnest(CAST(:ids AS bigint[]), CAST(:paths AS text[])) AS node(id, path)
LEFT JOIN stats.orgs o ON o.path ~>=~ node.path AND o.path ~<~ (left(node.path, -1) || '0')
LEFT JOIN (SELECT org_id, n FROM stats.counters WHERE dimension = 'total'
           UNION ALL SELECT org_id, n FROM stats.counter_deltas WHERE dimension = 'total') c ON c.org_id = o.id
GROUP BY node.id
""")


def member_totals(sessions: sessionmaker, caller: Caller, org_ids: list) -> dict:
    """Subtree member totals of several organizations (tree nodes), {org_id: total}."""
    ids = [int(i) for i in org_ids]
    result = {str(org_id): 0 for org_id in ids}
    with sessions() as session:
        nodes = [(org_id, path) for org_id, path in
                 session.execute(select(orgs.c.id, orgs.c.path).where(orgs.c.id.in_(ids))).all()
                 if caller.covers(path)]
        if nodes:
            totals = session.execute(SUBTREE_TOTALS, {"ids": [n[0] for n in nodes], "paths": [n[1] for n in nodes]})
            result.update({str(org_id): int(total) for org_id, total in totals})
    return result


def reconcile(sessions: sessionmaker, caller: Caller, org_id, org_lookup, recount) -> dict:
    """Compare counters with `recount(path)` (the member service's grouped counts)."""
    path = org_path(sessions, caller, org_id, org_lookup)
    expected = expected_counters(recount(path))
    with sessions() as session:
        actual = Counter({(r.org_id, r.dimension, r.value): r.n
                          for r in session.execute(_subtree_counters(session, path)).all() if r.n})
    return {"org_id": int(org_id), "differences": differences(expected, actual)}
