"""What one member adds to the summary counters: 应交 only of months begun, 实交 and 补交 of the
months paid for (预交 too), the amount 免交/少交 waived, 大额党费 by the month paid, and who is 欠交
in a month and in a year; months with nothing to add are left out."""
from datetime import date
from decimal import Decimal

from services.dues.domain import Account, Base, Branch, Exemption, Month, Payment, statement
from services.dues.domain.counters import contributions, member_counts

M = Month.parse
AS_OF = M("2026-03")
BRANCH = Branch(registration_start=M("2025-11"))


def counted(payments=(), exemptions=(), late=None, large=None):
    account = Account(date(2010, 7, 1), (Base("employed", Decimal("4000.00"), M("2025-01")),), tuple(payments),
                      tuple(exemptions))
    return contributions(statement(account, BRANCH, AS_OF), late or {}, large or {}, AS_OF)


def test_due_of_begun_months_and_the_unpaid_ones():
    found = counted()
    assert sorted(found) == ["2025-00", "2025-11", "2025-12", "2026-00", "2026-01", "2026-02", "2026-03"]
    assert found["2026-03"] == ["40.00", "0.00", "0.00", "0.00", "0.00", 1, 0]  # the current month: 未交
    assert found["2025-00"][5:] == [1, 0] and found["2026-00"][5:] == [1, 0]  # overdue months unpaid


def test_payments_late_prepaid_large_and_a_waived_year():
    payments = [Payment(M("2025-11"), Decimal("40.00"), date(2026, 2, 1)),
                Payment(M("2025-12"), Decimal("40.00"), date(2025, 12, 5)),
                Payment(M("2026-03"), Decimal("40.00"), date(2026, 3, 2)),
                Payment(M("2026-04"), Decimal("40.00"), date(2026, 3, 2))]  # 预交
    exemptions = [Exemption(M("2026-01"), M("2026-02"), "exempt", approved=True)]
    found = counted(payments, exemptions, late={M("2025-11"): Decimal("40.00")}, large={M("2026-03"): Decimal("1000")})
    assert found["2025-11"] == ["40.00", "40.00", "40.00", "0.00", "0.00", 0, 0]
    assert found["2026-01"] == ["0.00", "0.00", "0.00", "40.00", "0.00", 0, 1]
    assert found["2026-03"] == ["40.00", "40.00", "0.00", "0.00", "1000.00", 0, 0]
    assert found["2026-04"] == ["0.00", "40.00", "0.00", "0.00", "0.00", 0, 0]  # not begun: paid, not due
    assert "2025-00" not in found  # nothing unpaid, nothing waived in 2025
    assert found["2026-00"] == ["0.00", "0.00", "0.00", "0.00", "0.00", 0, 1]


def test_a_reduced_month_waives_the_difference():
    found = counted(exemptions=[Exemption(M("2026-03"), M("2026-03"), "reduce", Decimal("10.00"), approved=True)])
    assert found["2026-03"][:4] == ["10.00", "0.00", "0.00", "30.00"] and found["2026-03"][5:] == [1, 1]


def test_a_members_counted_row_their_contributions_and_arrears():
    """member_counts: what `counted` holds for a member (the counts, 欠交 streak from its first
    unpaid month, months and amount owed, 党费交至); nothing for a member without an account."""
    account = Account(date(2010, 7, 1), (Base("employed", Decimal("4000.00"), M("2025-01")),),
                      (Payment(M("2025-11"), Decimal("40.00"), date(2025, 11, 10)),))
    row = member_counts(account, BRANCH, AS_OF, {}, {})
    assert row["contributions"] == counted([Payment(M("2025-11"), Decimal("40.00"), date(2025, 11, 10))])
    assert (row["as_of"], row["streak"], row["streak_from"]) == (date(2026, 3, 1), 3, date(2025, 12, 1))
    assert (row["arrears_months"], row["arrears_amount"], row["paid_to"]) == (3, Decimal("120.00"), date(2025, 11, 1))
    nobody = member_counts(None, None, AS_OF, {}, {})
    assert nobody == {"contributions": {}, "as_of": date(2026, 3, 1), "streak": 0, "streak_from": None,
                      "arrears_months": 0, "arrears_amount": Decimal("0.00"), "paid_to": None}
