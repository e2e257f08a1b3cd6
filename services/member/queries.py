"""Member service read paths."""
import unicodedata

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from services.shared.codes import ETHNICITIES, LEAVE_KINDS, MEMBER_CATEGORIES, SEXES
from services.shared.context import Caller
from services.shared.errors import NotFound, ValidationFailed

from .domain.status import ACTIVE, LEFT, STATUS_NAMES, Standing, StatusChange, allowed_actions, kind_group
from .models import members, status_changes

MAX_PAGE_SIZE = 200


def load_member(session: Session, member_id, for_update: bool = False):
    """The member's row; `for_update` locks it, so changes of one member take turns."""
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        raise NotFound("党员不存在") from None
    statement = select(members).where(members.c.id == member_id)
    row = session.execute(statement.with_for_update() if for_update else statement).first()
    if row is None:
        raise NotFound("党员不存在")
    return row


def member_view(row) -> dict:
    return {
        "id": row.id, "org_id": row.org_id, "org_path": row.org_path, "name": row.name, "id_number": row.id_number,
        "sex": row.sex, "sex_name": SEXES.name(row.sex), "birth_date": row.birth_date.isoformat(),
        "ethnicity": row.ethnicity, "ethnicity_name": ETHNICITIES.name(row.ethnicity),
        "category": row.category, "category_name": MEMBER_CATEGORIES.name(row.category),
        "joined_on": row.joined_on.isoformat(), "status": row.status, "version": row.version,
        "status_name": STATUS_NAMES.get(row.status, row.status), "leave_kind": row.leave_kind,
        "leave_kind_name": LEAVE_KINDS.name(row.leave_kind) if row.leave_kind else None,
        "leave_group": kind_group(row.leave_kind), "left_on": row.left_on.isoformat() if row.left_on else None,
        "leave_reason": row.leave_reason,
    }


def last_status_change(session: Session, member_id: int):
    """The member's last status change not yet undone (what 回退 would take back), or None."""
    return session.execute(select(status_changes).where(
        status_changes.c.member_id == member_id, status_changes.c.undone_at.is_(None))
        .order_by(status_changes.c.id.desc()).limit(1)).first()


def as_status_change(row) -> StatusChange | None:
    return None if row is None else StatusChange(row.from_status, row.to_status, row.kind, row.prior)


def _change_view(row) -> dict:
    return {
        "id": row.id, "action": "leave" if row.to_status == LEFT else "restore",
        "action_name": kind_group(row.kind) if row.to_status == LEFT else "找回",
        "from_status": row.from_status, "to_status": row.to_status,
        "kind": row.kind, "kind_name": LEAVE_KINDS.name(row.kind) if row.kind else None,
        "date": row.changed_on.isoformat(), "reason": row.reason, "actor": row.actor, "actor_name": row.actor_name,
        "at": row.at.isoformat(), "undone": row.undone_at is not None,
        "undone_at": row.undone_at.isoformat() if row.undone_at else None,
    }


STATUS_CHANGES_SHOWN = 50


def member_card(session: Session, row) -> dict:
    """The member with their status changes (newest first) and the status changes allowed now."""
    view = member_view(row)
    changes = session.execute(select(status_changes).where(status_changes.c.member_id == row.id)
                              .order_by(status_changes.c.id.desc()).limit(STATUS_CHANGES_SHOWN)).all()
    view["status_changes"] = [_change_view(change) for change in changes]
    view["actions"] = allowed_actions(Standing.of(row), as_status_change(last_status_change(session, row.id)))
    return view


def get_member(sessions: sessionmaker, caller: Caller, member_id) -> dict:
    with sessions() as session:
        row = load_member(session, member_id)
        caller.require(row.org_path, "该党员")
        return member_card(session, row)


def page_bounds(page, size) -> tuple[int, int]:
    try:
        page, size = int(page), int(size)
    except (TypeError, ValueError):
        raise ValidationFailed("分页参数应为整数", {"page": "应为整数"}) from None
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"页码从1开始，每页1到{MAX_PAGE_SIZE}条", {"page": "超出范围"})
    return page, size


