"""大额党费 上缴, pure rules (services/dues/domain/large_remittance.py; docs/DUES.md "大额党费 上缴")."""
from datetime import date
from decimal import Decimal

import pytest

from services.dues.domain.large_remittance import (
    Held,
    LargeRefused,
    check_large_remittance,
    overdue,
    overdue_before,
    parse_large_remittance,
)
from services.shared.field_errors import FieldErrors

TODAY = date(2026, 6, 30)
A = Held(1, Decimal("1000.00"), date(2026, 5, 1), "R1")
B = Held(2, Decimal("2500.50"), date(2026, 6, 10), "R2")


def new(amount="3500.50", on="2026-06-20", ids=None):
    return parse_large_remittance(on, amount, "PZ-1", None, ids)


def test_parse_defaults_to_every_payment_held_and_needs_a_voucher():
    assert new().payment_ids is None
    assert new(ids=[2, "1", 2]).payment_ids == (2, 1)
    with pytest.raises(FieldErrors) as error:
        parse_large_remittance("2026-13-01", "12.345", " ", "x" * 501, [])
    assert set(error.value.fields) == {"remitted_on", "amount", "voucher_no", "note", "payment_ids"}
    assert error.value.fields["payment_ids"] == "请选择要上缴的大额党费"
    with pytest.raises(FieldErrors) as error:
        parse_large_remittance("2026-06-01", "1000", "P", None, [True, -1])
    assert "payment_ids" in error.value.fields


def test_the_amount_must_be_the_sum_to_the_fen():
    assert check_large_remittance(new(), [A, B], set(), TODAY) == Decimal("3500.50")
    for wrong in ("3500.49", "3500.51", "1000.00"):
        with pytest.raises(LargeRefused) as refused:
            check_large_remittance(new(wrong), [A, B], set(), TODAY)
        assert refused.value.kind == "amount" and "3500.50" in refused.value.message and "全额" in refused.value.message


def test_a_payment_is_forwarded_once_by_a_level_even_with_a_wrong_sum():
    with pytest.raises(LargeRefused) as refused:
        check_large_remittance(new("1.00"), [A, B], {2}, TODAY)
    assert refused.value.kind == "forwarded" and "R2" in refused.value.message and "R1" not in refused.value.message


def test_nothing_held_and_dates():
    with pytest.raises(LargeRefused) as refused:
        check_large_remittance(new(), [], set(), TODAY)
    assert refused.value.kind == "empty"
    with pytest.raises(LargeRefused) as refused:  # before B was paid
        check_large_remittance(new(on="2026-06-09"), [A, B], set(), TODAY)
    assert refused.value.kind == "date" and "2026-06-10" in refused.value.message
    assert check_large_remittance(new(on="2026-06-10"), [A, B], set(), TODAY)  # the same day is fine
    with pytest.raises(LargeRefused) as refused:
        check_large_remittance(new(on="2026-07-01"), [A, B], set(), TODAY)
    assert refused.value.kind == "date" and "晚于今天" in refused.value.message


def test_overdue_after_thirty_days():
    assert overdue_before(TODAY) == date(2026, 5, 31)
    assert not overdue(date(2026, 5, 31), TODAY)  # exactly 30 days: not yet
    assert overdue(date(2026, 5, 30), TODAY)
