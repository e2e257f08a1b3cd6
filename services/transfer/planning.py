"""Drawing a transfer before it is written: the input checked, the member asked of the member
service (scope-checked there too) and checked (校核), the organizations found in the directory,
the route computed. Shared by 发起, 预览 and 重新发起 (commands.py and queries.py)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import sessionmaker

from services.shared.config import setting
from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, NotFound, PmisError, Unavailable, ValidationFailed, validated
from services.shared.org_directory import DELETED

from . import store
from .domain import route as routes
from .domain.codes import IN_SYSTEM_KINDS, KINDS
from .domain.validation import valid_until, validate_apply, validate_org_apply

ACTIVE = "active"
# 校核 also lists last year's missing 民主评议 grade: a yearly record, not the card's information a
# letter carries, so it does not hold a transfer back.
NOT_BLOCKING = {"evaluations"}


class Members:
    """What the transfer service asks of the member service (by RPC: member never calls transfer),
    and of the dues service the member's 党费交至 (`paid_to(member_id)` → "YYYY-MM" or None; dues
    never calls transfer either)."""

    def __init__(self, get_member, check_member, check_inbound=None, paid_to=None):
        self.get_member, self.check_member, self._check_inbound = get_member, check_member, check_inbound
        self._paid_to = paid_to

    def paid_to(self, member_id) -> str | None:
        """党费交至 as the dues service has it; None when it has none (or the id is no number)."""
        if self._paid_to is None or not str(member_id).strip().isdigit():
            return None
        try:
            return self._paid_to(int(str(member_id).strip()))
        except NotFound:  # not in the dues service's projection yet (or no such member: refused below)
            return None

    def check_inbound(self, data: dict) -> dict:
        """A 线下转入's member form checked by the member service's rules (400/409 from there):
        the snapshot the transfer keeps. Its fields are named as in the request (member.id_number…)."""
        try:
            return self._check_inbound(data)
        except (ValidationFailed, Conflict) as error:
            fields = {key if key == "org_id" else f"member.{key}": text for key, text in error.fields.items()}
            raise type(error)(error.message, fields) from None

    def get(self, member_id: int) -> dict:
        try:
            return self.get_member(member_id)
        except NotFound:
            raise ValidationFailed("党员不存在", {"member_id": "党员不存在"}) from None

    def problems(self, member_id: int) -> list[dict]:
        return self.check_member(member_id)["problems"]


@dataclass
class Plan:
    data: dict
    member: dict
    from_org: dict
    to_org: dict | None
    route: list[dict]

    def snapshot(self) -> dict:
        """The member as the letter shows them (a letter is a document of its day)."""
        keys = ("name", "sex_name", "birth_date", "ethnicity_name", "category", "category_name", "id_number")
        return {key: self.member.get(key) for key in keys}


ROUTE_RULES = {"nearest": False, "levels": True}


def route_refusal(problem: routes.RouteProblem, field: str) -> PmisError:
    """A route that cannot be drawn: the input's fault (400 on `field`), or the directory not caught up yet (503)."""
    if isinstance(problem, routes.DirectoryBehind):
        return Unavailable(problem.message)
    return ValidationFailed(problem.message, {field: problem.message})


def route_levels() -> bool:
    """The deployment's route rule (PMIS_TRANSFER_ROUTE): `nearest` — the sending and the
    receiving 党委 only; `levels` — 逐级报批 through every level up to the common ancestor."""
    rule = setting("PMIS_TRANSFER_ROUTE")
    if rule not in ROUTE_RULES:
        raise ValueError(f"PMIS_TRANSFER_ROUTE 应为 nearest 或 levels，而不是 {rule!r}")
    return ROUTE_RULES[rule]


def member_ready(members: Members, member: dict) -> None:
    """On the active rolls, with every required field (校核: a Chinese list of what is missing)."""
    if member.get("status") != ACTIVE:
        raise ValidationFailed("该党员不在正式党员名册中，不能转出", {"member_id": "党员已不在名册中"})
    missing = [problem for problem in members.problems(member["id"]) if problem.get("kind") == "missing"
               and problem.get("field") not in NOT_BLOCKING]
    if missing:
        names = "、".join(problem.get("field_name") or problem["field"] for problem in missing)
        raise ValidationFailed(f"该党员信息不完整，不能转出，请先补全：{names}",
                               {"member_id": f"信息不完整：{names}"})


def target(orgs: dict, data: dict, from_org: dict) -> dict | None:
    if data["kind"] not in IN_SYSTEM_KINDS:
        return None
    org = orgs.get(data["to_org_id"])
    if org is None or org["status"] == DELETED:
        raise ValidationFailed("接收党组织不存在", {"to_org_id": "党组织不存在"})
    if org["status"] != ACTIVE:
        raise ValidationFailed(f"党组织“{org['name']}”已撤销，不能接收党员", {"to_org_id": "党组织已撤销"})
    if org["id"] == from_org["id"]:
        raise ValidationFailed("接收党组织就是该党员现在的党组织", {"to_org_id": "与转出党组织相同"})
    return org


def plan(sessions: sessionmaker, caller: Caller, members: Members, raw, find_org) -> Plan:
    """`find_org(org_id)`: the directory's row, asked of the org service when not projected yet."""
    with sessions() as session:
        reasons = store.reason_table(session)
    if isinstance(raw, dict) and not str(raw.get("dues_paid_to") or "").strip():
        # The letter's 党费交至 comes from the dues service unless the clerk gives it.
        raw = {**raw, "dues_paid_to": members.paid_to(raw.get("member_id"))}
    data = validated(lambda d: validate_apply(d, reasons), raw, "转接")
    return draw(sessions, caller, members, data, find_org)


