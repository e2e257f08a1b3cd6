"""The organizations a 省内/支部间 transfer may go to, found by name or code for the 发起 form:
any organization of this deployment in use (not only the caller's scope: a member moves out of
it), from the transfer service's own org directory. Only names and the parent's name are shown,
to tell two branches of one name apart."""
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, sessionmaker

from services.shared.errors import ValidationFailed

from .models import org_directory

SEARCH_MAX, SIZE = 50, 20


def search_targets(sessions: sessionmaker, q) -> dict:
    if not isinstance(q, str) or len(q.strip()) > SEARCH_MAX:
        raise ValidationFailed(f"查询内容应为不超过{SEARCH_MAX}个字符的文本", {"q": "过长"})
    q = q.strip()
    if not q:
        return {"q": q, "total": 0, "items": []}
    parent = aliased(org_directory)
    where = (org_directory.c.status == "active") & (
        org_directory.c.name.contains(q, autoescape=True) | org_directory.c.code.startswith(q, autoescape=True))
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(org_directory).where(where)).scalar_one()
        rows = session.execute(
            select(org_directory.c.id, org_directory.c.name, org_directory.c.code, org_directory.c.type,
                   parent.c.name.label("parent_name"))
            .outerjoin(parent, parent.c.id == org_directory.c.parent_id)
            .where(where).order_by(func.length(org_directory.c.name), org_directory.c.path).limit(SIZE)).all()
    return {"q": q, "total": total, "items": [dict(row._mapping) for row in rows]}
