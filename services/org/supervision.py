"""工作督查 of organizations: those of a subtree lacking required information."""
from sqlalchemy import Text, func, or_, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.paging import page_bounds

from .domain.required_info import ORG_REQUIRED_FIELDS, missing_required
from .models import orgs
from .store import load_org


def incomplete_orgs(sessions: sessionmaker, caller: Caller, org_id, page=1, size=50) -> dict:
    page, size = page_bounds(page, size)
    lacking = [orgs.c[key].is_(None) | (func.btrim(orgs.c[key]) == "") if isinstance(orgs.c[key].type, Text)
               else orgs.c[key].is_(None) for key, _ in ORG_REQUIRED_FIELDS]
    with sessions() as session:
        root = load_org(session, org_id)
        caller.require(root.path)
        where = orgs.c.path.startswith(root.path, autoescape=True) & or_(*lacking)
        total = session.execute(select(func.count()).select_from(orgs).where(where)).scalar_one()
        rows = session.execute(select(orgs).where(where).order_by(orgs.c.path)
                               .limit(size).offset((page - 1) * size)).all()
    return {"total": total, "page": page, "size": size,
            "items": [{"id": r.id, "name": r.name or "", "code": r.code or "", "type": r.type,
                       "missing": missing_required(r._mapping)} for r in rows]}
