"""民主评议党员: a branch's record of a year (民主评议情况, MANUALS.md §5.2) and its rules; pure.

The record keeps what only the branch knows — 开展日期, 结束日期 and a note; its counts (应参评人数,
实参评人数, per grade 优秀 / 合格 / 基本合格 / 不合格) are derived from the members' grades in their 民主评议
info set, which the member service owns and tallies (services/member/domain/evaluations.py), so
nothing is typed twice. RULES.md §6: 优秀 at most one third of the members evaluated — shown as a
warning while the evaluation runs, and a record cannot be closed (结束日期) while it is exceeded
(docs/ORGLIFE.md ⚙)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.shared.codes import EVALUATION_GRADES
from services.shared.field_errors import FieldErrors
from services.shared.field_rules import blank, iso_date, optional_text

EXCELLENT = "1"  # EVALUATION_GRADES: 优秀
NOTE_MAX = 500
# ⚙ A year's 民主评议 is often held in the first months of the next year (with the 组织生活会): its
# dates may lie from 1 January of the year to 30 June of the next.
LATEST_MONTH_AFTER = 6
STATUS_NAMES = {"none": "未开展", "open": "进行中", "done": "已完成"}


def date_window(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, LATEST_MONTH_AFTER, 30)


def _day(raw, label: str, year: int, today: date) -> date:
    day = iso_date(raw)
    first, last = date_window(year)
    if day > today:
        raise ValueError(f"{label}不能晚于今天")
    if not first <= day <= last:
        raise ValueError(f"{year}年度民主评议的{label}应在{first.isoformat()}至{last.isoformat()}之间")
    return day


def validate_record(data, year: int, today: date) -> dict:
    """{started_on, ended_on?, note?} → normalized values; FieldErrors with every bad field."""
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors: dict[str, str] = {}
    values: dict = {"started_on": None, "ended_on": None, "note": None}
    try:
        values["started_on"] = _day(data.get("started_on"), "开展日期", year, today)
    except ValueError as exc:
        errors["started_on"] = str(exc)
    if not blank(data.get("ended_on")):
        try:
            values["ended_on"] = _day(data.get("ended_on"), "结束日期", year, today)
        except ValueError as exc:
            errors["ended_on"] = str(exc)
    try:
        values["note"] = optional_text(data.get("note"), NOTE_MAX)
    except ValueError as exc:
        errors["note"] = str(exc)
    if values["started_on"] and values["ended_on"] and values["ended_on"] < values["started_on"]:
        errors["ended_on"] = "结束日期不能早于开展日期"
    if errors:
        raise FieldErrors(errors)
    return values


def excellent_over(counts: Mapping) -> bool:
    """优秀 above one third of the members evaluated (RULES.md §6: 优秀 ≤ 1/3)."""
    return 3 * counts["grades"].get(EXCELLENT, 0) > counts["participated"]


def warnings(counts: Mapping, year: int) -> list[str]:
    """What the branch should look at: too many 优秀, expected members without a grade."""
    found = []
    if excellent_over(counts):
        found.append(f"优秀{counts['grades'][EXCELLENT]}人，超过实参评人数（{counts['participated']}人）的三分之一"
                     f"（至多{counts['participated'] // 3}人）")
    missing = counts["expected"] - counts["participated"]
    if missing > 0:
        found.append(f"{missing}名应参评党员尚无{year}年度民主评议结果")
    return found


def closing_refusal(values: Mapping, counts: Mapping) -> str | None:
    """Why a record cannot be closed (结束日期 given) with these counts, or None."""
    if values.get("ended_on") is None:
        return None
    if not counts["participated"]:
        return "尚无党员的本年度民主评议结果：请先在党员的民主评议信息集中录入评议结果（可批量添加），再填写结束日期"
    if excellent_over(counts):
        return (f"评为优秀的党员（{counts['grades'][EXCELLENT]}人）超过实参评人数"
                f"（{counts['participated']}人）的三分之一，不能结束评议：请先核对党员的评议结果")
    return None


def record_status(record: Mapping | None) -> str:
    if record is None:
        return "none"
    return "done" if record.get("ended_on") else "open"


def roll_up_status(branches: int, recorded: int, done: int) -> str | None:
    """An organization above branches: done when every branch has closed its record."""
    if not branches:
        return None
    if done >= branches:
        return "done"
    return "open" if recorded else "none"


def grade_lines(counts: Mapping) -> list[dict]:
    """[{code, name, count}] in the grades' order, for pages and the API."""
    return [{"code": code, "name": name, "count": counts["grades"].get(code, 0)}
            for code, name in EVALUATION_GRADES.items()]
