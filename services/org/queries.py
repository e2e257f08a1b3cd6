"""Org service read paths."""
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from services.shared.context import Caller
from services.shared.errors import NotFound, ValidationFailed

from .domain.org_card import INFO_SETS, display, plain
from .events import org_state
from .models import orgs, sanctions, units
from .store import commendation_states, load_org, org_view, unit_states
from .transit import in_transit


def _entries(session: Session, table, fields, org_id: int, order) -> list[dict]:
    rows = session.execute(select(table).where(table.c.org_id == org_id).order_by(*order)).all()
    result = []
    for row in rows:
        item = {"id": row.id}
        for field in fields:
            value = getattr(row, field.key)
            item[field.key] = plain(value)
            if field.table is not None:
                item[f"{field.key}_name"] = display(fields, field.key, value)
        result.append(item)
    return result


def card_entries(session: Session, org_id: int) -> dict:
    return {"units": _entries(session, units, INFO_SETS["unit"], org_id, (units.c.id,)),
            "sanctions": _entries(session, sanctions, INFO_SETS["sanction"], org_id,
                                  (sanctions.c.approved_on.desc(), sanctions.c.id))}


def get_org(sessions: sessionmaker, caller: Caller, org_id) -> dict:
    with sessions() as session:
        row = load_org(session, org_id)
        caller.require(row.path)
        parent_name = None
        if row.parent_id is not None:
            parent_name = session.execute(select(orgs.c.name).where(orgs.c.id == row.parent_id)).scalar()
        view = org_view(row, parent_name)
        # The path's ancestors that the caller may see, for breadcrumbs.
        ancestor_ids = [int(part) for part in row.path.strip("/").split("/")[:-1]]
        names = dict(session.execute(select(orgs.c.id, orgs.c.name).where(orgs.c.id.in_(ancestor_ids))).all())
        view["ancestors"] = [{"id": i, "name": names.get(i, "")} for i in ancestor_ids
                             if caller.covers(row.path[: row.path.index(f"/{i}/") + len(f"/{i}/")])]
        view.update(card_entries(session, row.id))
        leaving, coming = in_transit(session, row.id)
        view["in_transit"] = {"leaving": leaving, "coming": coming}  # 撤销 and 删除 wait for these
        return view


def children(sessions: sessionmaker, caller: Caller, org_id, history=False) -> list[dict]:
    """Sub-organizations in use in their sort order; with `history`, the revoked ones."""
    if not isinstance(history, bool):
        raise ValidationFailed("history 应为 true 或 false", {"history": "应为布尔值"})
    with sessions() as session:
        parent = load_org(session, org_id)
        caller.require(parent.path)
        child = aliased(orgs)
        has_children = exists().where(child.c.parent_id == orgs.c.id, child.c.status == "active")
        rows = session.execute(
            select(orgs, has_children.label("has_children"))
            .where(orgs.c.parent_id == parent.id, orgs.c.status == ("revoked" if history else "active"))
            .order_by(*((orgs.c.revoked_on.desc(), orgs.c.id) if history else (orgs.c.sort_order, orgs.c.id)))
        ).all()
        return [dict(org_view(row, parent.name), has_children=row.has_children) for row in rows]


def org_path(sessions: sessionmaker, caller: Caller, org_id) -> dict:
    """What other services' org directories hold (services/shared/org_directory.py): their
    fallback for an organization whose events have not reached them yet."""
    with sessions() as session:
        row = load_org(session, org_id)
        caller.require(row.path)
        return {"id": row.id, "path": row.path, "type": row.type, "name": row.name, "status": row.status,
                "parent_id": row.parent_id, "code": row.code, "version": row.version}


def root_org(sessions: sessionmaker, caller: Caller) -> dict:
    with sessions() as session:
        row = session.execute(select(orgs).where(orgs.c.parent_id.is_(None))).first()
    if row is None:
        raise NotFound("尚未建立根党组织")
    caller.require(row.path)
    return org_view(row)


