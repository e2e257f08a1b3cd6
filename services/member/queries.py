"""Member service read paths."""
import unicodedata

from sqlalchemy import func, or_, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.field_rules import iso_date, record_id
from services.shared.paging import keyset_bounds, page_bounds

from .domain.rolls import on_rolls
from .domain.status import ACTIVE, LEFT
from .events import member_facts
from .models import members
from .store import (
    PINYIN_ORDER,
    absences_by_member,
    load_member,
    member_card,
    member_view,
    set_facts_by_member,
    sorted_page,
)
from .transit import in_transit_of


def get_member(sessions: sessionmaker, caller: Caller, member_id) -> dict:
    with sessions() as session:
        row = load_member(session, member_id)
        caller.require(row.org_path, "该党员")
        return member_card(session, row)


def list_members(sessions: sessionmaker, caller: Caller, org: dict, page=1, size=50, history=False) -> dict:
    """Members directly in `org` (from the organization directory, scope-checked): those on
    the active rolls by name, or with `history` those who left, the latest first."""
    caller.require(org["path"], "该党组织")
    page, size = page_bounds(page, size)
    if not isinstance(history, bool):
        raise ValidationFailed("history 应为 true 或 false", {"history": "应为布尔值"})
    where = (members.c.org_id == org["id"]) & (members.c.status == (LEFT if history else ACTIVE))
    order = (members.c.left_on.desc(), *PINYIN_ORDER) if history else PINYIN_ORDER
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(members).where(where)).scalar_one()
        rows = session.execute(select(members).where(where).order_by(*order)
                               .limit(size).offset((page - 1) * size)).all()
    return {"total": total, "page": page, "size": size, "history": history,
            "items": [member_view(row) for row in rows]}


def roster_page(sessions: sessionmaker, caller: Caller, org: dict, after_id=0, limit=2000) -> dict:
    """Active members of `org`'s subtree by pinyin, as lists show them, one keyset page however
    large the subtree (`after_id`: the previous page's `next_after_id`)."""
    caller.require(org["path"], "该党组织")
    where = members.c.org_path.startswith(org["path"], autoescape=True) & (members.c.status == "active")
    return sorted_page(sessions, where, members.c.name_sort, False, after_id, limit)


ROLLS_CHECK_MAX = 2000


def _rolls_question(on, member_ids) -> tuple:
    try:
        day = iso_date(on)
    except ValueError as exc:
        raise ValidationFailed(f"日期{exc}", {"on": str(exc)}) from None
    if not isinstance(member_ids, list) or len(member_ids) > ROLLS_CHECK_MAX:
        raise ValidationFailed("党员编号应为数组", {"member_ids": f"应为至多{ROLLS_CHECK_MAX}个编号的数组"})
    try:
        return day, [record_id(member_id) for member_id in member_ids]
    except ValueError as exc:
        raise ValidationFailed(f"党员编号{exc}", {"member_ids": str(exc)}) from None


def members_on_rolls(sessions: sessionmaker, caller: Caller, org: dict, on, member_ids) -> dict:
    """Which of `member_ids` were on the rolls of `org`'s subtree on day `on` (domain/rolls.py):
    `members` [{id, name, category, full_on}] and `not_on_rolls` [id] (unknown ids among them). Asked
    by the org service for 组织生活's attendees and 换届's committee (org → member, never back)."""
    caller.require(org["path"], "该党组织")
    day, ids = _rolls_question(on, member_ids)
    with sessions() as session:
        rows = session.execute(select(members).where(members.c.id.in_(ids))).all() if ids else []
    found = {row.id: row for row in rows
             if row.org_path.startswith(org["path"])
             and on_rolls(day, row.joined_on, row.left_on, row.branch_joined_on, row.arrived_on)}
    # category and full_on (转正日期): the org service's 换届 lets only 正式党员 stand (services/org/terms.py).
    return {"members": [{"id": member_id, "name": found[member_id].name, "category": found[member_id].category,
                         "full_on": found[member_id].full_on.isoformat() if found[member_id].full_on else None}
                        for member_id in ids if member_id in found],
            "not_on_rolls": [member_id for member_id in ids if member_id not in found]}


FACTS_PAGE_MAX = 5000


