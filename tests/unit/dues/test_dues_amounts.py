"""Monthly amounts (RULES.md §1, the 2008 规定): one rate on the whole after-tax base by bracket,
each upper bound inclusive; retirees' brackets; fixed amounts; exact to the fen, half up."""
from decimal import Decimal

import pytest

from services.dues.domain import DuesRefused, Month, monthly_due, parse_base, quarter_average
from services.shared.field_errors import FieldErrors

JAN = Month(2024, 1)


@pytest.mark.parametrize("kind", ["employed", "annual_salary", "self_employed"])
@pytest.mark.parametrize("base, amount, rate", [
    ("0.01", None, "0.5%"),  # rounds to nothing: refused below
    ("1.00", "0.01", "0.5%"),  # 0.005 → 0.01 (half up)
    ("1233.00", "6.17", "0.5%"),  # 6.165 → 6.17 (half up, not half even)
    ("3000.00", "15.00", "0.5%"),
    ("3000.01", "30.00", "按1%"),
    ("5000.00", "50.00", "按1%"),
    ("5000.01", "75.00", "1.5%"),
    ("10000.00", "150.00", "1.5%"),
    ("10000.01", "200.00", "按2%"),
    ("250000.00", "5000.00", "按2%"),
])
def test_pay_brackets_at_every_boundary(kind, base, amount, rate):
    if amount is None:
        with pytest.raises(DuesRefused, match="过小"):
            monthly_due(kind, Decimal(base), JAN)
        return
    due = monthly_due(kind, Decimal(base), JAN)
    assert due.amount == Decimal(amount) and str(due.amount) == amount
    assert rate in due.bracket and due.rule_version == "2008"


@pytest.mark.parametrize("base, amount, bracket", [
    ("5000.00", "25.00", "离退休费（养老金）5000元以下（含5000元），按0.5%"),
    ("5000.01", "50.00", "离退休费（养老金）5000元以上，按1%"),
    ("1801.50", "9.01", "按0.5%"),  # 9.0075 → 9.01
])
def test_retirees_brackets(base, amount, bracket):
    due = monthly_due("retired", Decimal(base), JAN)
    assert due.amount == Decimal(amount) and bracket in due.bracket


@pytest.mark.parametrize("kind", ["student", "unemployed", "relief", "subsistence"])
def test_fixed_kinds_pay_twenty_fen_whatever_the_base(kind):
    for base in (None, Decimal("8000.00")):
        due = monthly_due(kind, base, JAN)
        assert due.amount == Decimal("0.20") and due.bracket.endswith("党员每月0.2元")


@pytest.mark.parametrize("amount, ok", [("0.20", True), ("1.00", True), ("0.50", True), ("0.19", False),
                                        ("1.01", False), (None, False)])
def test_farmers_pay_the_amount_the_branch_set_within_the_range(amount, ok):
    value = None if amount is None else Decimal(amount)
    if ok:
        assert monthly_due("farmer", value, JAN).amount == value
    else:
        with pytest.raises(DuesRefused, match="0.20到1.00之间"):
            monthly_due("farmer", value, JAN)


def test_a_bracket_kind_needs_a_positive_base():
    for base in (None, Decimal("0")):
        with pytest.raises(DuesRefused, match="交纳基数"):
            monthly_due("employed", base, JAN)


def test_parse_base_answers_the_due_of_its_first_month():
    base, due = parse_base("employed", "5,000.01", "2024-03")
    assert (base.kind, base.amount, base.from_month) == ("employed", Decimal("5000.01"), Month(2024, 3))
    assert (due.amount, due.month) == (Decimal("75.00"), Month(2024, 3))
    base, due = parse_base("student", None, "2024-03")
    assert base.amount is None and due.amount == Decimal("0.20")


def test_parse_base_names_every_bad_field():
    with pytest.raises(FieldErrors) as caught:
        parse_base("pirate", "-3", "2024-13")
    assert set(caught.value.fields) == {"kind", "amount", "from_month"}
    with pytest.raises(FieldErrors) as caught:
        parse_base("employed", "", "2024/03")
    assert caught.value.fields == {"amount": "请填写金额", "from_month": "格式应为YYYY-MM（如2026-03）"}
    with pytest.raises(FieldErrors, match="不能为负数"):
        parse_base("retired", "-3000", "2024-03")
    with pytest.raises(FieldErrors) as caught:  # hostile shapes are field errors, not crashes
        parse_base(["employed"], {"yuan": 1}, ["2024-03"])
    assert set(caught.value.fields) == {"kind", "amount", "from_month"}


def test_self_employed_base_is_the_last_quarters_average_rounded_to_the_fen():
    incomes = {Month(2024, 1): Decimal("3000.00"), Month(2024, 2): Decimal("4000.00"), Month(2024, 3): Decimal("0")}
    base = quarter_average(incomes, Month(2024, 5))
    assert (base.kind, base.amount, base.from_month) == ("self_employed", Decimal("2333.33"), Month(2024, 4))
    assert monthly_due(base.kind, base.amount, Month(2024, 5)).amount == Decimal("11.67")  # 11.66665
    # January's quarter averages the previous year's last quarter; a missing month is named
    with pytest.raises(DuesRefused, match="缺少2023年11月"):
        quarter_average({Month(2023, 10): Decimal(1), Month(2023, 12): Decimal(1)}, Month(2024, 1))
