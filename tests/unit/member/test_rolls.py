"""Who is on an organization's rolls on a day (组织生活's attendees)."""
from datetime import date

from services.member.domain.rolls import on_rolls

D = date(2026, 5, 18)


def test_on_the_rolls_from_joining_until_leaving():
    assert on_rolls(D, joined_on=date(2020, 1, 1), left_on=None)
    assert on_rolls(D, joined_on=D, left_on=None)
    assert not on_rolls(D, joined_on=date(2026, 5, 19), left_on=None)
    assert on_rolls(D, joined_on=date(2020, 1, 1), left_on=date(2026, 5, 19))
    assert not on_rolls(D, joined_on=date(2020, 1, 1), left_on=D)


def test_not_before_coming_into_the_branch_or_the_system():
    assert not on_rolls(D, date(2020, 1, 1), None, branch_joined_on=date(2026, 6, 1))
    assert not on_rolls(D, date(2020, 1, 1), None, arrived_on=date(2026, 6, 1))
    assert on_rolls(D, date(2020, 1, 1), None, branch_joined_on=date(2021, 1, 1), arrived_on=D)
