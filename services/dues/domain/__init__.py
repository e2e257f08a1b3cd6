"""党费: the dues rules, pure (no I/O). The wiring uses only these names:

- `Month`: a calendar month ("YYYY-MM"); `money.amount(text)` → Decimal (ValueError in Chinese);
  `money.shown(amount)` → "12.30".
- `parse_base(kind, amount, from_month)` → (`Base`, `MonthlyDue` of its first month): `PUT …/dues/base`.
- `monthly_due(kind, base, month)` → `MonthlyDue(amount, bracket, rule_version …)` or DuesRefused.
- `quarter_average(incomes, month)` → the 个体 `Base` for month's quarter.
- `statement(Account, Branch, as_of, through=None)` → `Statement(months, arrears, paid_to)`: the
  per-month 应交/实交/status, arrears with the unpaid streak (3: report, 6: 自行脱党 case), 党费交至.
- `month_status(Account, Branch, month, as_of)` → one `MonthStatus` (a branch's month, member by member).
- `parse_payment(…)`, `accept_payments(Account, Branch, payments, today)` → [Accepted(kind 按月/补交/预交,
  warnings)] or DuesRefused (nothing to write).
- `check_large(amount, paid_on)`, `is_large(…)`: 大额党费 ≥ 1000.
- `parse_exemption(…)`, `check_exemption(Account, Exemption, pending)`: 少交/免交 applications.
- `check_inflow_payments(active, from_date, payments, today)`, `check_external_payments(…)`: 党费 of
  流入 members at the inflow organization (the inflow's window; outside members' separate ledger).
- `VERSIONS`, `rules_for(month)`, `load(directory)`: the rule versions (rules/rules_*.json).

docs/DUES.md has the rules table with sources and the decisions.
"""
from . import money
from .amounts import Base, MonthlyDue, monthly_due, parse_base, quarter_average
from .errors import DuesRefused
from .inflow import check_external_payments, check_inflow_payments
from .ledger import (
    EXEMPT,
    LAPSED,
    PAID,
    PAYMENT_LABELS,
    REDUCED,
    REPORT,
    STATUS_LABELS,
    UNPAID,
    Accepted,
    Account,
    Arrears,
    Branch,
    Exemption,
    MonthStatus,
    Payment,
    Statement,
    accept_payments,
    check_exemption,
    check_large,
    is_large,
    month_status,
    parse_exemption,
    parse_payment,
    statement,
)
from .months import Month, months
from .rules import VERSIONS, RuleSet, load, rules_for

__all__ = [
    "money", "Base", "MonthlyDue", "monthly_due", "parse_base", "quarter_average", "DuesRefused",
    "EXEMPT", "LAPSED", "PAID", "PAYMENT_LABELS", "REDUCED", "REPORT", "STATUS_LABELS", "UNPAID", "Accepted",
    "Account", "Arrears", "Branch", "Exemption", "MonthStatus", "Payment", "Statement", "accept_payments",
    "check_exemption", "check_large", "is_large", "month_status", "parse_exemption", "parse_payment", "statement",
    "check_external_payments", "check_inflow_payments", "Month", "months", "VERSIONS", "RuleSet", "load", "rules_for",
]
