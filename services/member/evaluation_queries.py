"""民主评议 read paths the org service asks for its branch records (org → member, never back): a
branch's members on the rolls of a year's reference day with their grade of the year, and the
tally of a subtree grouped by the organization's next level (the 2017 screen lists the selected
organization and its next level). The grades are the members' 民主评议 info set rows; the rules
are domain/evaluations.py and domain/rolls.py."""
from datetime import date

from sqlalchemy import and_, extract, func, or_, select
from sqlalchemy.orm import sessionmaker

from services.shared.codes import EVALUATION_GRADES
from services.shared.context import Caller
from services.shared.errors import ValidationFailed

from .domain.evaluations import expected, reference_day, tally
from .domain.info_sets import year_value
from .domain.rolls import on_rolls
from .models import info_tables, members
from .store import PINYIN_ORDER

ROLL_MAX = 3000  # members listed for one branch's record (a branch has tens; the cap is a guard)
evaluations = info_tables["evaluations"]


def _year(value, today: date) -> int:
    try:
        return year_value(value, today)
    except ValueError as exc:
        raise ValidationFailed(f"评议年度{exc}", {"year": str(exc)}) from None


def _on_rolls(day: date):
    """domain/rolls.on_rolls in SQL (the roll re-checks each row with the pure function)."""
    return and_(members.c.joined_on <= day, or_(members.c.left_on.is_(None), members.c.left_on > day),
                or_(members.c.branch_joined_on.is_(None), members.c.branch_joined_on <= day),
                or_(members.c.arrived_on.is_(None), members.c.arrived_on <= day))


def _graded(year: int):
    return (evaluations.c.member_id == members.c.id) & (evaluations.c.year == year)


def _groups(session, path: str, year: int, day: date) -> dict[str, list]:
    """The subtree's members on the rolls of `day`, counted by the next segment of their organization
    path ('' for the organization's own members), grade of the year and whole-year membership."""
    child = func.split_part(func.substr(members.c.org_path, len(path) + 1), "/", 1)
    whole_year = extract("year", members.c.joined_on) < year  # domain/evaluations.whole_year_member
    rows = session.execute(
        select(child.label("child"), evaluations.c.grade, whole_year.label("whole_year"), func.count())
        .select_from(members.outerjoin(evaluations, _graded(year)))
        .where(members.c.org_path.startswith(path, autoescape=True), _on_rolls(day))
        .group_by("child", evaluations.c.grade, "whole_year")).all()  # by label: the same bound values
    groups: dict[str, list] = {}
    for segment, grade, whole, n in rows:
        groups.setdefault(segment, []).append((grade, bool(whole), n))
    return groups


def _total(groups: dict[str, list]) -> dict:
    return tally(row for group in groups.values() for row in group)


def evaluation_roll(sessions: sessionmaker, caller: Caller, org: dict, year, today: date | None = None) -> dict:
    """The members on the rolls of `org`'s subtree on the year's reference day, each with their grade
    of the year (or none) and whether they were expected to take part (应参评), and the tally (counted
    as `evaluation_counts` counts it, whatever the list's cap)."""
    caller.require(org["path"], "该党组织")
    today = today or date.today()
    year = _year(year, today)
    day = reference_day(year, today)
    with sessions() as session:
        rows = session.execute(
            select(members.c.id, members.c.name, members.c.org_id, members.c.category, members.c.joined_on,
                   members.c.left_on, members.c.branch_joined_on, members.c.arrived_on, evaluations.c.grade)
            .outerjoin(evaluations, _graded(year))
            .where(members.c.org_path.startswith(org["path"], autoescape=True), _on_rolls(day))
            .order_by(*PINYIN_ORDER).limit(ROLL_MAX + 1)).all()
        counts = _total(_groups(session, org["path"], year, day))
    capped = len(rows) > ROLL_MAX
    rows = [r for r in rows[:ROLL_MAX] if on_rolls(day, r.joined_on, r.left_on, r.branch_joined_on, r.arrived_on)]
    items = [{"member_id": r.id, "name": r.name, "org_id": r.org_id, "category": r.category, "grade": r.grade,
              "grade_name": EVALUATION_GRADES.name(r.grade) if r.grade else None,
              "expected": expected(r.joined_on, year, r.grade)} for r in rows]
    return {"org_id": org["id"], "year": year, "on": day.isoformat(), "capped": capped, "items": items, **counts}


def evaluation_counts(sessions: sessionmaker, caller: Caller, org: dict, year, today: date | None = None) -> dict:
    """The tally of `org`'s subtree on the year's reference day, in total and per next-level
    organization (`children`: {id: tally}; `direct`: members of `org` itself): one scan of the
    subtree grouped by the next segment of the members' organization paths."""
    caller.require(org["path"], "该党组织")
    today = today or date.today()
    year = _year(year, today)
    day = reference_day(year, today)
    with sessions() as session:
        groups = _groups(session, org["path"], year, day)
    return {"org_id": org["id"], "year": year, "on": day.isoformat(), "total": _total(groups),
            "direct": tally(groups.get("", ())),
            "children": {segment: tally(group) for segment, group in groups.items() if segment}}
