"""Which action is allowed in which state, on which step, and what it leaves behind: pure
functions over the transfer's state and its route (a list of step dicts). Each returns the new
(state, steps); the steps are copies. A refusal raises `Refused` (a 409 for the caller)."""
from collections.abc import Sequence
from datetime import date

from .codes import (
    APPROVE,
    APPROVING,
    CLOSED,
    CURRENT,
    DONE,
    ENDED,
    EXPIRED,
    INBOUND,
    MOVING,
    PAPER_KINDS,
    RECEIVE,
    RECEIVE_SIDE,
    RECEIVED,
    RECEIVING,
    RETURNED,
    REVOKED,
    SKIPPED,
    STATE_NAMES,
    STEP_RETURNED,
    TO_RECEIVE,
    WAITING,
    WHOLE_ORG,
)


class Refused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _copy(steps: Sequence[dict]) -> list[dict]:
    return [dict(step) for step in steps]


def current_step(steps: Sequence[dict]) -> dict | None:
    return next((step for step in steps if step["state"] == CURRENT), None)


def state_of_step(step: dict | None) -> str:
    """The transfer's state while `step` is current."""
    return TO_RECEIVE if step is not None and step["action"] == RECEIVE else APPROVING


def _require_state(state: str, allowed: Sequence[str], doing: str) -> None:
    if state not in allowed:
        raise Refused(f"该转接当前为“{STATE_NAMES.get(state, state)}”，不能{doing}")


def _act(steps: Sequence[dict], action: str, actor: dict, opinion: str | None, at: str) -> tuple[list[dict], dict]:
    steps = _copy(steps)
    step = current_step(steps)
    if step is None or step["action"] != action:
        raise Refused("当前步骤不是" + ("审批" if action == APPROVE else "接收"))
    step.update(state=DONE, handler=actor.get("user_id"), handler_name=actor.get("username"), opinion=opinion,
                acted_at=at)
    return steps, step


def _next(steps: list[dict], at: str) -> dict | None:
    following = next((step for step in steps if step["state"] == WAITING), None)
    if following is not None:
        following["state"], following["since"] = CURRENT, at
    return following


def approve(state: str, steps: Sequence[dict], actor: dict, opinion: str | None, at: str) -> tuple[str, list[dict]]:
    _require_state(state, (APPROVING,), "审批")
    steps, _ = _act(steps, APPROVE, actor, opinion, at)
    return state_of_step(_next(steps, at)), steps


def receive(state: str, steps: Sequence[dict], kind: str, actor: dict, at: str) -> tuple[str, list[dict]]:
    """接收 (in-system kinds): the member service is asked to move the member (state receiving)."""
    _require_state(state, (TO_RECEIVE,), "接收")
    if kind in PAPER_KINDS:
        raise Refused("跨省和转到系统外的转接由转出党委登记回执，不在本系统接收")
    steps, _ = _act(steps, RECEIVE, actor, None, at)
    return RECEIVING, steps


def record_receipt(state: str, steps: Sequence[dict], kind: str, actor: dict, at: str) -> tuple[str, list[dict]]:
    """The paper receipt of a 跨省/系统外 transfer came back: the member leaves the rolls."""
    _require_state(state, (TO_RECEIVE,), "登记回执")
    if kind not in PAPER_KINDS:
        raise Refused("系统内转接在接收时自动生成回执，无需登记")
    steps, _ = _act(steps, RECEIVE, actor, None, at)
    return RECEIVING, steps


def return_(state: str, steps: Sequence[dict], actor: dict, reason: str, at: str) -> tuple[str, list[dict]]:
    """退回 by the current step's organization, back to the sender (who may 重新发起)."""
    _require_state(state, MOVING, "退回")
    steps = _copy(steps)
    step = current_step(steps)
    step.update(state=STEP_RETURNED, handler=actor.get("user_id"), handler_name=actor.get("username"),
                opinion=reason, acted_at=at)
    return RETURNED, steps


def receiving_side_acted(steps: Sequence[dict]) -> bool:
    return any(step["side"] == RECEIVE_SIDE and step["state"] == DONE for step in steps)


def revoke(state: str, steps: Sequence[dict]) -> str:
    """撤销 by the sender, until the receiving side has acted (a transfer returned to the sender
    or expired is the sender's again)."""
    _require_state(state, (APPROVING, TO_RECEIVE, RETURNED, EXPIRED), "撤销")
    if state in MOVING and receiving_side_acted(steps):
        raise Refused("接收方已经办理，不能撤销")
    return REVOKED


def require_reapply(state: str, kind: str = "within") -> None:
    if kind == INBOUND:
        raise Refused("线下转入不能重新发起：请撤销后重新录入")
    _require_state(state, (RETURNED, EXPIRED), "重新发起（只有已退回或已超期的转接可以重新发起）")


