"""党费收缴情况公示 (docs/DUES.md, "公示"): a member's year as a branch posts it for its members — each
month's 应交 and 实交 and the year's sums — pure, from the member's ledger (`statement`), counted as the
summary counters count them (应交 of the months begun, 实交 of every month paid for), so a branch's
publication adds up to its summary. 大额党费 is kept apart (never in 实交)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import money
from .ledger import Statement
from .months import Month


@dataclass(frozen=True)
class YearLine:
    """One member's (or the branch's) year: 应交/实交 by month 1–12 (None: the month not counted for the
    member, shown as —), the year's sums and the 大额党费 paid that year."""
    due: tuple[Decimal | None, ...]
    paid: tuple[Decimal | None, ...]
    large: Decimal

    @property
    def due_total(self) -> Decimal:
        return sum((d for d in self.due if d is not None), money.ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum((p for p in self.paid if p is not None), money.ZERO)


def member_year(ledger: Statement | None, year: int, as_of: Month, large: Decimal = money.ZERO) -> YearLine:
    """A member's year from their ledger (None: no 入党日期, nothing counted): 应交 of a counted month
    begun by `as_of` (a month to come owes nothing yet; after an approved 少交/免交), 实交 of every
    counted month begun or paid in advance (预交)."""
    due: list[Decimal | None] = [None] * 12
    paid: list[Decimal | None] = [None] * 12
    for row in ledger.months if ledger else ():
        if row.month.year != year:
            continue
        index = row.month.month - 1
        due[index] = (row.due or money.ZERO) if row.month <= as_of else None
        paid[index] = row.paid if row.month <= as_of or row.paid > 0 else None
    return YearLine(tuple(due), tuple(paid), large)


def branch_year(lines: list[YearLine]) -> YearLine:
    """The branch's line: each month's sums over its members (None for a month no member counts)."""
    def column(values) -> Decimal | None:
        counted = [v for v in values if v is not None]
        return sum(counted, money.ZERO) if counted else None
    return YearLine(tuple(column([line.due[i] for line in lines]) for i in range(12)),
                    tuple(column([line.paid[i] for line in lines]) for i in range(12)),
                    sum((line.large for line in lines), money.ZERO))
