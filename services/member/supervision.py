"""Read paths for reminders (home page) and work supervision (工作督查)."""
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller

from .domain.probation import ending_soon_range, overdue_joined_before, probation_ends
from .models import members
from .queries import member_view, page_bounds

PROBATIONARY = "02"


def _with_probation(row) -> dict:
    view = member_view(row)
    view["probation_ends"] = probation_ends(row.joined_on).isoformat()
    return view


def reminders(sessions: sessionmaker, caller: Caller, org: dict, today: date | None = None) -> dict:
    """For the organization's own members (not its sub-organizations', as in the official
    system): birthdays this month, and probation ending within 30 days."""
    caller.require(org["path"], "该党组织")
    today = today or date.today()
    own = (members.c.org_id == org["id"]) & (members.c.status == "active")
    first, last = ending_soon_range(today)
    with sessions() as session:
        birthdays = session.execute(
            select(members).where(own, extract("month", members.c.birth_date) == today.month)
            .order_by(extract("day", members.c.birth_date), members.c.name).limit(200)).all()
        probation = session.execute(
            select(members).where(own, members.c.category == PROBATIONARY, members.c.joined_on.between(first, last))
            .order_by(members.c.joined_on).limit(200)).all()
    return {"birthdays": [member_view(r) for r in birthdays],
            "probation_ending": [_with_probation(r) for r in probation]}


def overdue_probation(sessions: sessionmaker, caller: Caller, org: dict, page=1, size=50,
                      today: date | None = None) -> dict:
    """Probationary members of the subtree whose year has passed without a decision."""
    caller.require(org["path"], "该党组织")
    page, size = page_bounds(page, size)
    where = (members.c.org_path.startswith(org["path"], autoescape=True) & (members.c.status == "active")
             & (members.c.category == PROBATIONARY)
             & (members.c.joined_on < overdue_joined_before(today or date.today())))
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(members).where(where)).scalar_one()
        rows = session.execute(select(members).where(where).order_by(members.c.joined_on, members.c.id)
                               .limit(size).offset((page - 1) * size)).all()
    return {"total": total, "page": page, "size": size, "items": [_with_probation(r) for r in rows]}