def facts_page(sessions: sessionmaker, caller: Caller, path: str, after_id=0, limit=2000) -> dict:
    """Every member of a subtree (active or left) in id order, one keyset page, with the counted
    facts events carry (events.member_facts), for the stats service's reconcile and rebuild."""
    caller.require(path, "该党组织")
    after_id, limit = keyset_bounds(after_id, limit, FACTS_PAGE_MAX)
    with sessions() as session:
        rows = session.execute(
            select(members).where(members.c.org_path.startswith(path, autoescape=True), members.c.id > after_id)
            .order_by(members.c.id).limit(limit)).all()
        counted_sets = set_facts_by_member(session, [row.id for row in rows])
        away = absences_by_member(session, [row.id for row in rows])
    return {"items": [{"member_id": row.id, "version": row.version, "org_path": row.org_path,
                       "facts": member_facts(row, absences=away.get(row.id), **counted_sets.get(row.id, {}))}
                      for row in rows],
            "next_after_id": rows[-1].id if len(rows) == limit else None}


def count_facts(sessions: sessionmaker, caller: Caller, path: str) -> list[dict]:
    """Active members of a subtree grouped by organization, sex and category (the org card's
    校核 compares each organization's type with its full members)."""
    caller.require(path, "该党组织")
    with sessions() as session:
        rows = session.execute(
            select(members.c.org_id, members.c.sex, members.c.category, func.count().label("n"))
            .where(members.c.org_path.startswith(path, autoescape=True), members.c.status == "active")
            .group_by(members.c.org_id, members.c.sex, members.c.category)
        ).all()
    return [{"org_id": r.org_id, "sex": r.sex, "category": r.category, "n": r.n} for r in rows]


SEARCH_MAX = 50
SEARCH_COUNT_CAP = 1000


def quick_search(sessions: sessionmaker, caller: Caller, q, page=1, size=20) -> dict:
    """Active members in the caller's scope whose name, pinyin initials or ID number begins
    with `q` (张, zs, 110105…). Each is a prefix on its own index."""
    if not isinstance(q, str) or not q.strip():
        raise ValidationFailed("请输入姓名、姓名拼音首字母或公民身份号码", {"q": "必填"})
    q = unicodedata.normalize("NFKC", q).strip()
    if len(q) > SEARCH_MAX:
        raise ValidationFailed(f"查询内容不能超过{SEARCH_MAX}个字符", {"q": "过长"})
    page, size = page_bounds(page, size)
    matches = [members.c.name.startswith(q, autoescape=True)]
    if q.isascii() and q.isalnum():
        matches.append(members.c.name_initials.startswith(q.lower(), autoescape=True))
        matches.append(members.c.id_number.startswith(q.upper(), autoescape=True))
    where = (members.c.org_path.startswith(caller.scope_path, autoescape=True) & (members.c.status == "active")
             & or_(*matches))
    with sessions() as session:
        # Counting stops past SEARCH_COUNT_CAP: a one-character query can match a tenth of the
        # province, and "more than 1,000, type more" is all a quick search needs to say.
        capped = select(members.c.id).where(where).limit(SEARCH_COUNT_CAP + 1).subquery()
        total = session.execute(select(func.count()).select_from(capped)).scalar_one()
        rows = session.execute(select(members).where(where).order_by(*PINYIN_ORDER)
                               .limit(size).offset((page - 1) * size)).all()
    return {"q": q, "total": min(total, SEARCH_COUNT_CAP), "more": total > SEARCH_COUNT_CAP, "page": page,
            "size": size, "items": [member_view(row) for row in rows]}


MAX_ID_NUMBERS = 20_000  # one import's rows (the 流出党员采集表's limit)


def members_by_id_numbers(sessions: sessionmaker, caller: Caller, id_numbers) -> dict:
    """{公民身份号码: the member (member_view, with in_transit)} of the given numbers among the members
    in the caller's scope (those outside it are absent, as unknown ones are): how another service's
    import (数据迁移: the 流出党员采集表) finds its rows' members in one call, never by reading our tables."""
    if not isinstance(id_numbers, list) or not all(isinstance(number, str) for number in id_numbers):
        raise ValidationFailed("公民身份号码应为文本的列表", {"id_numbers": "应为文本列表"})
    wanted = sorted({number.strip().upper() for number in id_numbers} - {""})
    if len(wanted) > MAX_ID_NUMBERS:
        raise ValidationFailed(f"一次最多查找 {MAX_ID_NUMBERS} 个公民身份号码", {"id_numbers": "过多"})
    with sessions() as session:
        rows = [row for start in range(0, len(wanted), 1000) for row in session.execute(
            select(members).where(members.c.id_number.in_(wanted[start:start + 1000]))) if caller.covers(row.org_path)]
        transit = in_transit_of(session, rows)
    return {row.id_number: {**member_view(row), "in_transit": transit.get(row.id)} for row in rows}