MAX_NAMES = 5000


def org_names(sessions: sessionmaker, caller: Caller, org_ids) -> dict:
    """{id: name} of the given organizations that lie in the caller's scope (for exports)."""
    try:
        ids = sorted({int(i) for i in org_ids})[:MAX_NAMES]
    except (TypeError, ValueError):
        raise NotFound("党组织不存在") from None
    with sessions() as session:
        rows = session.execute(select(orgs.c.id, orgs.c.name, orgs.c.path).where(orgs.c.id.in_(ids))).all()
    return {str(row.id): row.name for row in rows if caller.covers(row.path)}


def orgs_by_code(sessions: sessionmaker, caller: Caller, codes) -> dict:
    """{code: {"id", "path", "name", "in_scope"}} for the given codes that exist (imports)."""
    wanted = sorted({str(code).strip() for code in codes if str(code).strip()})[:MAX_NAMES]
    with sessions() as session:
        rows = session.execute(select(orgs.c.id, orgs.c.code, orgs.c.path, orgs.c.name, orgs.c.type, orgs.c.status)
                               .where(orgs.c.code.in_(wanted))).all()
    return {row.code: {"id": row.id, "path": row.path, "name": row.name, "in_scope": caller.covers(row.path),
                       "type": row.type, "status": row.status} for row in rows}


ROSTER_PAGE = 2000


def subtree_page(sessions: sessionmaker, caller: Caller, org_id, after_path: str = "", limit=ROSTER_PAGE) -> dict:
    """The organization and everything below it in path order (each parent before its
    children), one keyset page at a time, for the organization roster."""
    if not isinstance(after_path, str):
        raise ValidationFailed("分页参数有误", {"after_path": "应为文本"})
    try:
        limit = min(int(limit), ROSTER_PAGE)
    except (TypeError, ValueError):
        raise ValidationFailed("每页条数应为正整数", {"limit": "应为正整数"}) from None
    if limit < 1:
        raise ValidationFailed("每页条数应为正整数", {"limit": "应为正整数"})
    with sessions() as session:
        top = load_org(session, org_id)
        caller.require(top.path)
        parent = aliased(orgs)
        rows = session.execute(
            select(orgs, parent.c.name.label("parent_name")).outerjoin(parent, parent.c.id == orgs.c.parent_id)
            .where(orgs.c.path.startswith(top.path, autoescape=True), orgs.c.path > after_path,
                   orgs.c.status == "active")
            .order_by(orgs.c.path).limit(limit)).all()
    items = [dict(org_view(row, row.parent_name), depth=row.path.count("/") - top.path.count("/") + 1) for row in rows]
    return {"items": items, "next_after_path": rows[-1].path if len(rows) == limit else None}


def states_page(sessions: sessionmaker, caller: Caller, path: str, after_path: str = "", limit=ROSTER_PAGE) -> dict:
    """Every organization of a subtree with the state its events carry (events.org_state) and
    its version, in path order, one keyset page: the stats service's reconcile and rebuild."""
    caller.require(path)
    if not isinstance(after_path, str):
        raise ValidationFailed("分页参数有误", {"after_path": "应为文本"})
    try:
        limit = max(1, min(int(limit), ROSTER_PAGE))
    except (TypeError, ValueError):
        raise ValidationFailed("每页条数应为正整数", {"limit": "应为正整数"}) from None
    with sessions() as session:
        rows = session.execute(select(orgs).where(orgs.c.path.startswith(path, autoescape=True),
                                                  orgs.c.path > after_path).order_by(orgs.c.path).limit(limit)).all()
        found = unit_states(session, [row.id for row in rows])
        commended = commendation_states(session, [row.id for row in rows])
    return {"items": [{"id": row.id, "version": row.version,
                       "state": org_state(row, units=found.get(row.id, ()), commendations=commended.get(row.id, ()))}
                      for row in rows],
            "next_after_path": rows[-1].path if len(rows) == limit else None}
