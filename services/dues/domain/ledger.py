"""A member's dues ledger, pure: per month 应交 (after approved 少交/免交), 实交, status, and from
them arrears, the unpaid streak (3 → report, 6 → the 自行脱党 case) and 党费交至.

Months counted: from the month of the 支部大会 acceptance (art. 8: dues from that day, so that
month is due) or the branch's registration start month, whichever is later (earlier months are
outside PMIS: never arrears, taken as settled for 党费交至), to the month the member left the
rolls (due: on the rolls any day of it). A month is overdue once it is over, or once its quarter
is over where the branch allows quarterly payment (art. 12).
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import iso_date

from . import money
from .amounts import Base, MonthlyDue, monthly_due
from .errors import DuesRefused
from .months import Month, months
from .rules import VERSIONS, RuleSet, rules_for

PAID, UNPAID, REDUCED, EXEMPT = "paid", "unpaid", "reduced", "exempt"
STATUS_LABELS = {PAID: "已交", UNPAID: "未交", REDUCED: "少交", EXEMPT: "免交"}
ON_TIME, LATE, EARLY = "monthly", "late", "early"
PAYMENT_LABELS = {ON_TIME: "按月", LATE: "补交", EARLY: "预交"}
METHODS = {"self": "本人", "proxy": "代交"}
REPORT, LAPSED = "report", "lapsed"
REASON_MAX = 500
MAX_PAYMENTS = 60  # one member's payments judged at once (a year of 补交 plus a year of 预交 is 24)


@dataclass(frozen=True)
class Branch:
    """The branch's 系统设置: the month dues registration starts in PMIS, quarterly payment allowed."""
    registration_start: Month
    quarterly: bool = False


@dataclass(frozen=True)
class Payment:
    month: Month  # the month paid for
    amount: Decimal
    paid_on: date
    method: str = "self"


@dataclass(frozen=True)
class Exemption:
    """少交 (`reduce`: pay `amount` a month) or 免交 (`exempt`) from one month to another; only an
    approved one (上一级党委, art. 7) changes 应交."""
    from_month: Month
    to_month: Month
    kind: str  # reduce | exempt
    amount: Decimal | None = None
    approved: bool = False


@dataclass(frozen=True)
class Account:
    """What the rules need about a member: the 支部大会 acceptance date, the bases, payments and
    exemptions, the day they left the rolls (None: still on them), the day they came onto the
    rolls when later than the acceptance (a 预备党员 approved months after the meeting: the months
    waiting for approval are owed but do not start the unpaid streak)."""
    accepted_on: date
    bases: Sequence[Base] = ()
    payments: Sequence[Payment] = ()
    exemptions: Sequence[Exemption] = ()
    left_on: date | None = None
    on_rolls_on: date | None = None


@dataclass(frozen=True)
class MonthStatus:
    month: Month
    standard: MonthlyDue | None  # the due by the base (None: no base for the month)
    due: Decimal | None  # 应交 after an approved 少交/免交
    paid: Decimal
    paid_on: date | None  # the last payment's date
    status: str  # paid | unpaid | reduced | exempt (STATUS_LABELS)
    owed: Decimal  # due − paid when positive
    overdue: bool  # the month (or its quarter) is over
    problem: str | None = None  # why there is no due (no base, a refused base)

    @property
    def settled(self) -> bool:
        return self.status != UNPAID


@dataclass(frozen=True)
class Arrears:
    months: tuple[Month, ...]  # overdue months not settled
    amount: Decimal  # what they owe (months without a due count nothing)
    streak: int  # consecutive overdue months without any payment, up to the last overdue month
    streak_from: Month | None
    level: str | None  # None, "report" (3 months, local) or "lapsed" (6 months: 自行脱党 case, art. 13)


@dataclass(frozen=True)
class Statement:
    months: tuple[MonthStatus, ...]
    arrears: Arrears
    paid_to: Month | None  # 党费交至


