"""A member's ledger: dues from the month of the 支部大会 acceptance, arrears counted from the
branch's registration start, bases applying from a month, 补交/预交/quarterly payments, approved
少交/免交, the 3- and 6-month unpaid streak, 党费交至, and the refusals of a payment."""
from datetime import date
from decimal import Decimal

import pytest

from services.dues.domain import (
    EXEMPT,
    LAPSED,
    PAID,
    REDUCED,
    REPORT,
    UNPAID,
    Account,
    Base,
    Branch,
    DuesRefused,
    Exemption,
    Month,
    Payment,
    accept_payments,
    check_exemption,
    check_large,
    is_large,
    parse_exemption,
    parse_payment,
    statement,
)
from services.shared.field_errors import FieldErrors

D = date.fromisoformat
M = Month.parse
BRANCH = Branch(registration_start=M("2024-01"))
BASES = (Base("employed", Decimal("4000.00"), M("2023-06")),  # 40.00 a month
         Base("employed", Decimal("6000.00"), M("2024-04")))  # new pay from April: 90.00


def pay(month, amount="40.00", on=None):
    return Payment(M(month), Decimal(amount), D(on or f"{month}-10"))


def account(*payments, exemptions=(), accepted="2023-06-20", **more):
    return Account(D(accepted), BASES, payments, exemptions, **more)


def test_dues_start_in_the_acceptance_month_and_not_before_the_registration_start():
    late = statement(account(accepted="2024-02-28"), BRANCH, M("2024-03"))
    assert [str(row.month) for row in late.months] == ["2024-02", "2024-03"]  # accepted on the 28th: February due
    early = statement(account(), BRANCH, M("2024-03"))
    assert str(early.months[0].month) == "2024-01"  # 2023 is before the branch's registration start
    assert early.paid_to == M("2023-12") and early.arrears.months == (M("2024-01"), M("2024-02"))


def test_a_new_base_applies_from_its_month():
    rows = statement(account(), BRANCH, M("2024-05")).months
    assert [(str(r.month), r.due) for r in rows][2:4] == [("2024-03", Decimal("40.00")), ("2024-04", Decimal("90.00"))]
    assert "1.5%" in rows[3].standard.bracket and rows[3].standard.rule_version == "2008"


