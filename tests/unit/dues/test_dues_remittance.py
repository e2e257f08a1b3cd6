"""上缴 (services/dues/domain/remittance.py): periods (month, quarter, half-year, year), the input's
checks, and the figures a higher 党委 compares — every refusal named in Chinese."""
from datetime import date
from decimal import Decimal

import pytest

from services.dues.domain import DuesRefused, Month
from services.dues.domain.remittance import (
    Period,
    Remittance,
    check_remittance,
    choices,
    collected_in,
    parse_remittance,
    previous_quarter,
    quarters,
    standing,
    unremitted,
)
from services.shared.field_errors import FieldErrors

TODAY = date(2026, 7, 10)


@pytest.mark.parametrize("text, first, last, kind, label", [
    ("2026-03", "2026-03", "2026-03", "month", "2026年3月"),
    ("2026-Q1", "2026-01", "2026-03", "quarter", "2026年第一季度"),
    ("2026-q4", "2026-10", "2026-12", "quarter", "2026年第四季度"),
    ("２０２６-Ｑ２", "2026-04", "2026-06", "quarter", "2026年第二季度"),
    ("2026-H2", "2026-07", "2026-12", "half", "2026年下半年"),
    (" 2026 ", "2026-01", "2026-12", "year", "2026年全年"),
])
def test_periods(text, first, last, kind, label):
    period = Period.parse(text)
    assert (str(period.first), str(period.last), period.kind, period.label) == (first, last, kind, label)
    assert Period.parse(str(period)) == period and len(period.months) == Month.parse(last) - Month.parse(first) + 1
    assert Period.of(period.first.first_day, period.last.first_day) == period


@pytest.mark.parametrize("text", ["", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "2026-H3", "2026-3", "26-Q1",
                                  "1900", "2026-Q1-2", "二〇二六", None, 2026, "2026/03"])
def test_bad_periods(text):
    with pytest.raises(ValueError, match="期间格式"):
        Period.parse(text)


def test_within_and_overlap():
    q1, march, h1, year = (Period.parse(t) for t in ("2026-Q1", "2026-03", "2026-H1", "2026"))
    assert march.within(q1) and q1.within(h1) and h1.within(year) and not q1.within(march)
    assert march.overlaps(q1) and q1.overlaps(year) and not q1.overlaps(Period.parse("2026-04"))
    assert [str(q) for q in quarters(2026)] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


def test_parse_remittance_names_every_bad_field():
    new = parse_remittance("2026-Q2", "1,234.50", "2026-07-01", " R-001 ", "")
    assert new == Remittance(Period.parse("2026-Q2"), Decimal("1234.50"), date(2026, 7, 1), "R-001", None)
    with pytest.raises(FieldErrors) as refused:
        parse_remittance("2026-Q9", "-3", "2026-02-30", "x" * 41, "y" * 501)
    assert set(refused.value.fields) == {"period", "amount", "remitted_on", "receipt_no", "note"}
    assert refused.value.fields["amount"] == "金额不能为负数"
    for amount in ("0", "99999999", "12.345", "1e3"):
        with pytest.raises(FieldErrors) as refused:
            parse_remittance("2026-Q2", amount, "2026-07-01")
        assert list(refused.value.fields) == ["amount"]


def remittance(period: str, amount: str = "100.00", on: date = TODAY) -> Remittance:
    return Remittance(Period.parse(period), Decimal(amount), on)


def refusal(new: Remittance, collected: str = "500.00", active=()) -> list[str]:
    with pytest.raises(DuesRefused) as refused:
        check_remittance(new, Decimal(collected), [Period.parse(a) for a in active], TODAY)
    return refused.value.messages


def test_a_remittance_within_what_was_collected():
    check_remittance(remittance("2026-Q2", "500.00"), Decimal("500.00"), [Period.parse("2026-Q1")], TODAY)
    check_remittance(remittance("2026-07", on=date(2026, 7, 1)), Decimal("100.00"), [], TODAY)  # begun, collecting