def draw(sessions: sessionmaker, caller: Caller, members: Members, data: dict, find_org) -> Plan:
    member = members.get(data["member_id"])
    member_ready(members, member)
    for org_id in (member["org_id"], data.get("to_org_id")):
        if org_id is not None:
            try:
                find_org(org_id)  # projected now if it was not (a just-created organization)
            except (NotFound, Forbidden):
                pass
    with sessions() as session:
        found = store.org_rows(session, [member["org_id"], data.get("to_org_id")])
        from_org = found.get(member["org_id"])
        if from_org is None:
            raise ValidationFailed("党员所在党组织不存在", {"member_id": "所在党组织不存在"})
        caller.require(from_org["path"], "该党员所在党组织")
        held = store.whole_org_holds(session, from_org["path"])
        if held:
            raise Conflict(f"该党员所在的“{held[0].name}”正在办理整建制转移（转接编号{held[0].id}），"
                           "其党员随组织转移，不能单独转出", {"member_id": "所在党组织正在整建制转移"})
        to_org = target(found, data, from_org)
        ids = routes.path_ids(from_org["path"]) + (routes.path_ids(to_org["path"]) if to_org else [])
        orgs = store.org_rows(session, ids)
        rights = store.rights_of(session, ids)
    try:
        from_chain = routes.chain(from_org["path"], orgs)
        to_chain = routes.chain(to_org["path"], orgs) if to_org else None
        route = routes.compute_route(data["kind"], from_chain, to_chain, rights, caller.scope_path,
                                     route_levels())
    except routes.RouteProblem as problem:
        raise route_refusal(problem, problem.field) from None
    return Plan(data, member, from_org, to_org, route)


def preview_view(plan: Plan, today: date) -> dict:
    """What the clerk checks before 确认发起: the route and the letter's fields (number not yet given)."""
    data = plan.data
    until = valid_until(today, data.get("valid_days"))
    return {
        "member_id": plan.member["id"], "member_name": plan.member["name"], "kind": data["kind"],
        "kind_name": KINDS.name(data["kind"]), "from_org_id": plan.from_org["id"],
        "from_org_name": plan.from_org["name"], "to_org_id": plan.to_org["id"] if plan.to_org else None,
        "to_org_name": plan.to_org["name"] if plan.to_org else store.outside_name(data.get("to_outside")),
        "valid_until": until.isoformat() if until else None,
        "dues_paid_to": data.get("dues_paid_to"),  # the clerk's, or the dues service's when left out
        "route": [{**step, "org_name": step["org_name"]} for step in plan.route],
    }


# --- 整建制转移 ---------------------------------------------------------------------------------

@dataclass
class OrgPlan:
    data: dict
    org: dict
    parent: dict
    target: dict
    route: list[dict]
    counted: bool  # not a move inside one 基层党委 (routes.counted_move)


def draw_org(sessions: sessionmaker, caller: Caller, org_id, raw, find_org) -> OrgPlan:
    """整建制转移 of `org_id` under `to_parent_id`: applied by an account above the organization (as
    移动: not by the organization's own), to any active non-branch organization outside its
    subtree; the route as 省内 from its parent's 党委 to the new parent's."""
    with sessions() as session:
        reasons = store.reason_table(session)  # the 转接原因 code table as it stands
    data = validated(lambda d: validate_org_apply(d, reasons), raw, "整建制转移")
    org_id = store.org_id_or_not_found(org_id)
    for wanted in (org_id, data["to_parent_id"]):
        try:
            find_org(wanted)  # projected now if it was not (a just-created organization)
        except (NotFound, Forbidden):
            pass
    with sessions() as session:
        found = store.org_rows(session, [org_id, data["to_parent_id"]])
        org = found.get(org_id)
        if org is None or org["status"] == DELETED:
            raise NotFound("党组织不存在")
        caller.require(org["path"], "该党组织")
        if org["parent_id"] is None:
            raise Conflict("根党组织不能整建制转移")
        if caller.scope_path == org["path"]:
            raise Forbidden("整建制转移须由上级党组织的账号发起，不能由本组织的账号发起")
        if org["status"] != ACTIVE:
            raise Conflict(f"党组织“{org['name']}”已撤销，不能整建制转移")
        target_org = found.get(data["to_parent_id"])
        problem = routes.whole_org_target_problem(org, target_org)
        if problem:
            raise ValidationFailed(problem, {"to_parent_id": problem})
        ids = routes.path_ids(org["path"])[:-1] + routes.path_ids(target_org["path"])
        orgs = store.org_rows(session, ids)
        rights = store.rights_of(session, ids)
    try:
        parent_chain = routes.chain(org["path"][:org["path"].rstrip("/").rfind("/") + 1], orgs)
        target_chain = routes.chain(target_org["path"], orgs)
        route = routes.whole_org_route(parent_chain, target_chain, rights, caller.scope_path, route_levels())
    except routes.RouteProblem as problem:
        raise route_refusal(problem, "to_parent_id") from None
    return OrgPlan(data, org, parent_chain[-1], target_org, route,
                   routes.counted_move(parent_chain, target_chain, rights))


def org_preview_view(plan: OrgPlan, today: date, member_count: int | None = None) -> dict:
    """What the clerk checks before 确认发起 of a 整建制转移."""
    until = valid_until(today, plan.data.get("valid_days"))
    return {"kind": plan.data["kind"], "kind_name": KINDS.name(plan.data["kind"]), "org_id": plan.org["id"],
            "org_name": plan.org["name"], "from_org_id": plan.parent["id"], "from_org_name": plan.parent["name"],
            "to_org_id": plan.target["id"], "to_org_name": plan.target["name"], "member_count": member_count,
            "counted": plan.counted, "valid_until": until.isoformat() if until else None, "route": plan.route}
