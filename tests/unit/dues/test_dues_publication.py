"""党费收缴情况公示 (services/dues/domain/publication.py): a member's year counted as the summary counters
count it — 应交 of the months begun (after 免交), 实交 of every month paid for (预交 too), — for months
not counted; 大额党费 apart; the branch's line sums its members month by month."""
from datetime import date
from decimal import Decimal

from services.dues.domain import Account, Base, Branch, Exemption, Month, Payment, statement
from services.dues.domain.counters import contributions
from services.dues.domain.publication import branch_year, member_year

M = Month.parse
AS_OF = M("2026-05")
BRANCH = Branch(registration_start=M("2026-02"))
D = Decimal


def ledger(payments=(), exemptions=(), accepted=date(2010, 7, 1), left=None):
    account = Account(accepted, (Base("employed", D("4000.00"), M("2025-01")),), tuple(payments), tuple(exemptions),
                      left_on=left)
    return statement(account, BRANCH, AS_OF, through=M("2026-12"))


def test_a_member_year_counts_begun_months_and_every_payment():
    payments = [Payment(M("2026-02"), D("40.00"), date(2026, 2, 3)),
                Payment(M("2026-03"), D("20.00"), date(2026, 3, 3)),
                Payment(M("2026-07"), D("40.00"), date(2026, 5, 3))]  # 预交 of July
    line = member_year(ledger(payments, [Exemption(M("2026-04"), M("2026-04"), "exempt", approved=True)]), 2026, AS_OF,
                       D("1000.00"))
    assert line.due == (None, D("40.00"), D("40.00"), D("0.00"), D("40.00"), None, None, None, None, None, None, None)
    assert line.paid == (None, D("40.00"), D("20.00"), D("0.00"), D("0.00"), None, D("40.00"), None, None, None, None,
                         None)
    assert (line.due_total, line.paid_total, line.large) == (D("120.00"), D("100.00"), D("1000.00"))


def test_the_lines_add_up_to_the_counters():
    payments = [Payment(M("2026-02"), D("40.00"), date(2026, 2, 3)),
                Payment(M("2026-06"), D("40.00"), date(2026, 5, 3))]
    found = ledger(payments)
    line = member_year(found, 2026, AS_OF)
    counters = contributions(found, {}, {}, AS_OF)
    assert line.due_total == sum(D(v[0]) for k, v in counters.items() if k.startswith("2026-") and k != "2026-00")
    assert line.paid_total == sum(D(v[1]) for k, v in counters.items() if k.startswith("2026-") and k != "2026-00")


def test_months_before_joining_and_after_leaving_are_not_counted():
    line = member_year(ledger(accepted=date(2026, 3, 15), left=date(2026, 4, 2)), 2026, AS_OF)
    assert [n + 1 for n, due in enumerate(line.due) if due is not None] == [3, 4]
    assert member_year(None, 2026, AS_OF).due == (None,) * 12  # no 入党日期: nothing
    assert member_year(ledger(), 2025, AS_OF).due == (None,) * 12  # before the registration start


def test_the_branch_line_sums_month_by_month():
    one = member_year(ledger([Payment(M("2026-02"), D("40.00"), date(2026, 2, 3))]), 2026, AS_OF, D("1500.00"))
    two = member_year(ledger(accepted=date(2026, 4, 1)), 2026, AS_OF)
    total = branch_year([one, two])
    assert total.due[:5] == (None, D("40.00"), D("40.00"), D("80.00"), D("80.00"))  # January: nobody counted
    assert total.paid[1] == D("40.00") and total.paid[2] == D("0.00") and total.paid[11] is None
    assert (total.due_total, total.paid_total, total.large) == (D("240.00"), D("40.00"), D("1500.00"))
