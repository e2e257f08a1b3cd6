"""The name lists (名单) the annual report's audit asks for (RULES.md §7, 2009 审核要点):
members whose membership was stopped (停止党籍) or restored (恢复党籍) during the report year,
and student members aged 46 or over at its year end, who are to be checked one by one. With them
the members found back (找回) into 其他增加 (after a 死亡), so every 找回 the report counts is named.
A 找回 counts in the list of the increase codes.return_increase gives it (the stats count it so);
a change taken back by 回退 is in no list.

The report year is the statistics' (系统设置 统计报告期截止日, docs/REPORT_TABLES.md): from the day after
the report date of the year before to the report date of the year."""
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from services.shared.codes import LEAVE_KIND_GROUPS, STUDENT, return_kinds
from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.paging import page_bounds
from services.shared.report_years import OLDER_STUDENT_AGE, report_year

from .domain.status import ACTIVE, LEFT
from .models import members, status_changes
from .store import member_view

SUSPENSION_KINDS = sorted(kind for kind, group in LEAVE_KIND_GROUPS.items() if group == "停止党籍")
# The status changes each list names: (to status, the leave kinds involved).
CHANGES = {"suspended": (LEFT, SUSPENSION_KINDS), "restored": (ACTIVE, return_kinds("restore")),
           "returned": (ACTIVE, return_kinds("other"))}
LISTS = {"suspended": "停止党籍党员名单", "restored": "恢复党籍党员名单", "returned": "找回（其他增加）党员名单",
         "older_students": "46岁及以上学生党员名单"}


def report_period(year: int, report_date: str) -> tuple[date, date]:
    """(first, last day) of report year `year` whose report date is "MM-DD" (12-31: the calendar year)."""
    month, day = (int(part) for part in str(report_date or "12-31").split("-"))
    last = date(year, month, day)
    return date.fromordinal(date(year - 1, month, day).toordinal() + 1), last


def current_report_year(report_date: str, today: date | None = None) -> int:
    today = today or date.today()
    month, day = (int(part) for part in str(report_date or "12-31").split("-"))
    return today.year if (today.month, today.day) <= (month, day) else today.year + 1


def report_name_list(sessions: sessionmaker, caller: Caller, org: dict, year, kind: str, page=1, size=50,
                     report_date: str = "12-31") -> dict:
    caller.require(org["path"], "该党组织")
    if kind not in LISTS:
        raise ValidationFailed("名单类别无效：应为 suspended（停止党籍）、restored（恢复党籍）、"
                               "returned（找回计入其他增加）或 older_students（46岁及以上学生党员）",
                               {"kind": "名单类别无效"})
    year, (page, size) = report_year(year, current_report_year(report_date)), page_bounds(page, size)
    first, last = report_period(year, report_date)
    in_subtree = members.c.org_path.startswith(org["path"], autoescape=True)
    if kind == "older_students":
        statement = select(members, members.c.birth_date.label("on")).where(
            in_subtree, members.c.occupation == STUDENT, members.c.birth_date <= date(year - OLDER_STUDENT_AGE, 12, 31),
            members.c.joined_on <= last, (members.c.left_on.is_(None)) | (members.c.left_on > last))
    else:
        to_status, kinds = CHANGES[kind]
        statement = select(members, status_changes.c.changed_on.label("on")).join(
            status_changes, status_changes.c.member_id == members.c.id).where(
            in_subtree, status_changes.c.undone_at.is_(None), status_changes.c.kind.in_(kinds),
            status_changes.c.to_status == to_status,
            status_changes.c.changed_on.between(first, last))
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
        rows = session.execute(statement.order_by("on", members.c.id).limit(size).offset((page - 1) * size)).all()
    return {"kind": kind, "title": f"{year}年{LISTS[kind]}", "year": year, "total": total, "page": page, "size": size,
            "items": [{**member_view(row), "on": row.on.isoformat()} for row in rows]}
