"""The route of a transfer (MANUALS.md §1.6, decided in docs/TRANSFERS.md): pure, from the org
directory's rows of the organizations above the sender and the target.

Sending branch → the nearest organization with approval rights at or above it (approves and
issues the letter) → the nearest one with rights at or above the target (approves, when it is
not the same) → the target (receives). 支部间转移 stays inside one such 党委: one approval, or
none when the clerk applying is that 党委 itself. 跨省/系统外 end at the sending 党委, which
records the paper receipt (the `receive` step is that record).
"""
from collections.abc import Mapping, Sequence

from services.shared.paths import path_ids

from .codes import (
    APPROVE,
    BETWEEN_BRANCHES,
    CURRENT,
    PAPER_KINDS,
    RECEIVE,
    RECEIVE_SIDE,
    SEND,
    SKIPPED,
    WAITING,
)

# 地方委员会 (县委 and above: their 组织部 may transfer nationwide), 党委, 党工委.
DEFAULT_APPROVING_TYPES = ("10", "11", "12")


class RouteProblem(ValueError):
    """No route can be drawn; `.message` is Chinese and `.field` the input to blame."""

    def __init__(self, message: str, field: str = "to_org_id"):
        super().__init__(message)
        self.message, self.field = message, field


class DirectoryBehind(RouteProblem):
    """The service's copy of the organization tree has not caught up with an organization yet (its
    event is on the way, e.g. right after a broker restart): the same request succeeds in a moment,
    so it is "unavailable, try again" (503), not a fault of the input."""


def chain(path: str, orgs: Mapping[int, Mapping]) -> list[Mapping]:
    """The directory rows from the root down to the organization of `path`."""
    missing = [org_id for org_id in path_ids(path) if org_id not in orgs]
    if missing:
        raise DirectoryBehind(f"党组织目录缺少编号为{missing[0]}的党组织，请稍后再试", "from_org_id")
    return [orgs[org_id] for org_id in path_ids(path)]


def can_approve(org: Mapping, rights: Mapping[int, bool]) -> bool:
    """Approval rights are data (transfer.approval_rights); by default every 党委/党工委 (and
    地方委员会) has them, and no branch has."""
    return rights.get(org["id"], org["type"] in DEFAULT_APPROVING_TYPES)


def nearest_approver(orgs: Sequence[Mapping], rights: Mapping[int, bool]) -> Mapping | None:
    """The nearest organization with rights, from the organization itself (last) upwards."""
    return next((org for org in reversed(orgs) if can_approve(org, rights)), None)


def _step(org: Mapping, action: str, side: str) -> dict:
    return {"org_id": org["id"], "org_name": org.get("name") or "", "action": action, "side": side,
            "state": WAITING, "handler": None, "handler_name": None, "opinion": None, "acted_at": None}


def levels_between(from_chain: Sequence[Mapping], to_chain: Sequence[Mapping], sender: Mapping,
                   receiver: Mapping, rights: Mapping[int, bool]) -> tuple[list[Mapping], list[Mapping]]:
    """逐级报批: the organizations with approval rights between the sending and the receiving 党委 —
    up from the sender to the common ancestor (included), then down from there to the receiver —
    as ([up…], [down…]). Neither the sender nor the receiver is among them."""
    depth = 0
    while depth < min(len(from_chain), len(to_chain)) and from_chain[depth]["id"] == to_chain[depth]["id"]:
        depth += 1  # from_chain[depth - 1] is the common ancestor
    at_sender = next(i for i, org in enumerate(from_chain) if org["id"] == sender["id"])
    at_receiver = next(i for i, org in enumerate(to_chain) if org["id"] == receiver["id"])
    skip = {sender["id"], receiver["id"]}
    up = [from_chain[i] for i in range(at_sender - 1, depth - 2, -1)
          if from_chain[i]["id"] not in skip and can_approve(from_chain[i], rights)]
    down = [to_chain[i] for i in range(depth, at_receiver)
            if to_chain[i]["id"] not in skip and can_approve(to_chain[i], rights)]
    return up, down


