"""The report's 名单 take the statistics' report period (统计报告期截止日, issue 17)."""
from datetime import date

from services.member.name_lists import current_report_year, report_period


def test_the_report_period_of_a_year():
    assert report_period(2026, "12-31") == (date(2026, 1, 1), date(2026, 12, 31))
    assert report_period(2026, "06-30") == (date(2025, 7, 1), date(2026, 6, 30))
    assert report_period(2026, None) == (date(2026, 1, 1), date(2026, 12, 31))


def test_the_current_report_year_follows_the_report_date():
    assert current_report_year("12-31", date(2026, 12, 4)) == 2026
    assert current_report_year("06-30", date(2026, 6, 30)) == 2026
    assert current_report_year("06-30", date(2026, 7, 1)) == 2027
