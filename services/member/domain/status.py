"""党籍: a member is on the active rolls (在册) or in history (历史), and how they move between.

Pure rules (RULES.md §9, decrease reasons other than transfers):
- leaving: 死亡, the 出党 kinds (开除党籍, 劝退除名, 自行脱党除名, 退党除名, 取消预备党员资格 — the
  last only for a probationary member) and 停止党籍, each with a date (not in the future, not
  before the member joined) and a reason (required for 出党: it records a decision);
- 找回: back to the active rolls, for a member who really left and is brought back (a stopped
  membership restored, a 取消预备党员资格 overturned…) — counted in the annual report (the
  leaving in its year, the return as 恢复党籍 or 其他 in its own); members who left by 开除党籍 or
  a 除名 "generally cannot have their membership restored" (they may apply to join again);
- 回退: undo the last status change not yet undone (a leave or a 找回), whatever its kind —
  the way to take back a mistaken entry;
- 组织关系转出 (a 跨省/系统外 transfer completed, services/member/transfers.py) is recorded only
  by the transfer: no clerk records it by 减少, and it is neither found back nor undone (a member
  who comes back is received by a transfer in).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.shared.codes import CLERK_LEAVE_KINDS, LEAVE_KIND_GROUPS, LEAVE_KINDS, TRANSFERRED_OUT, return_increase
from services.shared.field_errors import FieldErrors, RuleViolation
from services.shared.field_rules import blank, code_value, iso_date, optional_text, version

ACTIVE, LEFT = "active", "left"
STATUS_NAMES = {ACTIVE: "在册", LEFT: "历史"}

DEATH, EXPELLED, PERSUADED, LAPSED, WITHDREW, PROBATION_CANCELLED, SUSPENDED = (
    "10", "21", "22", "23", "24", "25", "30")
KIND_GROUPS = LEAVE_KIND_GROUPS
REASON_REQUIRED = frozenset(kind for kind, group in KIND_GROUPS.items() if group == "出党")
NOT_RESTORABLE = frozenset({EXPELLED, PERSUADED, LAPSED, WITHDREW})
PROBATIONARY = "02"
REASON_MAX = 500
BY_TRANSFER_ONLY = "组织关系转出须通过组织关系转接办理"
TRANSFERRED_OUT_FINAL = "经组织关系转接转出的党员不能{}；如其转回，请办理转入"

ACTIVE_STATE = {"status": ACTIVE, "leave_kind": None, "left_on": None, "leave_reason": None}
STATE_FIELDS = tuple(ACTIVE_STATE)


class TransitionRefused(RuleViolation):
    """A status change the member's current standing does not allow."""


@dataclass(frozen=True)
class Standing:
    """What the rules need to know about a member."""
    status: str
    category: str
    joined_on: date
    leave_kind: str | None = None
    left_on: date | None = None
    leave_reason: str | None = None

    @classmethod
    def of(cls, row) -> Standing:
        return cls(row.status, row.category, row.joined_on, row.leave_kind, row.left_on, row.leave_reason)

    def state(self) -> dict:
        return {field: getattr(self, field) for field in STATE_FIELDS}


@dataclass(frozen=True)
class StatusChange:
    """A recorded change: from/to status, the leave kind involved, and the state before it."""
    from_status: str
    to_status: str
    kind: str | None
    prior: dict


def kind_group(kind: str | None) -> str | None:
    return KIND_GROUPS.get(kind)


def describe(state: Mapping) -> str:
    """在册, or 历史（死亡，2024-05-01）."""
    if state["status"] != LEFT:
        return STATUS_NAMES.get(state["status"], state["status"])
    left_on = state["left_on"]
    return f"历史（{LEAVE_KINDS.name(state['leave_kind'])}，{left_on.isoformat() if left_on else '日期不详'}）"


def plain_state(state: Mapping) -> dict:
    """A state as JSON-plain values (dates as ISO text), for storing with a change."""
    return {field: state[field].isoformat() if isinstance(state[field], date) else state[field]
            for field in STATE_FIELDS}


def state_from_plain(plain: Mapping) -> dict:
    state = {field: plain.get(field) for field in STATE_FIELDS}
    if state["left_on"] is not None:
        state["left_on"] = date.fromisoformat(state["left_on"])
    return state


def _optional_version(data: Mapping, errors: dict) -> int | None:
    """A status change may name the version it was decided on (the web form does); then it
    must still be current."""
    if blank(data.get("version")):
        return None
    try:
        return version(data.get("version"))
    except ValueError as e:
        errors["version"] = str(e)
        return None


