"""党费 of 流入 members at the inflow organization (docs/DUES.md, "流入党员"): pure checks, no I/O.

A member of this deployment pays into their one ledger (the home ledger's rules judge it as
well, `accept_payments`); the inflow organization may record only while the inflow is open, for
months from the inflow's month on, paid on or after the day the member came. A member from
outside this deployment has no ledger here: their payments go to a separate inflow ledger, with
the same window, no day in the future, no 预交 beyond the rules' limit, no amount that is 大额党费
and one payment per month."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .errors import DuesRefused
from .ledger import Payment
from .months import Month
from .rules import VERSIONS, RuleSet, rules_for

LEFT = "该党员已离开本党组织（流入已结束），不能在此交纳党费"


def inflow_window(active: bool, from_date: date, new: Sequence[Payment]) -> list[str]:
    """Why the inflow organization may not record these payments (empty: it may)."""
    if not active:
        return [LEFT]
    first = Month.of(from_date)
    problems = []
    for payment in new:
        if payment.month < first:
            problems.append(f"{payment.month.label}：早于流入月份（{from_date.isoformat()}流入），应在党员所在党组织交纳")
        elif payment.paid_on < from_date:
            problems.append(f"{payment.month.label}：交纳日期早于流入日期（{from_date.isoformat()}）")
    return problems


def check_inflow_payments(active: bool, from_date: date, new: Sequence[Payment]) -> None:
    """A member of this deployment paying at the inflow organization: DuesRefused naming every
    reason (the ledger's own rules are judged after, by `accept_payments`)."""
    problems = inflow_window(active, from_date, new)
    if problems:
        raise DuesRefused(problems)


def check_external_payments(active: bool, from_date: date, new: Sequence[Payment], taken: set, today: date,
                            versions: Sequence[RuleSet] = VERSIONS) -> None:
    """A member from outside this deployment (the inflow ledger): the inflow's window, and per
    payment no future day, no 预交 beyond the limit, less than 大额党费, a month once."""
    problems = inflow_window(active, from_date, new)
    if problems:
        raise DuesRefused(problems)
    rules, as_of, seen = rules_for(Month.of(today), versions), Month.of(today), set(taken)
    for payment in new:
        label = payment.month.label
        if payment.paid_on > today:
            problems.append(f"{label}：交纳日期不能晚于今天")
        elif payment.month > as_of + rules.prepay_months:
            problems.append(f"{label}：预交最多交到{(as_of + rules.prepay_months).label}")
        elif payment.amount >= rules.large_dues_min:
            problems.append(f"{label}：金额达到大额党费标准，请由党员所在党组织登记")
        elif payment.month in seen:
            problems.append(f"{label}：该月党费已登记，不能重复登记（如需更正，请先作废原记录）")
        seen.add(payment.month)
    if problems:
        raise DuesRefused(problems)