def first_month(account: Account, branch: Branch) -> Month:
    return max(Month.of(account.accepted_on), branch.registration_start)


def _overdue(month: Month, as_of: Month, branch: Branch) -> bool:
    end = month.quarter_start + 2 if branch.quarterly else month
    return end < as_of


class _Ledger:
    """One account's facts indexed once (payments by month, bases by start month, approved
    exemptions), so a statement of many months stays linear."""

    def __init__(self, account: Account, branch: Branch, as_of: Month, versions: Sequence[RuleSet]):
        self.account, self.branch, self.as_of, self.versions = account, branch, as_of, versions
        self.payments = by_month(account.payments)
        ordered = sorted(enumerate(account.bases), key=lambda item: (item[1].from_month, item[0]))
        self.bases = [base for _, base in ordered]  # for one month, the last given is last
        self.starts = [_index(base.from_month) for base in self.bases]
        self.exemptions = [e for e in account.exemptions if e.approved]
        self.dues: dict = {}  # (base position, rule version) → MonthlyDue or the refusal, computed once

    def standard(self, month: Month) -> tuple[MonthlyDue | None, str | None]:
        """The due by the base in force in `month` (None and why when there is none)."""
        position = bisect_right(self.starts, _index(month)) - 1
        if position < 0:
            return None, "未核定党费基数"
        key = (position, rules_for(month, self.versions).version)
        if key not in self.dues:
            base = self.bases[position]
            try:
                self.dues[key] = monthly_due(base.kind, base.amount, month, self.versions)
            except DuesRefused as refused:
                self.dues[key] = refused.message
        found = self.dues[key]
        if isinstance(found, str):
            return None, found
        return MonthlyDue(month, found.kind, found.base, found.amount, found.bracket, found.rule_version), None

    def exemption(self, month: Month) -> Exemption | None:
        return next((e for e in self.exemptions if e.from_month <= month <= e.to_month), None)

    def row(self, month: Month) -> MonthStatus:
        payments = self.payments.get(month, [])
        paid = sum((p.amount for p in payments), money.ZERO)
        paid_on = max((p.paid_on for p in payments), default=None)
        standard, problem = self.standard(month)
        exemption = self.exemption(month)
        due = None if standard is None else standard.amount
        if exemption is not None and exemption.kind == "exempt":
            due, status = money.ZERO, EXEMPT
        else:
            if exemption is not None:
                due = exemption.amount if due is None else min(due, exemption.amount)
            covered = paid >= due if due is not None else paid > 0
            status = (REDUCED if exemption is not None else PAID) if covered else UNPAID
        owed = max(due - paid, money.ZERO) if due is not None else money.ZERO
        overdue = _overdue(month, self.as_of, self.branch)
        return MonthStatus(month, standard, due, paid, paid_on, status, owed, overdue, problem)


def _index(month: Month) -> int:
    return month.year * 12 + month.month


def by_month(payments: Sequence[Payment]) -> dict[Month, list[Payment]]:
    grouped = defaultdict(list)
    for payment in payments:
        grouped[payment.month].append(payment)
    return grouped


def month_status(account: Account, branch: Branch, month: Month, as_of: Month,
                 versions: Sequence[RuleSet] = VERSIONS) -> MonthStatus:
    """One month of the ledger (a branch's month: one call per member)."""
    return _Ledger(account, branch, as_of, versions).row(month)


def statement(account: Account, branch: Branch, as_of: Month, through: Month | None = None,
              versions: Sequence[RuleSet] = VERSIONS) -> Statement:
    """The ledger from the first counted month to `as_of` (the current month), further to the last
    prepaid month or `through` (a year view), never past the month the member left."""
    first = first_month(account, branch)
    last = max([as_of, *(p.month for p in account.payments), *([through] if through else [])])
    if account.left_on is not None:
        last = min(last, Month.of(account.left_on))
    ledger = _Ledger(account, branch, as_of, versions)
    rows = tuple(ledger.row(m) for m in months(first, last))
    return Statement(rows, arrears(account, branch, rows, as_of, versions), paid_to(rows, first, account))


