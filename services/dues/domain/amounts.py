"""The monthly amount (应交) of one member for one month: pure, by the rule version in force in
that month. Bracket kinds multiply the whole base by their bracket's rate and round once;
fixed kinds pay their amount (农民: the amount the branch set, within the range)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from services.shared.field_errors import FieldErrors

from . import money
from .errors import DuesRefused
from .months import Month
from .rules import VERSIONS, RuleSet, rules_for


@dataclass(frozen=True)
class Base:
    """A member's dues base (基数) from a month on, until the next one: the kind and the amount
    (the after-tax pay, pension, month's pay or quarter average; for 农民 the monthly amount the
    branch set; None for the other fixed kinds)."""
    kind: str
    amount: Decimal | None
    from_month: Month


@dataclass(frozen=True)
class MonthlyDue:
    month: Month
    kind: str
    base: Decimal | None
    amount: Decimal
    bracket: str  # the bracket or fixed amount used, in Chinese
    rule_version: str


def monthly_due(kind: str, base: Decimal | None, month: Month, versions: Sequence[RuleSet] = VERSIONS) -> MonthlyDue:
    """应交 for `month`: (amount, bracket used, rule version). DuesRefused when the kind does not
    exist in that month's version, a 农民 amount is outside its range, or a base is missing or
    so small that its due rounds to nothing (such a member is a fixed kind or applies for 免交)."""
    rules = rules_for(month, versions)
    rule = rules.kinds.get(kind)
    if rule is None:
        raise DuesRefused([f"{rules.title}中没有这个党费类别"])
    if rule.fixed is not None:
        low, high = rule.fixed
        amount = low if low == high else base
        if amount is None or not low <= amount <= high:
            raise DuesRefused([f"{rule.fixed_label}，请填写{money.shown(low)}到{money.shown(high)}之间的金额"])
        return MonthlyDue(month, kind, base, amount.quantize(money.FEN), rule.fixed_label, rules.version)
    if base is None or base <= 0:
        raise DuesRefused([f"请填写{rule.label}党员的交纳基数"])
    bracket = rule.table.bracket(base)
    amount = money.round_to(base * bracket.rate, rules.quantum, rules.rounding)
    if amount <= 0:
        raise DuesRefused([f"基数{money.shown(base)}元过小，按比例应交不足{money.shown(rules.quantum)}元；"
                           "请按实际情况选择党员类别或申请免交"])
    return MonthlyDue(month, kind, base, amount, f"{rule.table.label}{bracket.label}", rules.version)


def parse_base(kind, amount, from_month, versions: Sequence[RuleSet] = VERSIONS) -> tuple[Base, MonthlyDue]:
    """A base from request input (`PUT …/dues/base`) and its due in its first month.
    FieldErrors (kind, amount, from_month) for malformed input; DuesRefused from `monthly_due`."""
    errors = {}
    known = {name for rules in versions for name in rules.kinds}
    if not isinstance(kind, str) or kind not in known:
        errors["kind"] = "未知的党费类别"
    try:
        month = Month.parse(from_month)
    except ValueError as error:
        errors["from_month"] = str(error)
    value = None
    needs_amount = "kind" not in errors and any(rules.kinds[kind].needs_amount
                                                 for rules in versions if kind in rules.kinds)
    if needs_amount or amount not in (None, ""):
        try:
            value = money.amount(amount)
        except ValueError as error:
            errors["amount"] = str(error)
    if errors:
        raise FieldErrors(errors)
    base = Base(kind, value, month)
    return base, monthly_due(kind, value, month, versions)


def quarter_average(incomes: Mapping[Month, Decimal], month: Month, versions: Sequence[RuleSet] = VERSIONS) -> Base:
    """个体 (art. 4): the base for `month`'s quarter is the average monthly net income of the quarter
    before, rounded like dues; DuesRefused naming the months missing. A loss month is entered as 0."""
    start = month.quarter_start
    previous = [start - 3 + n for n in range(3)]
    missing = [m.label for m in previous if m not in incomes]
    if missing:
        raise DuesRefused([f"缺少{'、'.join(missing)}的纯收入，无法计算上季度月平均纯收入"])
    rules = rules_for(start, versions)
    average = money.round_to(sum((incomes[m] for m in previous), Decimal(0)) / 3, rules.quantum, rules.rounding)
    return Base("self_employed", average, start)
