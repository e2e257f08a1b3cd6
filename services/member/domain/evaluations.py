"""民主评议 of a year as the member service answers the org service's branch record (民主评议情况): who
was on the rolls on the year's reference day, who was expected to take part, and the tally of their
grades in the members' 民主评议 info set. Pure.

Only the grades decide the counts (RULES.md §6: 优秀 / 合格 / 基本合格 / 不合格); the branch's record
types only its dates (docs/ORGLIFE.md, 民主评议)."""
from collections.abc import Iterable
from datetime import date

from services.shared.codes import EVALUATION_GRADES


def reference_day(year: int, today: date) -> date:
    """The rolls a year's 民主评议 is judged on: 31 December of the year — where the annual report's
    table 8 counts a member's grade of the year — or today while the year is still running."""
    return min(date(year, 12, 31), today)


def whole_year_member(joined_on: date, year: int) -> bool:
    """In the Party for the whole of `year` (入党日期 before it): such a member owes a grade for the
    year (校核 asks for it, member_check.py)."""
    return joined_on.year < year


def expected(joined_on: date, year: int, grade: str | None) -> bool:
    """应参评: a whole-year member, or anyone on the rolls who was graded for the year anyway."""
    return grade is not None or whole_year_member(joined_on, year)


def tally(rows: Iterable[tuple[str | None, bool, int]]) -> dict:
    """Rows (grade or None, expected, how many) → {expected, participated, grades: {code: n}} with
    every grade present (0 when none)."""
    grades = {code: 0 for code in EVALUATION_GRADES.codes()}
    expected_n = participated = 0
    for grade, is_expected, n in rows:
        if is_expected or grade is not None:
            expected_n += n
        if grade is not None:
            participated += n
            grades[grade] = grades.get(grade, 0) + n
    return {"expected": expected_n, "participated": participated, "grades": grades}