def arrears(account: Account, branch: Branch, rows: Sequence[MonthStatus], as_of: Month,
            versions: Sequence[RuleSet] = VERSIONS) -> Arrears:
    owing = [row for row in rows if row.overdue and not row.settled]
    rules = rules_for(as_of, versions)
    streak_start = max(first_month(account, branch), Month.of(account.on_rolls_on or account.accepted_on))
    streak, since = 0, None
    for row in reversed([row for row in rows if row.overdue]):
        if row.settled or row.paid > 0 or row.month < streak_start:
            break
        streak, since = streak + 1, row.month
    level = LAPSED if streak >= rules.lapse_months else REPORT if streak >= rules.report_months else None
    return Arrears(tuple(row.month for row in owing), sum((row.owed for row in owing), money.ZERO),
                   streak, since, level)


def paid_to(rows: Sequence[MonthStatus], first: Month, account: Account) -> Month | None:
    """党费交至: the last month of the unbroken run of settled months from the first counted one
    (months before the branch's registration start are taken as settled); None when none."""
    last = first - 1 if first > Month.of(account.accepted_on) else None
    for row in rows:
        if not row.settled:
            break
        last = row.month
    return last


def parse_payment(month, amount, paid_on, method=None) -> Payment:
    """A payment from request input; FieldErrors (month, amount, paid_on, method)."""
    errors, values = {}, {}
    for name, check, value in (("month", Month.parse, month), ("amount", money.amount, amount),
                               ("paid_on", iso_date, paid_on)):
        try:
            values[name] = check(value)
        except ValueError as error:
            errors[name] = str(error)
    if method not in (None, "", *METHODS):
        errors["method"] = "交纳方式应为本人或代交"
    if errors:
        raise FieldErrors(errors)
    return Payment(values["month"], values["amount"], values["paid_on"], method or "self")


@dataclass(frozen=True)
class Accepted:
    payment: Payment
    kind: str  # monthly | late (补交) | early (预交)
    warnings: tuple[str, ...] = ()


def accept_payments(account: Account, branch: Branch, new: Sequence[Payment], today: date,
                    versions: Sequence[RuleSet] = VERSIONS) -> list[Accepted]:
    """Judges new payments of one member (a month, several 补交/预交 months, a quarter) in order,
    each against the ledger with the ones before it; all accepted or DuesRefused listing every
    reason (nothing is to be written)."""
    if len(new) > MAX_PAYMENTS:
        raise DuesRefused([f"一名党员一次最多登记{MAX_PAYMENTS}笔党费"])
    as_of, first = Month.of(today), first_month(account, branch)
    problems, accepted, ledger = [], [], _Ledger(account, branch, as_of, versions)
    for payment in new:
        reasons, kind, warnings = _judge(ledger, payment, today, first)
        problems += [f"{payment.month.label}：{reason}" for reason in reasons]
        if not reasons:
            accepted.append(Accepted(payment, kind, warnings))
            ledger.payments[payment.month].append(payment)
    if problems:
        raise DuesRefused(problems)
    return accepted


