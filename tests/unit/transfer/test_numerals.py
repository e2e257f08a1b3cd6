"""Capital numerals of the letter (党费交到, 有效期)."""
import pytest

from services.transfer.domain.letter import age_on, letter_no
from services.transfer.domain.numerals import capital_days, capital_month, capital_number


@pytest.mark.parametrize("value, expected", [("2026-03", "贰零贰陆年叁月"), ("2025-10", "贰零贰伍年拾月"),
                                             ("2030-12", "贰零叁零年拾贰月"), ("2026-01", "贰零贰陆年壹月")])
def test_months(value, expected):
    assert capital_month(value) == expected


@pytest.mark.parametrize("value, expected", [(30, "叁拾"), (1, "壹"), (10, "拾"), (15, "拾伍"), (45, "肆拾伍"),
                                             (90, "玖拾"), (100, "壹佰"), (105, "壹佰零伍"), (120, "壹佰贰拾")])
def test_numbers(value, expected):
    assert capital_number(value) == expected


def test_days_out_of_range():
    with pytest.raises(ValueError):
        capital_days(0)


def test_letter_number_is_the_year_and_six_digits():
    assert letter_no(2026, 123) == "2026000123"
    with pytest.raises(ValueError):
        letter_no(2026, 1_000_000)


def test_age_on_the_day():
    from datetime import date
    assert age_on(date(1990, 6, 15), date(2026, 6, 14)) == 35
    assert age_on(date(1990, 6, 15), date(2026, 6, 15)) == 36
