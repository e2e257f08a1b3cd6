"""上缴: what an organization remitted of the dues it collected to its higher organization (docs/DUES.md,
"上缴"), pure: the period remitted for, the input's checks, and the figures a higher 党委 compares
(实交 of the period by the subtree, 上缴, 差额).

A period is a month ("2026-03"), a quarter ("2026-Q1": the 总支 remits quarterly, MANUALS §4.2), a
half-year ("2026-H1") or a year ("2026") — local rules remit half-yearly or a share of the year's total
once a year. One organization's periods never overlap: a period is remitted once (a correction replaces
the record). A period may be remitted once it has begun and something was collected in it, and for no
more than was collected (the organization keeps its share by local rule; PMIS does not judge the 差额).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import iso_date, optional_text

from . import money
from .errors import DuesRefused
from .months import Month, months

_PERIOD = re.compile(r"(\d{4})(?:-(?:(\d{2})|([QqHh])(\d)))?")
PERIOD_FORMAT = "期间格式应为 YYYY-MM（月）、YYYY-Qn（季度）、YYYY-Hn（半年）或 YYYY（全年），如 2026-Q1"
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
HALF_NAMES = {1: "上半年", 2: "下半年"}
RECEIPT_MAX, NOTE_MAX = 40, 500


@dataclass(frozen=True, order=True)
class Period:
    """The months a remittance is for: `first` to `last`, within one calendar year."""
    first: Month
    last: Month

    @classmethod
    def parse(cls, value) -> Period:
        """A period from its text; ValueError (Chinese) otherwise."""
        if isinstance(value, Period):
            return value
        text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""
        match = _PERIOD.fullmatch(text)
        if not match or int(match.group(1)) < 1921:
            raise ValueError(PERIOD_FORMAT)
        year, month, kind, number = int(match.group(1)), match.group(2), (match.group(3) or "").upper(), match.group(4)
        if month is not None:
            if not 1 <= int(month) <= 12:
                raise ValueError(PERIOD_FORMAT)
            return cls(Month(year, int(month)), Month(year, int(month)))
        if kind == "Q" and 1 <= int(number) <= 4:
            first = Month(year, 3 * int(number) - 2)
            return cls(first, first + 2)
        if kind == "H" and 1 <= int(number) <= 2:
            first = Month(year, 6 * int(number) - 5)
            return cls(first, first + 5)
        if not kind:
            return cls(Month(year, 1), Month(year, 12))
        raise ValueError(PERIOD_FORMAT)

    @classmethod
    def of(cls, first: date, last: date) -> Period:
        """A stored period (its months' first days)."""
        return cls(Month.of(first), Month.of(last))

    @property
    def kind(self) -> str:
        return {1: "month", 3: "quarter", 6: "half", 12: "year"}[self.last - self.first + 1]

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def months(self) -> list[Month]:
        return months(self.first, self.last)

    @property
    def label(self) -> str:
        kind = self.kind
        if kind == "month":
            return self.first.label
        if kind == "quarter":
            return f"{self.year}年{QUARTER_NAMES[(self.first.month + 2) // 3]}"
        if kind == "half":
            return f"{self.year}年{HALF_NAMES[(self.first.month + 5) // 6]}"
        return f"{self.year}年全年"

    def within(self, other: Period) -> bool:
        return other.first <= self.first and self.last <= other.last

    def overlaps(self, other: Period) -> bool:
        return self.first <= other.last and other.first <= self.last

    def __str__(self) -> str:
        kind = self.kind
        if kind == "month":
            return str(self.first)
        if kind == "quarter":
            return f"{self.year:04d}-Q{(self.first.month + 2) // 3}"
        if kind == "half":
            return f"{self.year:04d}-H{(self.first.month + 5) // 6}"
        return f"{self.year:04d}"


def quarters(year: int) -> list[Period]:
    return [Period.parse(f"{year:04d}-Q{n}") for n in range(1, 5)]


def choices(year: int, taken: Iterable[Period], as_of: Month) -> list[dict]:
    """The periods of a year an organization may pick for a new remittance (begun by `as_of`):
    months, quarters, half-years and the year, each with whether an active one overlaps it."""
    taken = list(taken)
    found = [Period.parse(f"{year:04d}-{n:02d}") for n in range(1, 13)] + quarters(year) + [
        Period.parse(f"{year:04d}-H{n}") for n in (1, 2)] + [Period.parse(f"{year:04d}")]
    return [{"period": str(period), "label": period.label, "taken": any(period.overlaps(t) for t in taken)}
            for period in found if period.first <= as_of]


@dataclass(frozen=True)
class Remittance:
    """An organization's remittance as entered (not yet judged against what it collected)."""
    period: Period
    amount: Decimal
    remitted_on: date
    receipt_no: str | None = None
    note: str | None = None


def parse_remittance(period, amount, remitted_on, receipt_no=None, note=None) -> Remittance:
    """A remittance from request input; FieldErrors (period, amount, remitted_on, receipt_no, note)."""
    errors, values = {}, {}
    for name, check, value in (("period", Period.parse, period), ("amount", money.amount, amount),
                               ("remitted_on", iso_date, remitted_on),
                               ("receipt_no", lambda v: optional_text(v, RECEIPT_MAX), receipt_no),
                               ("note", lambda v: optional_text(v, NOTE_MAX), note)):
        try:
            values[name] = check(value)
        except ValueError as error:
            errors[name] = str(error)
    if errors:
        raise FieldErrors(errors)
    return Remittance(**values)


def check_remittance(new: Remittance, collected: Decimal, active: Iterable[Period], today: date) -> None:
    """Whether `new` may be recorded: the period has begun, the day is neither in the future nor
    before the period, no active remittance of the organization overlaps it, something was
    collected in it and no more than that is remitted. DuesRefused lists every reason."""
    period, problems = new.period, []
    if period.first > Month.of(today):
        problems.append(f"{period.label}尚未开始，不能登记上缴")
    if new.remitted_on > today:
        problems.append("上缴日期不能晚于今天")
    elif new.remitted_on < period.first.first_day:
        problems.append(f"上缴日期早于所缴期间（{period.label}）")
    for other in sorted(active):
        if other == period:
            problems.append(f"{period.label}的上缴已登记，不能重复登记（如需更正，请更正或作废原记录）")
        elif other.overlaps(period):
            problems.append(f"{period.label}与已登记的{other.label}上缴重叠，同一月份只能上缴一次")
    if period.first <= Month.of(today):
        if collected <= 0:
            problems.append(f"本组织（含下级）{period.label}尚未收缴党费，不能登记上缴")
        elif new.amount > collected:
            problems.append(f"上缴金额{money.shown(new.amount)}元超过{period.label}实交党费"
                            f"{money.shown(collected)}元")
    if problems:
        raise DuesRefused(problems)


def collected_in(period: Period, paid_by_month: dict[Month, Decimal]) -> Decimal:
    """实交 of a period: the sum of its months' 实交 (the counters' `paid`, by the month paid for)."""
    return sum((Decimal(paid_by_month.get(month, 0)) for month in period.months), money.ZERO)


@dataclass(frozen=True)
class Standing:
    """A period's 实交, 上缴 (of it confirmed by the receiving organization) and 差额 (实交 − 上缴)."""
    period: Period
    collected: Decimal
    remitted: Decimal
    confirmed: Decimal
    pending: int  # remittances not confirmed yet

    @property
    def difference(self) -> Decimal:
        return self.collected - self.remitted


def standing(period: Period, paid_by_month: dict[Month, Decimal],
             remitted: Sequence[tuple[Period, Decimal, bool]]) -> Standing:
    """The figures of `period` from the months' 实交 and the active remittances (period, amount,
    confirmed): those whose period lies within it count (a year's remittance is not split into
    quarters)."""
    inside = [(amount, confirmed) for other, amount, confirmed in remitted if other.within(period)]
    return Standing(period, collected_in(period, paid_by_month),
                    sum((amount for amount, _ in inside), money.ZERO),
                    sum((amount for amount, confirmed in inside if confirmed), money.ZERO),
                    sum(1 for _, confirmed in inside if not confirmed))


def previous_quarter(as_of: Month) -> Period:
    """The last quarter over by `as_of` (the month now): the 上缴 reminder's period (the 总支 remits
    quarterly, MANUALS §4.2)."""
    first = as_of.quarter_start - 3
    return Period(first, first + 2)


def unremitted(period: Period, paid_by_month: dict[Month, Decimal], active: Iterable[Period]) -> list[Month]:
    """The months of `period` with 实交 that no active remittance covers (by month, quarter, half-year or
    year): empty when the period is remitted or nothing was collected in it (nothing to remit)."""
    active = list(active)
    return [month for month in period.months if Decimal(paid_by_month.get(month, 0)) > 0
            and not any(other.first <= month <= other.last for other in active)]
