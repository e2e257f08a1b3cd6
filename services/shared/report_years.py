"""The report year of the annual statistics (党内统计年报): the period ends on the report date (系统设置
统计报告期截止日, 12-31 by default) of a year from the Party's founding to the current one (the one
today belongs to: after a report date of 06-30, next calendar year's). Shared by the stats service
(reports) and the member service (the reports' name lists)."""
from datetime import date

from .errors import ValidationFailed

FIRST_YEAR = 1921  # the Party's founding: no report before it
OLDER_STUDENT_AGE = 46  # RULES.md §7: student members this old or older at the year end are flagged


def report_year(year, latest: int | None = None) -> int:
    """A valid report year from a request's value; `latest`: the current report year (this calendar
    year when not given)."""
    current = latest if latest is not None else date.today().year
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= current:
        raise ValidationFailed(f"年份无效：应为{FIRST_YEAR}至{current}年之间的整数年份", {"year": "年份无效"})
    return year
