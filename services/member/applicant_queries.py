"""入党申请人 read paths: one applicant, and the applicants of an organization's subtree (filtered
by stage, quick-searched, sorted, paged with a total; or the deleted ones, for 找回)."""
import unicodedata

from sqlalchemy import func, or_, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.paging import keyset_bounds, page_bounds

from .domain.applicants import STAGES, applicant_facts
from .models import applicants
from .store import applicant_view, load_applicant

SEARCH_MAX = 50
_A = applicants.c
# sort key → order; names by pinyin (name_sort), then id, as the member lists.
SORTS = {
    "name": (_A.name_sort.asc(), _A.id), "-name": (_A.name_sort.desc(), _A.id.desc()),
    "applied_on": (_A.applied_on.asc(), _A.name_sort, _A.id),
    "-applied_on": (_A.applied_on.desc(), _A.name_sort, _A.id),
    "birth_date": (_A.birth_date.asc(), _A.name_sort, _A.id),
    "-birth_date": (_A.birth_date.desc(), _A.name_sort, _A.id),
}
SORT_NAMES = {"name": "姓名", "-name": "姓名（倒序）", "applied_on": "申请日期（早的在前）",
              "-applied_on": "申请日期（新的在前）", "birth_date": "出生日期（年长的在前）",
              "-birth_date": "出生日期（年轻的在前）"}


def get_applicant(sessions: sessionmaker, caller: Caller, applicant_id) -> dict:
    with sessions() as session:
        return applicant_view(load_applicant(session, caller, applicant_id))


def _filters(org: dict, stage, q, deleted) -> list:
    if not isinstance(deleted, bool):
        raise ValidationFailed("deleted 应为 true 或 false", {"deleted": "应为布尔值"})
    where = [_A.org_path.startswith(org["path"], autoescape=True),
             _A.deleted_at.is_not(None) if deleted else _A.deleted_at.is_(None)]
    if stage not in (None, ""):
        if stage not in STAGES:
            raise ValidationFailed("发展阶段应为 applicant、activist 或 candidate", {"stage": "未知的发展阶段"})
        where.append(_A.stage == stage)
    else:  # those accepted as 预备党员 are members now: on the members' lists
        where.append(_A.stage.in_(STAGES))
    if q not in (None, ""):
        if not isinstance(q, str):
            raise ValidationFailed("查询内容应为文本", {"q": "应为文本"})
        q = unicodedata.normalize("NFKC", q).strip()
        if len(q) > SEARCH_MAX:
            raise ValidationFailed(f"查询内容不能超过{SEARCH_MAX}个字符", {"q": "过长"})
        if q:
            matches = [_A.name.startswith(q, autoescape=True)]
            if q.isascii() and q.isalnum():
                matches += [_A.name_initials.startswith(q.lower(), autoescape=True),
                            _A.id_number.startswith(q.upper(), autoescape=True)]
            where.append(or_(*matches))
    return where


def list_applicants(sessions: sessionmaker, caller: Caller, org: dict, stage=None, q=None, sort="name", page=1,
                    size=50, deleted=False) -> dict:
    """Applicants of `org`'s subtree (from the organization directory; scope checked): on
    record, or with `deleted` those deleted (newest deletion first, for 找回)."""
    caller.require(org["path"], "该党组织")
    page, size = page_bounds(page, size)
    sort = sort or "name"
    if sort not in SORTS:
        raise ValidationFailed("排序方式应为 " + "、".join(SORTS), {"sort": "未知的排序方式"})
    where = _filters(org, stage, q, deleted)
    order = (_A.deleted_at.desc(), _A.id.desc()) if deleted else SORTS[sort]
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(applicants).where(*where)).scalar_one()
        rows = session.execute(select(applicants).where(*where).order_by(*order)
                               .limit(size).offset((page - 1) * size)).all()
    return {"total": total, "page": page, "size": size, "sort": sort, "deleted": deleted,
            "items": [applicant_view(row) for row in rows]}


FACTS_PAGE_MAX = 5000


def facts_page(sessions: sessionmaker, caller: Caller, path: str, after_id=0, limit=2000) -> dict:
    """Every applicant of a subtree (deleted and accepted ones too: they count for the years they
    were on record) in id order, one keyset page, with the counted facts their events carry
    (domain/applicants.applicant_facts), for the stats service's reconcile and rebuild."""
    caller.require(path, "该党组织")
    after_id, limit = keyset_bounds(after_id, limit, FACTS_PAGE_MAX)
    with sessions() as session:
        rows = session.execute(select(applicants).where(_A.org_path.startswith(path, autoescape=True), _A.id > after_id)
                               .order_by(_A.id).limit(limit)).all()
    return {"items": [{"applicant_id": row.id, "version": row.version, "org_path": row.org_path,
                       "facts": applicant_facts(row)} for row in rows],
            "next_after_id": rows[-1].id if len(rows) == limit else None}
