"""民主评议 as the member service counts it for a branch's record (pure): the reference day, who is
expected (应参评), and the tally of grades."""
from datetime import date

from services.member.domain.evaluations import expected, reference_day, tally, whole_year_member
from services.member.domain.member_check import check_member


def test_a_past_year_is_judged_on_its_31_december_the_current_one_on_today():
    assert reference_day(2025, date(2026, 3, 1)) == date(2025, 12, 31)
    assert reference_day(2026, date(2026, 3, 1)) == date(2026, 3, 1)


def test_a_member_of_the_whole_year_is_expected_and_so_is_anyone_graded():
    assert whole_year_member(date(2024, 12, 31), 2025) and not whole_year_member(date(2025, 1, 1), 2025)
    assert expected(date(2010, 7, 1), 2025, None)
    assert not expected(date(2025, 3, 1), 2025, None)
    assert expected(date(2025, 3, 1), 2025, "2")  # joined during the year but took part


def test_the_tally_counts_expected_participants_and_every_grade():
    counts = tally([("1", True, 2), ("2", True, 5), (None, True, 1), (None, False, 3), ("3", False, 1)])
    assert counts == {"expected": 9, "participated": 8, "grades": {"1": 2, "2": 5, "3": 1, "4": 0}}
    assert tally([]) == {"expected": 0, "participated": 0, "grades": {"1": 0, "2": 0, "3": 0, "4": 0}}


def test_check_asks_a_grade_of_exactly_the_members_the_record_expects():
    """校核 and the branch record agree on who owes last year's grade (one rule, whole_year_member)."""
    today = date(2026, 3, 1)
    base = {"name": "甲", "status": "active"}
    owes = check_member({**base, "joined_on": date(2024, 12, 31)}, [], today)
    new = check_member({**base, "joined_on": date(2025, 1, 1)}, [], today)
    assert any(p["field"] == "evaluations" for p in owes)
    assert not any(p["field"] == "evaluations" for p in new)
