"""Member service read paths."""
import unicodedata
from datetime import date

from sqlalchemy import Date, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from services.shared.codes import EDUCATION, ETHNICITIES, LEAVE_KINDS, MEMBER_CATEGORIES, OCCUPATIONS, SEXES
from services.shared.context import Caller
from services.shared.errors import NotFound, ValidationFailed
from services.shared.paging import MAX_PAGE_SIZE, page_bounds  # noqa: F401  (the member service's own name)

from .domain.history import plain
from .domain.info_sets import DERIVED_FROM, INFO_SETS, evaluation_facts
from .domain.status import ACTIVE, LEFT, STATUS_NAMES, Standing, StatusChange, absences, allowed_actions, kind_group
from .events import member_facts
from .models import info_tables, members, status_changes
from .transit import in_transit

# Names in the order a Chinese reader expects: by pinyin (names.sort_key, which ends with the
# name itself), then id. Lists, quick search and exports share it.
PINYIN_ORDER = (members.c.name_sort.asc().nulls_last(), members.c.id)


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
        "former_name": row.former_name, "native_place": row.native_place,
        "education": row.education, "education_name": _name(EDUCATION, row.education),
        "occupation": row.occupation, "occupation_name": _name(OCCUPATIONS, row.occupation),
        "full_on": _iso(row.full_on), "branch_joined_on": _iso(row.branch_joined_on),
        "phone": row.phone, "address": row.address,
    }


def _iso(day):
    return day.isoformat() if day is not None else None


def _name(table, code):
    return table.name(code) if code in table else code


# --- the repeating info sets ------------------------------------------------------------------

def info_rows(session: Session, member_id: int, keys=None) -> dict[str, list]:
    """The member's rows of each info set (or of `keys`), newest first."""
    rows = {}
    for key in keys or INFO_SETS:
        table, spec = info_tables[key], INFO_SETS[key]
        rows[key] = session.execute(select(table).where(table.c.member_id == member_id).order_by(
            table.c[spec.sort_field].desc().nulls_last(), table.c.id.desc())).all()
    return rows


def info_row_view(key: str, row) -> dict:
    """A row as the card shows it: each field's value (dates as ISO text) and, for codes, its name."""
    view = {"id": row.id}
    for item in INFO_SETS[key].fields:
        value = getattr(row, item.key)
        view[item.key] = _iso(value) if hasattr(value, "isoformat") else value
        if item.table is not None:
            view[f"{item.key}_name"] = item.name_of(value)
    return view


def evaluations_of(session: Session, member_id: int) -> dict:
    """{"2025": "1", …}: the member's 民主评议 grades, for the event facts."""
    return evaluation_facts(row._mapping for row in info_rows(session, member_id, ("evaluations",))["evaluations"])


def absences_by_member(session: Session, member_ids: list) -> dict[int, list]:
    """{member_id: absences} (domain/status.absences) from the status changes not undone."""
    changes: dict[int, list] = {}
    for change in session.execute(select(status_changes).where(
            status_changes.c.member_id.in_(member_ids), status_changes.c.undone_at.is_(None))
            .order_by(status_changes.c.member_id, status_changes.c.id)):
        changes.setdefault(change.member_id, []).append(change)
    return {member_id: absences(rows) for member_id, rows in changes.items()}


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
    """The member with every info set: the basic set, the repeating sets (`info_sets`, each
    newest first), the 党籍 set (status changes, newest first) and the status changes allowed
    now. `from_info_sets`: basic fields decided by a set's rows (not editable on the basic set)."""
    view = member_view(row)
    rows = info_rows(session, row.id)
    view["info_sets"] = {key: [info_row_view(key, r) for r in set_rows] for key, set_rows in rows.items()}
    view["from_info_sets"] = [fact for fact, (key, _) in DERIVED_FROM.items() if rows[key]]
    changes = session.execute(select(status_changes).where(status_changes.c.member_id == row.id)
                              .order_by(status_changes.c.id.desc()).limit(STATUS_CHANGES_SHOWN)).all()
    view["status_changes"] = [_change_view(change) for change in changes]
    view["actions"] = allowed_actions(Standing.of(row), as_status_change(last_status_change(session, row.id)))
    view["in_transit"] = in_transit(session, row.id)  # 转出中: {"transfer_id"} or None
    return view


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


