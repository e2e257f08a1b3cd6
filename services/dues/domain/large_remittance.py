"""大额党费 上缴: an organization hands the 大额党费 it holds up in full (RULES §1: 大额党费 goes entirely
to the Centre), level by level; pure (docs/DUES.md, "大额党费 上缴").

An organization holds a 大额党费 recorded at it or below until it forwards it; each level records its own
forwarding (a branch to its 党委, the 党委 to the level above …, the root to the Centre). A record covers
chosen payments (by default every one it still holds) and its amount must equal their sum to the fen:
大额党费 is handed up whole, never a share.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import iso_date, optional_text

from . import money
from .errors import DuesRefused

VOUCHER_MAX, NOTE_MAX, IDS_MAX = 40, 500, 500
OVERDUE_DAYS = 30  # 工作督查: held longer than this without being forwarded


@dataclass(frozen=True)
class Held:
    """A 大额党费 payment as the forwarding organization sees it."""
    id: int
    amount: Decimal
    paid_on: date
    receipt_no: str = ""


@dataclass(frozen=True)
class LargeRemittance:
    remitted_on: date
    amount: Decimal
    voucher_no: str
    note: str | None
    payment_ids: tuple[int, ...] | None  # None: every payment the organization holds


class LargeRefused(DuesRefused):
    """A refusal with its kind: `forwarded` (already handed up by this level), `amount` (not the sum),
    `date` (before a payment was made), `empty` (nothing to forward)."""

    def __init__(self, kind: str, messages: list[str]):
        self.kind = kind
        super().__init__(messages)


def _ids(value) -> tuple[int, ...] | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or len(value) > IDS_MAX:
        raise ValueError(f"应为大额党费记录编号的列表（至多{IDS_MAX}笔）")
    ids = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, str)) or not str(item).strip().isdigit():
            raise ValueError("大额党费记录编号应为正整数")
        number = int(str(item).strip())
        if not 1 <= number < 2**63:
            raise ValueError("大额党费记录编号应为正整数")
        if number not in ids:
            ids.append(number)
    if not ids:  # omitted means every payment held; an empty choice is a mistake, not "all"
        raise ValueError("请选择要上缴的大额党费")
    return tuple(ids)


def parse_large_remittance(remitted_on, amount, voucher_no, note=None, payment_ids=None) -> LargeRemittance:
    """The record from request input; FieldErrors (remitted_on, amount, voucher_no, note, payment_ids)."""
    errors, values = {}, {}
    for name, check, value in (("remitted_on", iso_date, remitted_on), ("amount", money.amount, amount),
                               ("voucher_no", lambda v: optional_text(v, VOUCHER_MAX), voucher_no),
                               ("note", lambda v: optional_text(v, NOTE_MAX), note),
                               ("payment_ids", _ids, payment_ids)):
        try:
            values[name] = check(value)
        except ValueError as error:
            errors[name] = str(error)
    if "voucher_no" not in errors and not values.get("voucher_no"):
        errors["voucher_no"] = "请填写收据（凭证）号"
    if errors:
        raise FieldErrors(errors)
    return LargeRemittance(**values)


def check_large_remittance(new: LargeRemittance, chosen: Sequence[Held], forwarded: Iterable[int],
                           today: date) -> Decimal:
    """Whether `new` may be recorded over `chosen` (the payments it covers, all held by the organization):
    none already forwarded by this organization, something to forward, dated neither in the future nor
    before any payment was made, and the amount exactly their sum. Returns the sum; LargeRefused with the
    first kind that fails (already forwarded before a mismatch: a retry is not a wrong sum)."""
    forwarded = set(forwarded)
    again = [held for held in chosen if held.id in forwarded]
    if again:
        raise LargeRefused("forwarded", [f"收据号{held.receipt_no or held.id}的大额党费本组织已上缴，不能重复上缴"
                                         for held in again])
    if not chosen:
        raise LargeRefused("empty", ["本组织没有未上缴的大额党费"])
    total = sum((held.amount for held in chosen), money.ZERO)
    problems = []
    if new.remitted_on > today:
        problems.append("上缴日期不能晚于今天")
    latest = max(held.paid_on for held in chosen)
    if new.remitted_on < latest:
        problems.append(f"上缴日期早于所缴大额党费的交纳日期（{latest.isoformat()}）")
    if problems:
        raise LargeRefused("date", problems)
    if new.amount != total:
        raise LargeRefused("amount", [f"上缴金额{money.shown(new.amount)}元与所选{len(chosen)}笔大额党费的合计"
                                      f"{money.shown(total)}元不一致：大额党费须全额上缴"])
    return total


def overdue_before(today: date, days: int = OVERDUE_DAYS) -> date:
    """A payment made before this day and still held is overdue (held more than `days` days: 工作督查)."""
    return today - timedelta(days=days)


def overdue(paid_on: date, today: date, days: int = OVERDUE_DAYS) -> bool:
    return paid_on < overdue_before(today, days)
