"""What one member adds to the dues summary counters (docs/DUES.md, "Summary counters"): a pure
function of their ledger, so the service adds `new − old` whenever the ledger changes and a
recount gives the same sums."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from . import money
from .ledger import EXEMPT, REDUCED, Account, Branch, Statement, statement
from .months import Month

# The counters' fields, in this order in a contribution: five amounts, then two member counts.
FIELDS = ("due", "paid", "late", "waived", "large", "unpaid_members", "exempt_members")
AMOUNTS = 5


def contributions(ledger: Statement, late: dict[Month, Decimal], large: dict[Month, Decimal],
                  as_of: Month) -> dict[str, list]:
    """What one member adds to the summary counters, by "YYYY-MM" (month 00: the year's member
    counts): 应交 of the months begun, 实交 (and of it 补交) of every month paid for, the amount
    少交/免交 waived, 大额党费 by the month paid, and whether the member is 欠交 (a month begun not
    settled; for the year: an overdue month not settled) and 少交/免交 that month or year. Pure."""
    found: dict[str, list] = {}
    years: dict[int, list] = defaultdict(lambda: [0, 0])

    def entry(month: Month) -> list:
        return found.setdefault(str(month), [money.ZERO] * AMOUNTS + [0, 0])

    for row in ledger.months:
        values = entry(row.month)
        begun = row.month <= as_of
        standard = row.standard.amount if row.standard is not None else None
        waived = standard - row.due if standard is not None and row.due is not None and standard > row.due else 0
        exempted = row.status in (EXEMPT, REDUCED) or waived > 0
        values[0] = row.due if begun and row.due is not None else money.ZERO
        values[1] = row.paid
        values[2] = late.get(row.month, money.ZERO)
        values[3] = money.ZERO + waived if begun else money.ZERO
        values[5] = int(begun and not row.settled)
        values[6] = int(begun and exempted)
        year = years[row.month.year]
        year[0] = max(year[0], int(row.overdue and not row.settled))
        year[1] = max(year[1], values[6])
    for month, amount in large.items():
        entry(month)[4] += amount
    for year, (unpaid, exempted) in years.items():
        found[f"{year:04d}-00"] = [money.ZERO] * AMOUNTS + [unpaid, exempted]
    return {key: [str(v) if i < AMOUNTS else v for i, v in enumerate(values)]
            for key, values in found.items() if any(values)}


def member_counts(account: Account | None, branch: Branch | None, as_of: Month,
                  late: dict[Month, Decimal], large: dict[Month, Decimal]) -> dict:
    """A member's row of `counted` but for the member and path: their contributions to the
    counters and their arrears as of `as_of` (nothing for a member without an account). Pure."""
    if account is None:
        return {"contributions": {}, "as_of": as_of.first_day, "streak": 0, "streak_from": None,
                "arrears_months": 0, "arrears_amount": money.ZERO, "paid_to": None}
    ledger = statement(account, branch, as_of)
    arrears = ledger.arrears
    return {"contributions": contributions(ledger, late, large, as_of), "as_of": as_of.first_day,
            "streak": arrears.streak, "streak_from": arrears.streak_from.first_day if arrears.streak_from else None,
            "arrears_months": len(arrears.months), "arrears_amount": arrears.amount,
            "paid_to": ledger.paid_to.first_day if ledger.paid_to else None}