def _reason(data: Mapping, errors: dict, required: bool, required_message: str) -> str | None:
    try:
        reason = optional_text(data.get("reason"), REASON_MAX)
    except ValueError as e:
        errors["reason"] = str(e)
        return None
    if reason is None and required:
        errors["reason"] = required_message
    return reason


def _date_between(value, earliest: date | None, earliest_name: str, today: date, errors: dict,
                  default: date | None = None) -> date | None:
    try:
        day = default if blank(value) and default is not None else iso_date(value)
        if day > today:
            raise ValueError("日期不能晚于今天")
        if earliest is not None and day < earliest:
            raise ValueError(f"日期不能早于{earliest_name}（{earliest.isoformat()}）")
        return day
    except ValueError as e:
        errors["date"] = str(e)
        return None


def _mapping(data) -> Mapping:
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    return data


# --- leaving ---------------------------------------------------------------------------------

def validate_leave(data, member: Standing, today: date | None = None) -> dict:
    """{"kind", "date", "reason"[, "version"]} → normalized values; every bad field at once."""
    data, today, errors = _mapping(data), today or date.today(), {}
    kind = None
    try:
        kind = code_value(data.get("kind"), LEAVE_KINDS, "未知的减少类型")
        if kind not in CLERK_LEAVE_KINDS:
            raise ValueError(BY_TRANSFER_ONLY)
        if kind == PROBATION_CANCELLED and member.category != PROBATIONARY:
            raise ValueError("取消预备党员资格只适用于预备党员")
    except ValueError as e:
        errors["kind"] = str(e)
    day = _date_between(data.get("date"), member.joined_on, "入党日期", today, errors)
    reason = _reason(data, errors, kind in REASON_REQUIRED, "出党须填写原因（如处分决定）")
    read_version = _optional_version(data, errors)
    if errors:
        raise FieldErrors(errors)
    return {"kind": kind, "date": day, "reason": reason, "version": read_version}


def check_leave(member: Standing) -> None:
    if member.status != ACTIVE:
        raise TransitionRefused(f"该党员已是{describe(member.state())}党员，不能再办理减少")


def left_state(change: Mapping) -> dict:
    return {"status": LEFT, "leave_kind": change["kind"], "left_on": change["date"], "leave_reason": change["reason"]}


# --- 找回 -------------------------------------------------------------------------------------

def validate_restore(data, member: Standing, today: date | None = None) -> dict:
    """{"date"?, "reason"?, "version"?}: the date defaults to today and may not precede the
    date the member left."""
    data, today, errors = _mapping(data), today or date.today(), {}
    day = _date_between(data.get("date"), member.left_on, "离开日期", today, errors, default=today)
    reason = _reason(data, errors, False, "")
    read_version = _optional_version(data, errors)
    if errors:
        raise FieldErrors(errors)
    return {"date": day, "reason": reason, "version": read_version}


def check_restore(member: Standing) -> None:
    if member.status != LEFT:
        raise TransitionRefused("该党员在党员名册中，无需找回")
    if member.leave_kind == TRANSFERRED_OUT:
        raise TransitionRefused(TRANSFERRED_OUT_FINAL.format("找回"))
    if member.leave_kind in NOT_RESTORABLE:
        raise TransitionRefused(
            f"因{LEAVE_KINDS.name(member.leave_kind)}离开党员队伍的，一般不能恢复党籍，不能找回（可重新申请入党）；"
            "如系误操作，可回退最后一次党籍变动")


# --- 回退 -------------------------------------------------------------------------------------

def validate_undo(data) -> dict:
    data, errors = _mapping(data), {}
    read_version = _optional_version(data, errors)
    if errors:
        raise FieldErrors(errors)
    return {"version": read_version}


def check_undo(member: Standing, last: StatusChange | None) -> dict:
    """The state 回退 puts back: the one before the last change not yet undone."""
    if last is None:
        raise TransitionRefused("该党员没有可回退的党籍变动")
    if last.to_status == LEFT and last.kind == TRANSFERRED_OUT:
        raise TransitionRefused(TRANSFERRED_OUT_FINAL.format("回退"))
    if last.to_status == ACTIVE and last.kind == TRANSFERRED_OUT:  # taken back by a 线下转入
        raise TransitionRefused("经组织关系转接转入的党员不能回退；如转入有误，请办理组织关系转出")
    if member.status != last.to_status:
        raise TransitionRefused("党员当前状态与最后一次党籍变动不一致，不能回退")
    return state_from_plain(last.prior)


