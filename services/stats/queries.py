"""Stats read paths: subtree figures, and reconcile against a recount of member data."""
from collections import Counter

from sqlalchemy import func, select, union_all
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


def member_totals(sessions: sessionmaker, caller: Caller, org_ids: list) -> dict:
    """Subtree member totals of several organizations (tree nodes), {org_id: total}."""
    ids = [int(i) for i in org_ids]
    with sessions() as session:
        paths = dict(session.execute(select(orgs.c.id, orgs.c.path).where(orgs.c.id.in_(ids))).all())
        result = {}
        for org_id in ids:
            path = paths.get(org_id)
            if path is None or not caller.covers(path):
                result[str(org_id)] = 0
                continue
            counted = _counted()
            result[str(org_id)] = int(session.execute(
                select(func.coalesce(func.sum(counted.c.n), 0)).join(orgs, orgs.c.id == counted.c.org_id)
                .where(orgs.c.path.startswith(path, autoescape=True), counted.c.dimension == "total")).scalar_one())
    return result


def reconcile(sessions: sessionmaker, caller: Caller, org_id, org_lookup, recount) -> dict:
    """Compare counters with `recount(path)` (the member service's grouped counts)."""
    path = org_path(sessions, caller, org_id, org_lookup)
    expected = expected_counters(recount(path))
    with sessions() as session:
        actual = Counter({(r.org_id, r.dimension, r.value): r.n
                          for r in session.execute(_subtree_counters(session, path)).all() if r.n})
    return {"org_id": int(org_id), "differences": differences(expected, actual)}