def compute_route(kind: str, from_chain: Sequence[Mapping], to_chain: Sequence[Mapping] | None,
                  rights: Mapping[int, bool], caller_scope: str = "", levels: bool = False) -> list[dict]:
    """The ordered steps (seq from 1) of a new transfer. `caller_scope`: the applying clerk's scope
    path; the sending approval is skipped when the clerk is that 党委 itself. `levels` (a
    deployment's rule, PMIS_TRANSFER_ROUTE=levels): between two 党委 every organization with
    approval rights up to the common ancestor and down again approves too (逐级报批)."""
    sender = nearest_approver(from_chain, rights)
    if sender is None:
        raise RouteProblem("转出党组织上级没有具有审批权的党委，无法生成转接路径", "member_id")
    steps = [_step(sender, APPROVE, SEND)]
    if kind in PAPER_KINDS:
        steps.append(_step(sender, RECEIVE, SEND))  # the paper receipt, recorded by the sender
    else:
        if not to_chain:
            raise RouteProblem("请选择接收党组织")
        target = to_chain[-1]
        receiver = nearest_approver(to_chain, rights)
        if kind == BETWEEN_BRANCHES and (receiver is None or receiver["id"] != sender["id"]):
            raise RouteProblem("支部间转移只能在同一基层党委内进行，其他情况请选择省内转接")
        if receiver is None:
            raise RouteProblem("接收党组织上级没有具有审批权的党委")
        if receiver["id"] != sender["id"]:
            if levels:
                up, down = levels_between(from_chain, to_chain, sender, receiver, rights)
                steps += [_step(org, APPROVE, SEND) for org in up]
                steps += [_step(org, APPROVE, RECEIVE_SIDE) for org in down]
            steps.append(_step(receiver, APPROVE, RECEIVE_SIDE))
        if steps[-1]["org_id"] == target["id"]:
            steps.pop()  # the receiving 党委 is the target: its 接收 is its approval
        steps.append(_step(target, RECEIVE, RECEIVE_SIDE))
    if caller_scope and caller_scope == sender["path"] and steps[0]["action"] == APPROVE \
            and steps[0]["org_id"] == sender["id"] and len(steps) > 1:
        steps[0]["state"] = SKIPPED  # the 党委 applies itself: 发起 is its approval
    for seq, step in enumerate(steps, start=1):
        step["seq"] = seq
    first = next(step for step in steps if step["state"] == WAITING)
    first["state"] = CURRENT
    return steps


KEYER = "keyer"  # a RouteProblem of the account keying in, not of an input (a 403)


def keying_org(to_chain: Sequence[Mapping], caller_scope: str, rights: Mapping[int, bool]) -> Mapping:
    """Who keys in a 线下转入: the organization of the caller's account, on the target's chain
    (the target is in its scope), with approval rights (a 组织部 of a 地方委员会, or a 党委 with
    预备党员审批权: MANUALS.md §1.10). The system scope keys in as the target's nearest approver."""
    if caller_scope == "/":
        keyer = nearest_approver(to_chain, rights)
    else:
        keyer = next((org for org in to_chain if org["path"] == caller_scope), None)
    if keyer is None or not can_approve(keyer, rights):
        raise RouteProblem("线下转入须由具有审批权的党委或县级以上组织部门录入", KEYER)
    return keyer


def compute_inbound_route(keyer: Mapping, to_chain: Sequence[Mapping], rights: Mapping[int, bool]) -> list[dict]:
    """线下转入: the keying organization (its 录入 is its approval: skipped) → the receiving 党委's
    approval when it is not the keyer → the target's 接收 (one step when the receiving 党委 is the
    target)."""
    if not to_chain:
        raise RouteProblem("请选择接收党组织")
    target, receiver = to_chain[-1], nearest_approver(to_chain, rights)
    steps = [{**_step(keyer, APPROVE, SEND), "state": SKIPPED}]
    if receiver is not None and receiver["id"] != keyer["id"] and receiver["id"] != target["id"]:
        steps.append(_step(receiver, APPROVE, RECEIVE_SIDE))
    steps.append(_step(target, RECEIVE, RECEIVE_SIDE))
    for seq, step in enumerate(steps, start=1):
        step["seq"] = seq
    steps[1]["state"] = CURRENT
    return steps


# --- 整建制转移: a whole organization goes under another parent ---------------------------------
# Branches are the tree's leaves (支部工作条例); the org service refuses them as parents too.
LEAF_TYPES = frozenset({"31", "32", "33"})


def whole_org_target_problem(org: Mapping, target: Mapping | None) -> str | None:
    """Why `target` cannot become the new parent of `org` (directory rows); None when it can."""
    if target is None or target["status"] == "deleted":
        return "新的上级党组织不存在"
    if target["path"].startswith(org["path"]):
        return "不能转移到本组织或其下级党组织之下"
    if target["id"] == org["parent_id"]:
        return f"该党组织已在“{target['name']}”之下"
    if target["status"] != "active":
        return f"“{target['name']}”已撤销，不能作为上级党组织"
    if target["type"] in LEAF_TYPES:
        return f"“{target['name']}”是党支部，不能设立下级党组织"
    return None


def whole_org_route(parent_chain: Sequence[Mapping], target_chain: Sequence[Mapping],
                    rights: Mapping[int, bool], caller_scope: str = "", levels: bool = False) -> list[dict]:
    """The route of 整建制转移: as 省内, from the organization's parent (the moving organization
    does not approve its own move) to the new parent, which receives."""
    return compute_route("whole_org", parent_chain, target_chain, rights, caller_scope, levels)


def counted_move(parent_chain: Sequence[Mapping], target_chain: Sequence[Mapping],
                 rights: Mapping[int, bool]) -> bool:
    """A move inside one 基层党委 (the same 党委 sends and receives) is internal, like 支部间转移:
    the annual report counts no 整建制转入/转出 for it."""
    sender, receiver = nearest_approver(parent_chain, rights), nearest_approver(target_chain, rights)
    return not (sender is not None and receiver is not None and sender["id"] == receiver["id"])