def undo_label(last: StatusChange) -> str:
    if last.to_status == LEFT:
        return f"撤销“{LEAVE_KINDS.name(last.kind)}”，恢复为在册党员"
    return f"撤销找回，恢复为历史党员（{LEAVE_KINDS.name(last.kind)}）"


# --- 找回 or 回退: what each means for the annual report ------------------------------------------
# 回退 corrects a mistaken entry: the leaving is taken back as if never recorded, and the report
# keeps no trace of it (the member's facts lose the change: stats/domain/counters.py). 找回 is a
# real return: the leaving stays in its year's report and the return counts as an increase in its
# own year — 恢复党籍 or 其他 as codes.return_increase says, named in that increase's name list
# (member/name_lists.py). A clerk about to 找回 a leaving that was recorded recently — this year,
# or by the clerk — is most likely correcting a mistake: point to 回退.

UNDO_MEANING = ("回退：更正误录，撤销最后一次党籍变动（减少或找回），如同从未录入，不在年报中留下任何记录"
                "（既不计减少，也不计增加）。")
RESTORE_MEANING = ("找回：党员确曾离开、现经组织认定回到党员队伍。原减少仍计入当年年报；"
                   "找回计入年报的党员增加（找回当年）：停止党籍、取消预备党员资格后找回计为“恢复党籍”，死亡后找回计为“其他”，并列入年报相应的名单。")
RESTORE_COUNTS_AS = {"restore": "恢复党籍", "other": "其他"}  # table 1's columns under 增加党员


def leave_undone(before: Mapping | None, after: Mapping | None) -> bool:
    """Whether a member_updated event's facts (before → after) are the 回退 of a leave: back on the
    rolls with no new absence — a 找回 (or a 线下转入 after a 转出) adds one. What a leave caused
    elsewhere (a committee post closed: org/terms.py; an outflow closed with its inflow:
    transfer/mobility_commands.py) is taken back on a 回退, and stays on a 找回."""
    before, after = before or {}, after or {}
    return (before.get("status") == LEFT and after.get("status") == ACTIVE
            and len(after.get("absences") or ()) == len(before.get("absences") or ()))


def restore_counts_as(kind: str | None) -> str | None:
    """The 增加党员 column of table 1 a 找回 from `kind` counts in (None: counted as a 转入)."""
    return RESTORE_COUNTS_AS.get(return_increase(kind))


def restore_hint(last: Mapping | None, today: date, username: str) -> str | None:
    """The notice beside 找回 when the leaving looks like a mistake to correct with 回退: `last`
    is the newest status change as the card lists it ({action, kind, kind_name, at, actor_name,
    undone}); None when there is nothing to point to."""
    if not last or last.get("action") != "leave" or last.get("undone"):
        return None
    recorded = date.fromisoformat(str(last["at"])[:10])
    by_you = bool(username) and last.get("actor_name") == username
    if not (by_you or recorded.year == today.year or last.get("kind") == DEATH):
        return None
    who = "您" if by_you else (last.get("actor_name") or "他人")
    lead = "死亡不会真实恢复。" if last.get("kind") == DEATH else ""
    return (f"该党员的“{last.get('kind_name')}”是{who}于{recorded.isoformat()}录入的。{lead}"
            "如果是误录，请使用“回退”更正：回退不在年报中留下任何记录；“找回”表示真实恢复，会计入年报的党员增加。")


# --- what a card offers -----------------------------------------------------------------------

def allowed_actions(member: Standing, last: StatusChange | None) -> dict:
    """Which status changes the member's card offers, and why not when refused."""
    actions = {"leave": member.status == ACTIVE, "restore": False, "restore_refused": None,
               "undo": False, "undo_label": None}
    if member.status == LEFT:
        try:
            check_restore(member)
            actions["restore"] = True
        except TransitionRefused as refused:
            actions["restore_refused"] = refused.message
    try:
        check_undo(member, last)
        actions["undo"], actions["undo_label"] = True, undo_label(last)
    except TransitionRefused:
        pass
    return actions


# --- absences (for the annual report) ----------------------------------------------------------

def absences(changes) -> list[list]:
    """[[kind, left_on, back_on], …]: each time the member left and was brought back by 找回,
    from their status changes not undone, in order (rows with to_status, kind, changed_on). The
    report counts the leaving in its year (e.g. 停止党籍), the return in its own (恢复党籍), and
    the member in neither year end between; a leave not (yet) followed by a return is the
    member's current state, not an absence."""
    result, away = [], None
    for change in changes:
        if change.to_status == LEFT:
            away = change
        elif change.to_status == ACTIVE and away is not None:
            result.append([away.kind, away.changed_on.isoformat(), change.changed_on.isoformat()])
            away = None
    return result