def _judge(ledger: _Ledger, payment: Payment, today: date, first: Month) -> tuple[list[str], str, tuple[str, ...]]:
    account, branch, as_of = ledger.account, ledger.branch, ledger.as_of
    month, rules = payment.month, rules_for(as_of, ledger.versions)
    if payment.paid_on > today:
        return ["交纳日期不能晚于今天"], ON_TIME, ()
    if payment.paid_on < account.accepted_on:
        return [f"交纳日期早于支部大会通过日期（{account.accepted_on.isoformat()}）"], ON_TIME, ()
    if month < Month.of(account.accepted_on):
        return [f"支部大会通过之前不需交纳党费（通过日期{account.accepted_on.isoformat()}）"], ON_TIME, ()
    if month < first:
        return [f"早于本支部党费登记开始月份（{branch.registration_start.label}），不在系统中登记"], ON_TIME, ()
    if account.left_on is not None and month > Month.of(account.left_on):
        return ["该党员此时已不在册"], ON_TIME, ()
    if month > as_of + rules.prepay_months:
        return [f"预交最多交到{(as_of + rules.prepay_months).label}"], ON_TIME, ()
    row = ledger.row(month)
    if row.status == EXEMPT:
        return ["该月已批准免交"], ON_TIME, ()
    if row.settled:
        return ["该月党费已交，不能重复登记"], ON_TIME, ()
    if row.due is not None and payment.amount - row.owed >= rules.large_dues_min:
        return [f"多交部分达到{money.shown(rules.large_dues_min)}元，应作为大额党费单独登记"], ON_TIME, ()
    start = month.quarter_start if branch.quarterly else month
    end = start + 2 if branch.quarterly else month
    paid_in = Month.of(payment.paid_on)
    kind = LATE if paid_in > end else EARLY if paid_in < start else ON_TIME
    warnings = ()
    if kind == LATE and paid_in - end > rules.backpay_months:
        warnings = (f"补交已超过{rules.backpay_months}个月（规定一般不超过{rules.backpay_months}个月）",)
    return [], kind, warnings


def check_large(amount: Decimal, paid_on: date, versions: Sequence[RuleSet] = VERSIONS) -> None:
    """大额党费 (art. 11): a voluntary single payment of at least the threshold (1000 元), recorded
    apart from monthly dues; DuesRefused below it."""
    minimum = rules_for(Month.of(paid_on), versions).large_dues_min
    if amount < minimum:
        raise DuesRefused([f"大额党费须一次交纳{money.shown(minimum)}元以上（含{money.shown(minimum)}元）；"
                           "少于此数请按月交纳登记"])


def is_large(amount: Decimal, paid_on: date, versions: Sequence[RuleSet] = VERSIONS) -> bool:
    return amount >= rules_for(Month.of(paid_on), versions).large_dues_min


def parse_exemption(from_month, to_month, kind, amount, reason, versions: Sequence[RuleSet] = VERSIONS) -> Exemption:
    """A 少交/免交 application from request input (not yet approved); FieldErrors per field."""
    errors, values = {}, {}
    for name, value in (("from_month", from_month), ("to_month", to_month)):
        try:
            values[name] = Month.parse(value)
        except ValueError as error:
            errors[name] = str(error)
    if kind not in ("reduce", "exempt"):
        errors["kind"] = "应为少交（reduce）或免交（exempt）"
    value = None
    if kind == "reduce":
        try:
            value = money.amount(amount)
        except ValueError as error:
            errors["amount"] = str(error)
    if not isinstance(reason, str) or not reason.strip():
        errors["reason"] = "请填写原因"
    elif len(reason.strip()) > REASON_MAX:
        errors["reason"] = f"原因不能超过{REASON_MAX}字"
    if "from_month" in values and "to_month" in values:
        start, end = values["from_month"], values["to_month"]
        longest = rules_for(start, versions).exemption_max_months
        if end < start:
            errors["to_month"] = "结束月份不能早于开始月份"
        elif end - start + 1 > longest:
            errors["to_month"] = f"一次申请最长{longest}个月"
    if errors:
        raise FieldErrors(errors)
    return Exemption(values["from_month"], values["to_month"], kind, value)


def check_exemption(account: Account, new: Exemption, pending: Sequence[Exemption] = ()) -> None:
    """DuesRefused when the period starts before dues start or overlaps an approved or pending one."""
    problems = []
    if new.from_month < Month.of(account.accepted_on):
        problems.append(f"开始月份早于支部大会通过的月份（{Month.of(account.accepted_on).label}）")
    for other in (*account.exemptions, *pending):
        if other.from_month <= new.to_month and new.from_month <= other.to_month:
            problems.append(f"与已有的少交/免交期间（{other.from_month.label}至{other.to_month.label}）重叠")
            break
    if problems:
        raise DuesRefused(problems)