def expiring_states(kind: str) -> tuple[str, ...]:
    """Where the letter's validity still matters. A paper letter (跨省, 系统外) in 待接收 has left
    with the member: the receiver's 回执 may come back after the validity (within a month of
    接收), so it waits for the receipt; a missing one shows on the supervision list instead."""
    return (APPROVING,) if kind in PAPER_KINDS else MOVING


def is_overdue(state: str, valid_until: date | None, today: date, kind: str = "within") -> bool:
    """The letter's validity ran out before the member was received (超期)."""
    return state in expiring_states(kind) and valid_until is not None and today > valid_until


def expire(state: str, valid_until: date | None, today: date, kind: str = "within") -> str:
    if not is_overdue(state, valid_until, today, kind):
        raise Refused("介绍信尚在有效期内")
    return EXPIRED


RECEIPT_DAYS = 30  # a 回执 is returned within one month (RULES.md §4)


def receipt_missing(state: str, kind: str, valid_until: date | None, today: date) -> bool:
    """A paper letter whose receipt has not come back a month after the letter's validity: on
    the supervision list (督查)."""
    return kind in PAPER_KINDS and state == TO_RECEIVE and valid_until is not None \
        and (today - valid_until).days > RECEIPT_DAYS


def transferred(state: str) -> str | None:
    """member_transferred: the member moved; None when already applied (nothing to do)."""
    if state == RECEIVING:
        return RECEIVED
    return None


def transfer_refused(state: str, steps: Sequence[dict], at: str) -> tuple[str, list[dict]] | None:
    """member_transfer_refused (compensation): back to 待接收 with the receive step current again."""
    if state != RECEIVING:
        return None
    steps = _copy(steps)
    step = next(step for step in reversed(steps) if step["action"] == RECEIVE)
    step.update(state=CURRENT, handler=None, handler_name=None, opinion=None, acted_at=None, since=at)
    return TO_RECEIVE, steps


def close(state: str) -> str:
    """异常办结 (by an administrator above both sides); not while the member service is moving
    the member (the saga's answer decides that)."""
    _require_state(state, (APPROVING, TO_RECEIVE, RETURNED, EXPIRED), "异常办结")
    return CLOSED


def stop_route(steps: Sequence[dict]) -> list[dict]:
    """An ended transfer's steps that will never come: skipped."""
    return [{**step, "state": SKIPPED} if step["state"] in (CURRENT, WAITING) else dict(step) for step in steps]


def reroute(state: str, old: Sequence[dict], new: Sequence[dict], at: str) -> tuple[str, list[dict]]:
    """路径变更 while in flight: the new target's route, keeping the sending side's approvals
    already given where the new route has the same step; the first step not done is current."""
    _require_state(state, MOVING, "变更接收党组织")
    if receiving_side_acted(old):
        raise Refused("接收方已经办理，不能变更接收党组织，请退回后重新发起")
    steps = _copy(new)
    for step, before in zip(steps, old):
        if (step["org_id"], step["action"], step["side"]) != (before["org_id"], before["action"], before["side"]):
            break
        if before["state"] in (DONE, SKIPPED):
            step.update({key: before.get(key) for key in ("state", "handler", "handler_name", "opinion", "acted_at")})
    for step in steps:
        if step["state"] == CURRENT:
            step["state"] = WAITING
    following = next(step for step in steps if step["state"] == WAITING)
    following["state"], following["since"] = CURRENT, at
    return state_of_step(following), steps


def allowed_actions(state: str, steps: Sequence[dict], kind: str, covers_current: bool,
                    covers_sender: bool, covers_both: bool = False) -> list[str]:
    """What a caller may do now (for the page's buttons; the commands check again)."""
    actions = []
    step = current_step(steps)
    if state in MOVING and step is not None and covers_current:
        if step["action"] == APPROVE:
            actions.append("approve")
        elif kind in PAPER_KINDS:
            actions.append("record_receipt")
        else:
            actions.append("receive")
        actions.append("return")
    if covers_sender:
        if state in (RETURNED, EXPIRED) and kind not in (INBOUND, WHOLE_ORG):  # 整建制: revoke and apply again
            actions.append("reapply")
        if state in (RETURNED, EXPIRED) or state in MOVING and not receiving_side_acted(steps):
            actions.append("revoke")
        if state in MOVING and kind not in (*PAPER_KINDS, INBOUND, WHOLE_ORG) and not receiving_side_acted(steps):
            actions.append("reroute")
    if covers_both and state in (APPROVING, TO_RECEIVE, RETURNED, EXPIRED):
        actions.append("close")
    return actions


def is_ended(state: str) -> bool:
    return state in ENDED
