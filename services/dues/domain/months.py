"""A calendar month (年月): what a due applies to. Ordered, `+ n` moves by months, "YYYY-MM"."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")
MONTH_FORMAT = "格式应为YYYY-MM（如2026-03）"


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, value) -> Month:
        """A month from "YYYY-MM" (or a Month); ValueError with a Chinese message otherwise."""
        if isinstance(value, Month):
            return value
        match = _YEAR_MONTH.fullmatch(value.strip()) if isinstance(value, str) else None
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1921:
            raise ValueError(MONTH_FORMAT)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __add__(self, months: int) -> Month:
        year, month = divmod(self.year * 12 + self.month - 1 + months, 12)
        return Month(year, month + 1)

    def __sub__(self, other):
        """`month - n` is a month; `month - month` the number of months between them."""
        if isinstance(other, Month):
            return (self.year - other.year) * 12 + self.month - other.month
        return self + (-other)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def quarter_start(self) -> Month:
        return Month(self.year, (self.month - 1) // 3 * 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def months(first: Month, last: Month) -> list[Month]:
    """Every month from `first` to `last`, both included (empty when last is before first)."""
    return [first + n for n in range(last - first + 1)]
