"""批量添加: one work post, 民主评议 grade or training added to many members at once (2013 manual,
人员批量添加 — the first two sets; PMIS adds 培训情况); pure.

The request is checked whole first (a bad value refuses the batch); then each chosen member is
decided on their own: accepted, or refused with the reason (not in the organization's subtree,
in history, the row's rules — e.g. already graded for that year, a post starting before birth).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.shared.field_errors import FieldErrors

from .info_sets import BATCH_SETS, INFO_SETS, InfoSet, MemberDates, validate_row

MAX_MEMBERS = 500
# The loosest member (born 1900, joined 1921) checks the values themselves, before any member.
_ANY_MEMBER = MemberDates(birth_date=date(1900, 1, 1), joined_on=date(1921, 7, 1))


@dataclass(frozen=True)
class Candidate:
    member_id: int
    name: str
    in_subtree: bool
    active: bool
    dates: MemberDates
    rows: tuple  # the member's rows of the batch's set (mappings)


def parse_request(data, today: date | None = None) -> tuple[InfoSet, dict, list[int]]:
    """{"info_set", "values", "member_ids"} → (set, normalized values, distinct ids in order)."""
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors: dict[str, str] = {}
    spec = INFO_SETS.get(data.get("info_set")) if data.get("info_set") in BATCH_SETS else None
    if spec is None:
        errors["info_set"] = "批量添加只适用于" + "、".join(f"{INFO_SETS[key].label}（{key}）" for key in BATCH_SETS)
    ids = data.get("member_ids")
    member_ids: list[int] = []
    if not isinstance(ids, list) or not ids:
        errors["member_ids"] = "请选择要添加信息的党员"
    elif not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
        errors["member_ids"] = "党员编号应为正整数"
    else:
        member_ids = list(dict.fromkeys(ids))
        if len(member_ids) > MAX_MEMBERS:
            errors["member_ids"] = f"一次最多为{MAX_MEMBERS}名党员添加"
    values: dict = {}
    if spec is not None:
        try:
            values = validate_row(spec, data.get("values") if isinstance(data.get("values"), Mapping) else {},
                                  _ANY_MEMBER, today)
        except FieldErrors as exc:
            errors.update(exc.fields)
    if errors:
        raise FieldErrors(errors)
    return spec, values, member_ids


def decide(spec: InfoSet, values: dict, member_ids: list[int], candidates: Mapping[int, Candidate],
           today: date | None = None) -> tuple[list[dict], list[dict]]:
    """(accepted, refused): {"member_id", "name"} each, refused ones with a "reason"."""
    accepted, refused = [], []
    for member_id in member_ids:
        candidate = candidates.get(member_id)
        reason = None
        if candidate is None:
            reason = "党员不存在"
        elif not candidate.in_subtree:
            reason = "不在本组织及下级党组织中"
        elif not candidate.active:
            reason = "已不在党员名册中（历史党员）"
        else:
            try:
                validate_row(spec, values, candidate.dates, today, candidate.rows)
            except FieldErrors as exc:
                reason = "；".join(exc.fields.values())
        # A member outside the subtree is not named: they may be outside the caller's scope too.
        entry = {"member_id": member_id, "name": candidate.name if candidate and candidate.in_subtree else ""}
        (refused if reason else accepted).append({**entry, "reason": reason} if reason else entry)
    return accepted, refused
