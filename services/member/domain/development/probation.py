"""Probation outcomes (预备期, RULES.md §2): 转正 (confirm), 延长预备期 (extend), 取消预备党员资格
(cancel). Each is a 支部大会 resolution (`meeting_on`) plus the higher organization's approval
(`approved_on`, within the version's limit after the meeting).

Works for any probationary member, with or without a development history in PMIS: the facts
are the date joined (the 支部大会 that accepted them) and the extensions already granted
(`machine.decide` for a member, the `confirm`/`extend`/`cancel` steps for an applicant's history).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import iso_date

from .checks import whole_number
from .rules import Probation, add_months

CONFIRM, EXTEND, CANCEL = "confirm", "extend", "cancel"
OUTCOMES = {CONFIRM: "按期转为正式党员", EXTEND: "延长预备期", CANCEL: "取消预备党员资格"}


@dataclass(frozen=True)
class ProbationFacts:
    """A probationary member: joined (支部大会通过) on `joined_on`, extended `extended_months`
    in total by `extensions` decisions."""
    joined_on: date
    extended_months: int = 0
    extensions: int = 0

    def ends(self, limits: Probation) -> date:
        """The day the probation ends (预备期满), extensions included."""
        return add_months(self.joined_on, limits.months + self.extended_months)


@dataclass(frozen=True)
class Decision:
    """The effect of an accepted outcome: `full_on` is the start of 党龄 (the day the probation
    ended, 细则: 党龄从预备期满转为正式党员之日算起); `probation_ends` the new end after an
    extension; `left_on` the day a cancellation takes effect (its approval)."""
    outcome: str
    full_on: date | None = None
    probation_ends: date | None = None
    left_on: date | None = None


def meeting_date(fields: Mapping) -> date:
    try:
        return iso_date(fields.get("meeting_on"))
    except ValueError as error:
        raise FieldErrors({"meeting_on": f"支部大会日期：{error}"}) from None


def months_field(fields: Mapping) -> int:
    value = whole_number(fields.get("months"))
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 120:
        raise FieldErrors({"months": "请填写延长的月数（整数）"})
    return value


def problems(facts: ProbationFacts, outcome: str, meeting_on: date, approved_on: date, months: int | None,
             limits: Probation) -> list[str]:
    """The refusals of one outcome, in Chinese (empty: it may be recorded)."""
    ends = facts.ends(limits)
    out = []
    if meeting_on < facts.joined_on:
        out.append(f"支部大会日期不能早于接收为预备党员的日期（{facts.joined_on.isoformat()}）")
    if approved_on < meeting_on:
        out.append("审批日期不能早于支部大会日期")
    elif approved_on > (last := add_months(meeting_on, limits.approval_within_months)):
        out.append(f"上级党组织应在支部大会后{limits.approval_within_months}个月内审批（最迟{last.isoformat()}）")
    if outcome in (CONFIRM, EXTEND) and meeting_on < ends:
        out.append(f"预备期满（{ends.isoformat()}）时才能讨论{OUTCOMES[outcome]}")
    if outcome == EXTEND:
        if facts.extensions >= limits.extensions:
            out.append(f"预备期只能延长{limits.extensions}次")
        if months is not None and not limits.extension_min_months <= months <= limits.extension_max_months:
            out.append(f"延长预备期不能少于{limits.extension_min_months}个月，"
                       f"最长不超过{limits.extension_max_months}个月")
    return out


def decision(facts: ProbationFacts, outcome: str, meeting_on: date, approved_on: date, months: int | None,
             limits: Probation) -> Decision:
    """What an accepted outcome changes (call `problems` first)."""
    if outcome == CONFIRM:
        return Decision(CONFIRM, full_on=facts.ends(limits))
    if outcome == EXTEND:
        return Decision(EXTEND, probation_ends=add_months(facts.ends(limits), months or 0))
    return Decision(CANCEL, left_on=approved_on)
