"""综合查询: a combined query over member fields, within a subtree of the caller's scope
(固定查询, an account's saved queries, are in saved_queries.py)."""
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.paging import page_bounds

from .domain.conditions import describe
from .models import members
from .query_catalog import SORTS
from .store import check_query, member_view, scoped, selection, sorted_page


def _order(sort: str):
    column = SORTS[sort.removeprefix("-")][1]
    if sort.startswith("-"):
        return (column.desc().nulls_last(), members.c.id.desc())
    return (column.asc().nulls_last(), members.c.id)


def combined_query(sessions: sessionmaker, caller: Caller, org_lookup, raw, page=1, size=50) -> dict:
    query = check_query(raw)
    page, size = page_bounds(page, size)
    where = selection(query, scoped(caller, org_lookup, query))
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(members).where(where)).scalar_one()
        rows = session.execute(select(members).where(where).order_by(*_order(query.sort))
                               .limit(size).offset((page - 1) * size)).all()
    return {"total": total, "page": page, "size": size, "query": query.plain(), "description": describe(query.where),
            "items": [member_view(row) for row in rows]}


def combined_query_page(sessions: sessionmaker, caller: Caller, org_lookup, raw, after_id=0, limit=2000) -> dict:
    """One keyset page of a query's members in the query's own order (as on screen): exports
    read every match page by page (`after_id`: the previous page's `next_after_id`)."""
    query = check_query(raw)
    column = SORTS[query.sort.removeprefix("-")][1]
    return sorted_page(sessions, selection(query, scoped(caller, org_lookup, query)), column,
                       query.sort.startswith("-"), after_id, limit)