ROSTER_PAGE_MAX = 5000


def _after(column, descending: bool, cursor: dict):
    """Rows after the last one sent (`cursor`: its id and sort value) in the order (column
    [DESC] NULLS LAST, id [DESC])."""
    try:
        last_id, value = int(cursor["id"]), cursor.get("value")
        if value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
    except (KeyError, TypeError, ValueError):
        raise ValidationFailed("分页参数有误", {"after_id": "格式有误"}) from None
    if value is None:  # among the trailing empty values
        return column.is_(None) & (members.c.id < last_id if descending else members.c.id > last_id)
    # A row comparison, which an index on (column, id) serves; the empty values come last.
    pair, last = tuple_(column, members.c.id), tuple_(literal(value, column.type), literal(last_id))
    return or_(pair < last if descending else pair > last, column.is_(None))


def sorted_page(sessions: sessionmaker, where, column, descending=False, after=None, limit=2000) -> dict:
    """One keyset page of the members matching `where` in the order a list shows them (column,
    empty values last, then id): exports keep the on-screen order however many pages they read.
    `after` is the previous page's `next_after_id` (None or 0 for the first)."""
    try:
        limit = min(int(limit), ROSTER_PAGE_MAX)
    except (TypeError, ValueError):
        raise ValidationFailed("分页参数应为整数", {"limit": "应为整数"}) from None
    if limit < 1:
        raise ValidationFailed("每页条数应为正整数", {"limit": "应为正整数"})
    if after not in (None, 0, "0", ""):
        if not isinstance(after, dict):
            raise ValidationFailed("分页参数有误", {"after_id": "应为上一页的 next_after_id"})
        where = where & _after(column, descending, after)
    order = (column.desc().nulls_last(), members.c.id.desc()) if descending \
        else (column.asc().nulls_last(), members.c.id)
    with sessions() as session:
        rows = session.execute(select(members).where(where).order_by(*order).limit(limit)).all()
    last = rows[-1] if len(rows) == limit else None
    cursor = {"id": last.id, "value": plain(last._mapping[column.key])} if last is not None else None
    return {"items": [member_view(row) for row in rows], "next_after_id": cursor}


def roster_page(sessions: sessionmaker, caller: Caller, org: dict, after_id=0, limit=2000) -> dict:
    """Active members of `org`'s subtree by pinyin, as lists show them, one keyset page however
    large the subtree (`after_id`: the previous page's `next_after_id`)."""
    caller.require(org["path"], "该党组织")
    where = members.c.org_path.startswith(org["path"], autoescape=True) & (members.c.status == "active")
    return sorted_page(sessions, where, members.c.name_sort, False, after_id, limit)


FACTS_PAGE_MAX = 5000


def facts_page(sessions: sessionmaker, caller: Caller, path: str, after_id=0, limit=2000) -> dict:
    """Every member of a subtree (active or left) in id order, one keyset page, with the counted
    facts events carry (events.member_facts), for the stats service's reconcile and rebuild."""
    caller.require(path, "该党组织")
    try:
        after_id, limit = int(after_id), min(int(limit), FACTS_PAGE_MAX)
    except (TypeError, ValueError):
        raise ValidationFailed("分页参数应为整数", {"after_id": "应为整数"}) from None
    if limit < 1:
        raise ValidationFailed("每页条数应为正整数", {"limit": "应为正整数"})
    with sessions() as session:
        rows = session.execute(
            select(members).where(members.c.org_path.startswith(path, autoescape=True), members.c.id > after_id)
            .order_by(members.c.id).limit(limit)).all()
        evaluations = info_tables["evaluations"]
        graded: dict[int, list] = {}
        for grade in session.execute(select(evaluations).where(
                evaluations.c.member_id.in_([row.id for row in rows]))).mappings():
            graded.setdefault(grade["member_id"], []).append(grade)
        away = absences_by_member(session, [row.id for row in rows])
    return {"items": [{"member_id": row.id, "version": row.version, "org_path": row.org_path,
                       "facts": member_facts(row, evaluation_facts(graded.get(row.id, ())), away.get(row.id))}
                      for row in rows],
            "next_after_id": rows[-1].id if len(rows) == limit else None}


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
