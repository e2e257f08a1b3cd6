"""How a member follows a transfer (组织关系转接) of the transfer service. Pure.

The transfer service owns the workflow; the member service only learns, by events, that a
member is in transit (转出中), that the transfer ended without a move, or that it must now move
the member to the receiving organization. Events arrive in any order and any number of times:
a state is taken only from an event of a newer transfer version, and a transfer that moved the
member is final.

A 跨省 or 系统外 transfer (its paper 回执 recorded) moves the member out of this system: they
leave the active rolls as 组织关系转出 (leave kind 40) on the receipt's date.
"""
from collections.abc import Mapping
from datetime import date

from services.shared.codes import LEAVE_KINDS, TRANSFERRED_OUT

from . import status

IN_TRANSIT, ENDED, MOVED = "in_transit", "ended", "moved"
APPLIED, ENDED_EVENT, RECEIVING = "transfer_applied", "transfer_ended", "transfer_receiving"
RECEIVED = "transfer_received"  # a member's own transfer has moved them by then; a 整建制转移 ends with it
STATE_AFTER = {APPLIED: IN_TRANSIT, ENDED_EVENT: ENDED, RECEIVED: ENDED}

ACTION = "transferred"  # the history line's action
ORG_LABEL = "所在党组织"
LEAVING_KINDS = frozenset({"cross_province", "outside"})  # 跨省, 系统外: out of this system
OUTSIDE_UNNAMED = "本系统外"  # a receiving side not named in the event


def leaves_the_rolls(kind) -> bool:
    return kind in LEAVING_KINDS


def outside_target(text) -> str:
    """The receiving side outside this system as a person reads it."""
    return str(text).strip() if text and str(text).strip() else OUTSIDE_UNNAMED


def next_state(current: tuple[str, int] | None, event_type: str, version: int) -> str | None:
    """The state a transfer_applied / transfer_ended of `version` leaves the member's record of
    that transfer in, given the one recorded (`current`: (state, version) or None); None when
    the event is older than what is recorded, or the transfer already moved the member."""
    if current is not None:
        state, seen = current
        if state == MOVED or version <= seen:
            return None
    return STATE_AFTER[event_type]


def member_refusal(member: Mapping | None) -> str | None:
    """Why the member cannot be received anywhere (deleted, not on the rolls), or None."""
    if member is None:
        return "党员信息已删除，无法办理接收"
    if member["status"] != "active":
        kind = member.get("leave_kind")
        name = LEAVE_KINDS.name(kind) if kind in LEAVE_KINDS else "离开党员队伍"
        return f"该党员已{name}，不在党员名册中，无法办理接收"
    return None


def refusal(member: Mapping | None, target: Mapping | None) -> str | None:
    """Why the member cannot be moved to the receiving organization (Chinese, for the
    transfer's history), or None. `target` is the directory's row (None: deleted)."""
    if (why := member_refusal(member)) is not None:
        return why
    if target is None or target["status"] == "deleted":
        return "接收党组织已删除，无法办理接收"
    if target["status"] != "active":
        return f"接收党组织“{target['name']}”已撤销，无法办理接收"
    return None


def history_changes(from_name: str, to_name: str, effective_on: str, branch_joined_before) -> list[dict]:
    """The member's history line of the move: the organization (names: a person reads it as
    "从 X 转入 Y") and the date of joining the new branch (进入支部日期), which is the move's."""
    changes = [{"field": "org_id", "label": ORG_LABEL, "old": from_name, "new": to_name}]
    before = branch_joined_before.isoformat() if branch_joined_before is not None else None
    if before != effective_on:
        changes.append({"field": "branch_joined_on", "label": "进入支部日期", "old": before, "new": effective_on})
    return changes



def left_state(effective_on: date, target: str) -> dict:
    """The member's state once transferred out of this system to `target` (text)."""
    return status.left_state({"kind": TRANSFERRED_OUT, "date": effective_on, "reason": f"组织关系转出至{target}"})


def leave_history_changes(from_name: str, target: str, state: Mapping) -> list[dict]:
    """The member's history line of leaving this system: 组织关系转出至 <target>, and the
    党籍 it leaves them in (历史（组织关系转出，date）)."""
    return [{"field": "org_id", "label": ORG_LABEL, "old": from_name, "new": state["leave_reason"]},
            {"field": "status", "label": "党籍状态", "old": status.STATUS_NAMES[status.ACTIVE],
             "new": status.describe(state)}]
