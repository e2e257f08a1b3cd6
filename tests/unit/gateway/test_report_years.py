"""The report pages' year choice runs up to the report year today belongs to (issue 17, R2)."""
from datetime import date

from gateway.web.report_pages import YEARS_SHOWN, _years


def test_the_calendar_year_by_default_and_with_a_year_end_report_date():
    assert _years(None, date(2026, 12, 4))[0] == 2026
    assert _years("2025-12-31", date(2026, 12, 4))[:2] == [2026, 2025]
    assert len(_years(None, date(2026, 12, 4))) == YEARS_SHOWN


def test_after_a_june_report_date_the_next_report_year_is_offered():
    assert _years("2020-06-30", date(2026, 6, 30))[0] == 2026  # the report date itself is still 2026's
    assert _years("2020-06-30", date(2026, 7, 1))[0] == 2027
