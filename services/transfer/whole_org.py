"""整建制转移 (a whole organization with its subtree and members goes under another parent):
发起 through the same route and states as a member's 省内 transfer, one letter with the members'
list attached. On 接收 the org service moves the organization (the saga: org_transfer_receiving →
org_moved with `transfer` → 已接收, or org_transfer_refused → back to 待接收); members stay in
their organizations and follow the move by the existing projections. docs/TRANSFERS.md."""
from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from services.shared.bulk import copy_rows
from services.shared.context import Caller
from services.shared.errors import Conflict

from . import store
from .commands import emit, stamp_route
from .domain import states
from .domain.codes import WHOLE_ORG
from .domain.validation import valid_until
from .events import TRANSFER_APPLIED, applied_payload
from .models import moved_members, org_directory, transfers
from .planning import OrgPlan, draw_org

IN_FLIGHT = store.ORG_IN_FLIGHT


def _members_in_transit(session, path: str) -> int:
    """Members of the subtree whose own transfer is in flight (out of it or into it)."""
    under = select(org_directory.c.id).where(org_directory.c.path.startswith(path, autoescape=True))
    return session.execute(select(func.count()).select_from(transfers).where(
        transfers.c.kind != WHOLE_ORG, transfers.c.state.in_(IN_FLIGHT),
        transfers.c.from_org_id.in_(under) | transfers.c.to_org_id.in_(under))).scalar_one()


def _refuse_if_held(session, drawn: OrgPlan) -> None:
    held = store.whole_org_holds(session, drawn.org["path"], below=True)
    if held:
        raise Conflict(f"“{held[0].name}”正在办理整建制转移（转接编号{held[0].id}），请办结后再发起")
    busy = _members_in_transit(session, drawn.org["path"])
    if busy:
        raise Conflict(f"该党组织有{busy}名党员正在办理组织关系转接，请办结后再整建制转移",
                       {"org_id": "有党员正在转接"})


def apply_org(sessions: sessionmaker, caller: Caller, roster: Callable[[int], list[dict]], org_id, raw,
              find_org) -> dict:
    """发起 a 整建制转移 of `org_id` {to_parent_id, reason, …}: at most one in flight per
    organization (and none above or below it); the subtree's members listed for the letter."""
    drawn = draw_org(sessions, caller, org_id, raw, find_org)
    with sessions() as session:
        _refuse_if_held(session, drawn)  # before paging the roster; checked again under the insert
    members = roster(drawn.org["id"])
    data, today, route = drawn.data, date.today(), stamp_route(drawn.route)
    with sessions.begin() as session:
        _refuse_if_held(session, drawn)
        values = {"member_id": None, "org_id": drawn.org["id"], "kind": WHOLE_ORG, "member_name": drawn.org["name"],
                  "member": {"org_name": drawn.org["name"], "org_code": drawn.org.get("code"),
                             "member_count": len(members), "counted": drawn.counted},
                  "from_org_id": drawn.parent["id"], "to_org_id": drawn.target["id"],
                  "state": states.state_of_step(states.current_step(route)), "reason": data["reason"],
                  "valid_days": data["valid_days"], "applied_on": today,
                  "valid_until": valid_until(today, data["valid_days"]), "phone": data.get("phone"),
                  "address": data.get("address"), "postcode": data.get("postcode"),
                  "sender_phone": data.get("sender_phone"), "sender_fax": data.get("sender_fax"),
                  "letter_no": store.next_letter_no(session, today), "created_by": caller.user_id,
                  "history": [store.history_entry(caller, "applied", drawn.parent["id"],
                                                  f"整建制转移“{drawn.org['name']}”（{len(members)}名党员）")]}
        try:
            with session.begin_nested():
                transfer_id = session.execute(transfers.insert().values(**values)
                                              .returning(transfers.c.id)).scalar_one()
        except IntegrityError:
            raise Conflict("该党组织已有正在办理的整建制转移") from None  # a concurrent 发起 won
        store.save_steps(session, transfer_id, route)
        copy_rows(session, moved_members, [
            {"transfer_id": transfer_id, "seq": seq, "member_id": member["id"], "name": member["name"],
             "org_id": member["org_id"]} for seq, member in enumerate(members, start=1)])
        row = store.load_transfer(session, transfer_id)
        # The org service holds the organization from this event on (its transit projection);
        # the member service passes it by (no member: planning refuses the subtree's members).
        emit(session, caller, TRANSFER_APPLIED, row, applied_payload(row))
        return store.view(row, route, store.route_orgs(session, row, route), caller)
