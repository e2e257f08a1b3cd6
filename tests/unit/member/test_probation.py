"""Probation lasts one year from acceptance; reminders 30 days ahead; overdue after."""
from datetime import date

from services.member.domain.probation import ending_soon_range, overdue_joined_before, probation_ends


def test_probation_ends_a_year_after_acceptance():
    assert probation_ends(date(2025, 7, 1)) == date(2026, 7, 1)
    assert probation_ends(date(2024, 2, 29)) == date(2025, 2, 28)


def test_ending_soon_covers_the_next_thirty_days():
    first, last = ending_soon_range(date(2026, 11, 27))
    assert (first, last) == (date(2025, 11, 27), date(2025, 12, 27))
    assert first <= date(2025, 12, 1) <= last  # ends 2026-12-01: within 30 days
    assert not first <= date(2026, 1, 5) <= last  # ends 2027-01-05: later


def test_overdue_means_the_year_has_passed():
    assert overdue_joined_before(date(2026, 11, 27)) == date(2025, 11, 27)