def test_refusals():
    assert refusal(remittance("2026-08")) == ["2026年8月尚未开始，不能登记上缴", "上缴日期早于所缴期间（2026年8月）"]
    assert refusal(remittance("2026-Q2", on=date(2026, 7, 11))) == ["上缴日期不能晚于今天"]
    assert refusal(remittance("2026-Q2", on=date(2026, 3, 31))) == ["上缴日期早于所缴期间（2026年第二季度）"]
    assert refusal(remittance("2026-Q2"), active=["2026-Q2"]) == [
        "2026年第二季度的上缴已登记，不能重复登记（如需更正，请更正或作废原记录）"]
    assert refusal(remittance("2026-Q2"), active=["2026-05", "2026-H1"]) == [  # by their first month
        "2026年第二季度与已登记的2026年上半年上缴重叠，同一月份只能上缴一次",
        "2026年第二季度与已登记的2026年5月上缴重叠，同一月份只能上缴一次"]
    assert refusal(remittance("2026-Q2"), "0.00") == ["本组织（含下级）2026年第二季度尚未收缴党费，不能登记上缴"]
    assert refusal(remittance("2026-Q2", "500.01")) == ["上缴金额500.01元超过2026年第二季度实交党费500.00元"]


def test_figures_of_a_period():
    paid = {Month(2026, 1): Decimal("100.00"), Month(2026, 2): Decimal("50.20"), Month(2026, 4): Decimal("30.00")}
    assert collected_in(Period.parse("2026-Q1"), paid) == Decimal("150.20")
    remitted = [(Period.parse("2026-01"), Decimal("90.00"), True), (Period.parse("2026-02"), Decimal("50.00"), False),
                (Period.parse("2026-Q2"), Decimal("30.00"), False)]
    q1 = standing(Period.parse("2026-Q1"), paid, remitted)
    assert (q1.collected, q1.remitted, q1.confirmed, q1.pending, q1.difference) == (
        Decimal("150.20"), Decimal("140.00"), Decimal("90.00"), 1, Decimal("10.20"))
    year = standing(Period.parse("2026"), paid, remitted)
    assert (year.collected, year.remitted, year.difference) == (Decimal("180.20"), Decimal("170.00"), Decimal("10.20"))
    # A year's remittance is not split into its quarters; more remitted than collected shows a negative 差额.
    over = standing(Period.parse("2026-Q3"), paid, [(Period.parse("2026-Q3"), Decimal("5.00"), True)])
    assert over.difference == Decimal("-5.00")


def test_choices_begun_and_taken():
    found = choices(2026, [Period.parse("2026-Q1")], Month(2026, 7))
    labels = [(c["period"], c["taken"]) for c in found]
    assert labels[:7] == [(f"2026-{n:02d}", n <= 3) for n in range(1, 8)]
    assert ("2026-Q3", False) in labels and ("2026-Q4", False) not in labels
    assert ("2026-H1", True) in labels and ("2026-H2", False) in labels and ("2026", True) in labels
    assert len(choices(2025, [], Month(2026, 7))) == 19


@pytest.mark.parametrize("now, period", [("2026-12", "2026-Q3"), ("2026-10", "2026-Q3"), ("2026-09", "2026-Q2"),
                                         ("2027-01", "2026-Q4"), ("2027-03", "2026-Q4"), ("2027-04", "2027-Q1")])
def test_the_reminder_asks_for_the_last_quarter_over(now, period):
    assert str(previous_quarter(Month.parse(now))) == period


def test_unremitted_months_are_those_collected_and_not_covered():
    q3 = Period.parse("2026-Q3")
    paid = {Month(2026, 7): Decimal("50.00"), Month(2026, 8): Decimal("0"), Month(2026, 9): Decimal("10.00")}
    assert unremitted(q3, paid, []) == [Month(2026, 7), Month(2026, 9)]
    assert unremitted(q3, {}, []) == []  # nothing collected: nothing to remit
    assert unremitted(q3, paid, [Period.parse("2026-07")]) == [Month(2026, 9)]
    for covering in ("2026-Q3", "2026-H2", "2026"):
        assert unremitted(q3, paid, [Period.parse(covering)]) == []
    assert unremitted(q3, paid, [Period.parse("2026-Q2"), Period.parse("2026-Q4")]) == [Month(2026, 7), Month(2026, 9)]
