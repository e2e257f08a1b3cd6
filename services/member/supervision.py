"""Read paths for reminders (home page) and work supervision (工作督查)."""
from datetime import date

from sqlalchemy import Text, exists, extract, func, not_, or_, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.paging import page_bounds

from .domain.development.rules import add_months
from .domain.id_checks import id_number_problem, person_key
from .domain.member_check import FULL, MISSING, check_member
from .domain.member_fields import REQUIRED_FOR_CHECK, SYSTEM_REQUIRED
from .domain.probation import REMINDER_DAYS, ending_soon_range, overdue_joined_before, probation_ends
from .models import info_tables, members
from .store import PINYIN_ORDER, member_view

PROBATIONARY = "02"


def _with_probation(row) -> dict:
    view = member_view(row)
    view["probation_ends"] = add_months(probation_ends(row.joined_on), row.probation_extended_months).isoformat()
    return view


def _not_extended_past(today: date):
    """An extended probation (延长预备期) ends that many months later: not yet due if still running."""
    ends = members.c.joined_on + func.make_interval(0, 12 + members.c.probation_extended_months)
    return (members.c.probation_extended_months == 0) | (ends < today)


def reminders(sessions: sessionmaker, caller: Caller, org: dict, today: date | None = None,
              days: int = REMINDER_DAYS) -> dict:
    """For the organization's own members (not its sub-organizations', as in the official
    system): birthdays this month, and probation ending within `days` (系统设置, 30 by default)."""
    caller.require(org["path"], "该党组织")
    today = today or date.today()
    own = (members.c.org_id == org["id"]) & (members.c.status == "active")
    first, last = ending_soon_range(today, days)
    with sessions() as session:
        birthdays = session.execute(
            select(members).where(own, extract("month", members.c.birth_date) == today.month)
            .order_by(extract("day", members.c.birth_date), *PINYIN_ORDER).limit(200)).all()
        probation = session.execute(
            select(members).where(own, members.c.category == PROBATIONARY, members.c.joined_on.between(first, last),
                                  members.c.probation_extended_months == 0)
            .order_by(members.c.joined_on).limit(200)).all()
    return {"birthdays": [member_view(r) for r in birthdays],
            "probation_ending": [_with_probation(r) for r in probation], "probation_days": days}


def overdue_probation(sessions: sessionmaker, caller: Caller, org: dict, page=1, size=50,
                      today: date | None = None) -> dict:
    """Probationary members of the subtree whose year has passed without a decision."""
    caller.require(org["path"], "该党组织")
    page, size = page_bounds(page, size)
    where = (members.c.org_path.startswith(org["path"], autoescape=True) & (members.c.status == "active")
             & (members.c.category == PROBATIONARY)
             & (members.c.joined_on < overdue_joined_before(today or date.today()))
             & _not_extended_past(today or date.today()))
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(members).where(where)).scalar_one()
        rows = session.execute(select(members).where(where).order_by(members.c.joined_on, members.c.id)
                               .limit(size).offset((page - 1) * size)).all()
    return {"total": total, "page": page, "size": size, "items": [_with_probation(r) for r in rows]}


# --- ID numbers and required information (工作督查) --------------------------------------------

def _subtree(org: dict):
    return members.c.org_path.startswith(org["path"], autoescape=True)


def _paged(sessions: sessionmaker, where, order, page, size, view) -> dict:
    page, size = page_bounds(page, size)
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(members).where(where)).scalar_one()
        rows = session.execute(select(members).where(where).order_by(*order)
                               .limit(size).offset((page - 1) * size)).all()
        items = [view(session, row) for row in rows]
    return {"total": total, "page": page, "size": size, "items": items}


