"""Field rules every info set shares (services/shared/field_rules.py)."""
from datetime import date, datetime

import pytest

from services.shared.field_rules import iso_date, optional_text, version


@pytest.mark.parametrize("value, expected", [("2024-02-29", date(2024, 2, 29)), (" 2024-01-05 ", date(2024, 1, 5)),
                                             (date(2024, 1, 5), date(2024, 1, 5))])
def test_iso_date(value, expected):
    assert iso_date(value) == expected


@pytest.mark.parametrize("value, message", [
    (None, "必填"), ("  ", "必填"), ("2023-02-29", "日期格式应为YYYY-MM-DD"), ("20240105", "日期格式应为YYYY-MM-DD"),
    ("2024-W01-1", "日期格式应为YYYY-MM-DD"), (datetime(2024, 1, 5), "日期格式应为YYYY-MM-DD"),
    (20240105, "日期格式应为YYYY-MM-DD")])
def test_iso_date_refusals(value, message):
    with pytest.raises(ValueError) as caught:
        iso_date(value)
    assert str(caught.value) == message


def test_optional_text():
    assert optional_text(None, 5) is None
    assert optional_text("  ", 5) is None
    assert optional_text(" 原因 ", 5) == "原因"
    with pytest.raises(ValueError):
        optional_text("超过五个字符了", 5)
    with pytest.raises(ValueError):
        optional_text(12, 5)


def test_version():
    assert version(1) == 1
    assert version(" 7 ") == 7
    for bad in (0, -2, "1.0", 2.0, False, "abc"):
        with pytest.raises(ValueError):
            version(bad)
    with pytest.raises(ValueError, match="必填"):
        version(None)