def list_members(sessions: sessionmaker, caller: Caller, org: dict, page=1, size=50, history=False) -> dict:
    """Members directly in `org` (looked up, and scope-checked, by the org service): those on
    the active rolls by name, or with `history` those who left, the latest first."""
    caller.require(org["path"], "该党组织")
    page, size = page_bounds(page, size)
    if not isinstance(history, bool):
        raise ValidationFailed("history 应为 true 或 false", {"history": "应为布尔值"})
    where = (members.c.org_id == org["id"]) & (members.c.status == (LEFT if history else ACTIVE))
    order = (members.c.left_on.desc(), members.c.name, members.c.id) if history else (members.c.name, members.c.id)
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(members).where(where)).scalar_one()
        rows = session.execute(select(members).where(where).order_by(*order)
                               .limit(size).offset((page - 1) * size)).all()
    return {"total": total, "page": page, "size": size, "history": history,
            "items": [member_view(row) for row in rows]}


ROSTER_PAGE_MAX = 5000


def roster_page(sessions: sessionmaker, caller: Caller, org: dict, after_id=0, limit=2000) -> dict:
    """Active members of `org`'s subtree in id order, one keyset page: exports read a whole
    subtree page by page, with memory bounded by the page, however large the subtree."""
    caller.require(org["path"], "该党组织")
    try:
        after_id, limit = int(after_id), min(int(limit), ROSTER_PAGE_MAX)
    except (TypeError, ValueError):
        raise ValidationFailed("分页参数应为整数", {"after_id": "应为整数"}) from None
    if limit < 1:
        raise ValidationFailed("每页条数应为正整数", {"limit": "应为正整数"})
    with sessions() as session:
        rows = session.execute(
            select(members).where(members.c.org_path.startswith(org["path"], autoescape=True),
                                  members.c.status == "active", members.c.id > after_id)
            .order_by(members.c.id).limit(limit)).all()
    return {"items": [member_view(row) for row in rows], "next_after_id": rows[-1].id if len(rows) == limit else None}


def count_facts(sessions: sessionmaker, caller: Caller, path: str) -> list[dict]:
    """Active members of a subtree grouped by organization and counted facts (for reconcile)."""
    caller.require(path, "该党组织")
    with sessions() as session:
        rows = session.execute(
            select(members.c.org_id, members.c.sex, members.c.category, func.count().label("n"))
            .where(members.c.org_path.startswith(path, autoescape=True), members.c.status == "active")
            .group_by(members.c.org_id, members.c.sex, members.c.category)
        ).all()
    return [{"org_id": r.org_id, "sex": r.sex, "category": r.category, "n": r.n} for r in rows]


def org_member_counts(sessions: sessionmaker, caller: Caller, org_id, path: str) -> dict:
    """Members directly in one organization, on the rolls and in history: the org service asks
    before it deletes or revokes the organization (`path` is the organization's, for scope)."""
    caller.require(path, "该党组织")
    with sessions() as session:
        rows = session.execute(select(members.c.status, members.c.org_path, func.count().label("n"))
                               .where(members.c.org_id == int(org_id))
                               .group_by(members.c.status, members.c.org_path)).all()
    counts = {ACTIVE: 0, LEFT: 0}
    for row in rows:
        caller.require(row.org_path, "该党组织")  # the members' own copy of the path, not only the one given
        counts[row.status] = counts.get(row.status, 0) + row.n
    return {"active": counts[ACTIVE], "history": counts[LEFT]}


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
        rows = session.execute(select(members).where(where).order_by(members.c.name, members.c.id)
                               .limit(size).offset((page - 1) * size)).all()
    return {"q": q, "total": min(total, SEARCH_COUNT_CAP), "more": total > SEARCH_COUNT_CAP, "page": page,
            "size": size, "items": [member_view(row) for row in rows]}
