"""Money is Decimal to the fen; amounts from text are refused in Chinese when negative, finer
than a fen, absurd or not a number."""
from decimal import Decimal

import pytest

from services.dues.domain import Month, money


@pytest.mark.parametrize("text, value", [
    ("1234.5", "1234.50"), ("1,234.50", "1234.50"), (" 0.2 ", "0.20"), ("１２３４元", "1234.00"),
    (5000, "5000.00"), (Decimal("12.3"), "12.30"), (12.1, "12.10"), ("9999999.99", "9999999.99"),
    ("12.300", "12.30"),  # trailing zeros are not precision
])
def test_amounts_parse_exactly(text, value):
    parsed = money.amount(text)
    assert isinstance(parsed, Decimal) and str(parsed) == value


@pytest.mark.parametrize("text, message", [
    ("", money.REQUIRED), (None, money.REQUIRED), ("   ", money.REQUIRED),
    ("-1", money.NEGATIVE), ("-0.01", money.NEGATIVE),
    ("1.234", money.TOO_PRECISE), ("0.001", money.TOO_PRECISE), (0.005, money.TOO_PRECISE),
    ("10000000", money.TOO_LARGE), ("9" * 5000, money.TOO_LARGE),
    ("1e3", money.NOT_A_NUMBER), ("NaN", money.NOT_A_NUMBER), ("Infinity", money.NOT_A_NUMBER),
    ("12,34", money.NOT_A_NUMBER), ("十元", money.NOT_A_NUMBER), ("1.2.3", money.NOT_A_NUMBER),
    (True, money.NOT_A_NUMBER), ([1], money.NOT_A_NUMBER), ("x" * 100000, money.NOT_A_NUMBER),
    ("0", money.NOT_POSITIVE), ("0.00", money.NOT_POSITIVE),
])
def test_bad_amounts_are_refused_in_chinese(text, message):
    with pytest.raises(ValueError) as caught:
        money.amount(text)
    assert str(caught.value) == message


def test_zero_is_allowed_where_asked():
    assert money.amount("0", positive=False) == Decimal("0.00")


def test_amounts_show_two_decimals_and_rates_as_percent():
    assert money.shown(Decimal("12.3")) == "12.30" and money.shown(None) is None
    assert money.percent(Decimal("0.015")) == "1.5%" and money.percent(Decimal("0.02")) == "2%"


def test_months_parse_move_and_count():
    assert Month.parse("2024-03") + 10 == Month(2025, 1) and Month(2025, 1) - 10 == Month(2024, 3)
    assert Month(2025, 1) - Month(2024, 3) == 10 and Month(2024, 8).quarter_start == Month(2024, 7)
    assert str(Month(2024, 3)) == "2024-03" and Month(2024, 3).label == "2024年3月"
    for bad in ("2024-00", "2024-13", "24-03", "2024-3", 202403, None, "1900-01"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            Month.parse(bad)