def duplicate_ids(sessions: sessionmaker, caller: Caller, org: dict, page=1, size=50) -> dict:
    """Members of the subtree (active or in history) whose ID number names the same person as
    another member record anywhere in the province (domain/id_checks.py): records of one person
    are listed together. A record outside the subtree is counted (others_outside), not shown:
    it may lie outside the caller's scope."""
    caller.require(org["path"], "该党组织")
    key = func.member.id_key(members.c.id_number)
    other = members.alias("other")
    others = (func.member.id_key(other.c.id_number) == key) & (other.c.id != members.c.id)
    where = _subtree(org) & exists(select(1).where(others))

    def view(session, row):
        item = member_view(row)
        item["person_key"] = person_key(row.id_number)
        item["others_outside"] = session.execute(
            select(func.count()).select_from(other).where(
                func.member.id_key(other.c.id_number) == person_key(row.id_number), other.c.id != row.id,
                not_(other.c.org_path.startswith(org["path"], autoescape=True)))
        ).scalar_one()
        return item

    return _paged(sessions, where, (key, members.c.id), page, size, view)


def _suspect_id():
    """member.id_suspect (migration member_0006_queries): a superset, in SQL, of the stored
    numbers id_number_problem rejects, kept in a partial index; Python gives the reason."""
    return func.member.id_suspect(members.c.id_number, members.c.birth_date, members.c.sex)


INVALID_SCAN_MAX = 10000


def invalid_ids(sessions: sessionmaker, caller: Caller, org: dict, page=1, size=50, today: date | None = None) -> dict:
    """Members of the subtree (active or in history) whose stored ID number fails GB 11643 or
    contradicts their record (domain/id_checks.py), with the reason; at most INVALID_SCAN_MAX."""
    caller.require(org["path"], "该党组织")
    page, size = page_bounds(page, size)
    with sessions() as session:
        rows = session.execute(select(members).where(_subtree(org), _suspect_id())
                               .order_by(members.c.org_path, *PINYIN_ORDER).limit(INVALID_SCAN_MAX)).all()
    items = []
    for row in rows:
        problem = id_number_problem(row.id_number, row.birth_date, row.sex, today)
        if problem:
            items.append({**member_view(row), "problem": problem})
    return {"total": len(items), "page": page, "size": size, "capped": len(rows) == INVALID_SCAN_MAX,
            "items": items[(page - 1) * size:page * size]}


def incomplete_members(sessions: sessionmaker, caller: Caller, org: dict, page=1, size=50,
                       today: date | None = None) -> dict:
    """Active members of the subtree lacking required information, by 校核's own definition
    (domain/member_check.py: the system-required and 校核-required fields, a full member's 转正日期,
    last year's 民主评议): the same conditions in SQL, so the list pages and counts in the database."""
    caller.require(org["path"], "该党组织")
    today = today or date.today()
    last_year = today.year - 1
    blank = [members.c[key].is_(None) | (members.c[key] == "") if isinstance(members.c[key].type, Text)
             else members.c[key].is_(None) for key in (*SYSTEM_REQUIRED, *REQUIRED_FOR_CHECK)]
    evaluations = info_tables["evaluations"]
    no_evaluation = (extract("year", members.c.joined_on) < last_year) & ~exists(select(1).where(
        evaluations.c.member_id == members.c.id, evaluations.c.year == last_year))
    where = _subtree(org) & (members.c.status == "active") & or_(
        *blank, (members.c.category == FULL) & members.c.full_on.is_(None), no_evaluation)

    def view(session, row):
        years = session.execute(select(evaluations.c.year).where(evaluations.c.member_id == row.id)).scalars()
        missing = [p["field_name"] for p in check_member(row._mapping, list(years), today) if p["kind"] == MISSING]
        return {**member_view_lenient(row), "missing": missing}

    # by organization, then pinyin
    return _paged(sessions, where, (members.c.org_path, *PINYIN_ORDER), page, size, view)


def member_view_lenient(row) -> dict:
    """member_view for a record that may lack what member_view expects (dates, codes)."""
    try:
        return member_view(row)
    except (AttributeError, KeyError):
        return {"id": row.id, "org_id": row.org_id, "name": row.name or "", "id_number": row.id_number or "",
                "status": row.status, "version": row.version}