def test_statuses_arrears_and_paid_to():
    book = account(pay("2024-01"), pay("2024-02", "30.00"), pay("2024-03", on="2024-05-02"),
                   pay("2024-05", "90.00", on="2024-04-20"),
                   exemptions=[Exemption(M("2024-04"), M("2024-04"), "reduce", Decimal("10.00"), approved=True)])
    result = statement(book, BRANCH, M("2024-06"))
    rows = {str(r.month): r for r in result.months}
    assert [rows[m].status for m in ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06")] == \
        [PAID, UNPAID, PAID, UNPAID, PAID, UNPAID]
    assert rows["2024-02"].owed == Decimal("10.00") and rows["2024-04"].due == Decimal("10.00")
    assert not rows["2024-06"].overdue  # the current month is not arrears yet
    assert result.arrears.months == (M("2024-02"), M("2024-04")) and result.arrears.amount == Decimal("20.00")
    assert result.paid_to == M("2024-01")
    topped = statement(account(*book.payments, pay("2024-02", "10.00"), pay("2024-04", "10.00"),
                               exemptions=book.exemptions), BRANCH, M("2024-06"))
    assert {str(r.month): r.status for r in topped.months}["2024-04"] == REDUCED
    assert topped.paid_to == M("2024-05") and topped.arrears.amount == 0


def test_only_approved_exemptions_change_the_due():
    exempt = [Exemption(M("2024-01"), M("2024-03"), "exempt", approved=True)]
    pending = [Exemption(M("2024-01"), M("2024-03"), "exempt", approved=False)]
    approved = statement(account(exemptions=exempt), BRANCH, M("2024-04"))
    assert [r.status for r in approved.months[:3]] == [EXEMPT] * 3 and approved.arrears.months == ()
    assert approved.paid_to == M("2024-03") and approved.arrears.streak == 0
    waiting = statement(account(exemptions=pending), BRANCH, M("2024-04"))
    assert [r.status for r in waiting.months[:3]] == [UNPAID] * 3 and waiting.arrears.amount == Decimal("120.00")


@pytest.mark.parametrize("unpaid, level", [(2, None), (3, REPORT), (5, REPORT), (6, LAPSED), (8, LAPSED)])
def test_consecutive_unpaid_months_report_at_three_and_lapse_at_six(unpaid, level):
    paid = [pay(str(m)) for m in (M("2024-01") + n for n in range(12 - unpaid))]
    arrears = statement(account(*paid), BRANCH, M("2025-01")).arrears
    assert arrears.streak == unpaid and arrears.level == level
    assert arrears.streak_from == M("2024-12") - (unpaid - 1)


def test_the_streak_ignores_months_before_the_registration_start_and_breaks_on_payments_or_exemptions():
    # joined long ago, branch registers from 2024-01: only 4 counted months unpaid
    assert statement(account(accepted="2010-01-01"), BRANCH, M("2024-05")).arrears.streak == 4
    # any payment record breaks it (a part payment too: the seed counts months with no record)
    part = statement(account(pay("2024-03", "1.00")), BRANCH, M("2024-08")).arrears
    assert (part.streak, part.level) == (4, REPORT) and M("2024-03") in part.months
    exempt = [Exemption(M("2024-04"), M("2024-04"), "exempt", approved=True)]
    assert statement(account(exemptions=exempt), BRANCH, M("2024-08")).arrears.streak == 3
    # 补交 of every month clears it
    back = [pay(str(M("2024-01") + n), on="2024-08-01") for n in range(3)] + \
        [pay(str(M("2024-04") + n), "90.00", on="2024-08-01") for n in range(4)]
    assert statement(account(*back), BRANCH, M("2024-08")).arrears.level is None


def test_months_waiting_for_approval_are_owed_but_do_not_start_the_streak():
    book = account(accepted="2024-01-15", on_rolls_on=D("2024-06-20"))
    arrears = statement(book, BRANCH, M("2024-07")).arrears
    assert len(arrears.months) == 6 and arrears.streak == 1 and arrears.level is None


def test_quarterly_branches_owe_a_month_only_once_its_quarter_is_over():
    quarterly = Branch(M("2024-01"), quarterly=True)
    rows = statement(account(), quarterly, M("2024-03")).months
    assert [r.overdue for r in rows] == [False, False, False]
    done = accept_payments(account(), quarterly, [pay("2024-01", on="2024-03-25"), pay("2024-03", on="2024-03-25")],
                           D("2024-03-25"))
    assert [a.kind for a in done] == ["monthly", "monthly"]
    monthly = accept_payments(account(), BRANCH, [pay("2024-01", on="2024-03-25"), pay("2024-04", "90.00",
                                                                                      on="2024-03-25")],
                              D("2024-03-25"))
    assert [a.kind for a in monthly] == ["late", "early"]


def test_a_member_who_left_owes_through_the_month_they_left():
    result = statement(account(left_on=D("2024-03-05")), BRANCH, M("2024-08"))
    assert result.months[-1].month == M("2024-03")


def test_payments_are_refused_with_every_reason_and_nothing_accepted():
    book = account(pay("2024-01"))
    with pytest.raises(DuesRefused) as caught:
        accept_payments(book, BRANCH, [
            pay("2024-01"),  # duplicate
            pay("2024-02"), pay("2024-02"),  # the second one duplicates the first of the batch
            pay("2023-12", on="2024-01-10"),  # before the branch's registration start
            pay("2026-01", "90.00", on="2024-05-01"),  # prepaid beyond 12 months
            pay("2024-03", "1040.00"),  # 1000 more than due: 大额党费 is recorded apart
            pay("2024-05", "90.00", on="2024-06-01"),  # after today
        ], D("2024-05-20"))
    assert caught.value.messages == [
        "2024年1月：该月党费已交，不能重复登记", "2024年2月：该月党费已交，不能重复登记",
        "2023年12月：早于本支部党费登记开始月份（2024年1月），不在系统中登记", "2026年1月：预交最多交到2025年5月",
        "2024年3月：多交部分达到1000.00元，应作为大额党费单独登记", "2024年5月：交纳日期不能晚于今天"]
    with pytest.raises(DuesRefused, match="支部大会通过之前不需交纳党费"):
        accept_payments(account(accepted="2024-03-10"), BRANCH, [pay("2024-02", on="2024-03-12")], D("2024-05-20"))
    with pytest.raises(DuesRefused, match="一次最多登记60笔"):
        accept_payments(book, BRANCH, [pay("2024-02")] * 61, D("2024-05-20"))
    exempt = [Exemption(M("2024-02"), M("2024-02"), "exempt", approved=True)]
    with pytest.raises(DuesRefused, match="已批准免交"):
        accept_payments(account(exemptions=exempt), BRANCH, [pay("2024-02")], D("2024-05-20"))


def test_a_top_up_a_voluntary_extra_and_late_payments_are_accepted():
    book = account(pay("2024-01", "30.00"))
    done = accept_payments(book, BRANCH, [pay("2024-01", "10.00", on="2024-01-20"), pay("2024-02", "1039.99")],
                           D("2024-02-20"))
    assert [a.kind for a in done] == ["monthly", "monthly"]
    old = accept_payments(account(accepted="2010-01-01"), Branch(M("2023-01")),
                          [pay("2023-01", on="2024-02-01")], D("2024-02-20"))
    assert old[0].kind == "late" and "补交已超过6个月" in old[0].warnings[0]


def test_parse_payment_names_every_bad_field():
    payment = parse_payment("2024-03", "40", "2024-03-10", "proxy")
    assert (payment.amount, payment.method) == (Decimal("40.00"), "proxy")
    with pytest.raises(FieldErrors) as caught:
        parse_payment("March", "-40", "10/03/2024", "cheque")
    assert set(caught.value.fields) == {"month", "amount", "paid_on", "method"}


def test_large_dues_start_at_one_thousand_inclusive():
    check_large(Decimal("1000.00"), D("2024-05-01"))
    assert is_large(Decimal("1000.00"), D("2024-05-01")) and not is_large(Decimal("999.99"), D("2024-05-01"))
    with pytest.raises(DuesRefused, match="1000.00元以上（含1000.00元）"):
        check_large(Decimal("999.99"), D("2024-05-01"))


def test_exemption_applications():
    reduce = parse_exemption("2024-01", "2024-06", "reduce", "5", "家庭困难")
    assert (reduce.amount, reduce.approved) == (Decimal("5.00"), False)
    with pytest.raises(FieldErrors) as caught:
        parse_exemption("2024-06", "2024-01", "reduce", "", " ")
    assert set(caught.value.fields) == {"to_month", "amount", "reason"}
    with pytest.raises(FieldErrors, match="最长12个月"):
        parse_exemption("2024-01", "2025-01", "exempt", None, "病重")
    with pytest.raises(FieldErrors, match="原因不能超过500字"):
        parse_exemption("2024-01", "2024-02", "exempt", None, "难" * 501)
    existing = account(exemptions=[Exemption(M("2024-03"), M("2024-04"), "exempt", approved=True)])
    with pytest.raises(DuesRefused, match="重叠"):
        check_exemption(existing, reduce)
    with pytest.raises(DuesRefused, match="早于支部大会通过的月份"):
        check_exemption(account(accepted="2024-02-01"), parse_exemption("2024-01", "2024-01", "exempt", None, "病"))
    check_exemption(account(), reduce)
