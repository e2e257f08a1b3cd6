"""线下转入 (非建库, docs/TRANSFERS.md "Receiving from outside"): a county-level organization
department keys in a person who arrived with a paper letter and routes them to the receiving
branch. The member service checks the keyed-in data by its own rules first (`check_inbound`:
ID number, required fields, an existing member with the same number); the transfer holds that
data as its snapshot, and on 接收 the member service creates the member (or takes back the
record of one who left by 组织关系转出) from `transfer_receiving`, as for any 接收."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed, validated

from . import store
from .commands import stamp_route
from .domain import route as routes
from .domain import states
from .domain.codes import HISTORY_ACTIONS, INBOUND, OPEN, STATE_NAMES
from .domain.validation import validate_inbound
from .models import transfers
from .planning import ACTIVE, Members, route_refusal

ALREADY_KEYED = "该公民身份号码已有未办结的线下转入"


def _already_keyed(existing_id=None) -> Conflict:
    hint = f"（转接编号{existing_id}）" if existing_id else ""
    return Conflict(ALREADY_KEYED + hint, {"member.id_number": ALREADY_KEYED})


def _target(orgs: dict, to_org_id: int) -> dict:
    org = orgs.get(to_org_id)
    if org is None or org["status"] == "deleted":
        raise ValidationFailed("接收党组织不存在", {"to_org_id": "党组织不存在"})
    if org["status"] != ACTIVE:
        raise ValidationFailed(f"党组织“{org['name']}”已撤销，不能接收党员", {"to_org_id": "党组织已撤销"})
    return org


def _draw(sessions: sessionmaker, caller: Caller, data: dict, find_org) -> tuple[dict, list[dict]]:
    """The target (in the caller's scope) and the route from the keying organization."""
    try:
        find_org(data["to_org_id"])  # projected now if it was not (a just-created organization)
    except (NotFound, Forbidden):
        pass
    with sessions() as session:
        to_org = _target(store.org_rows(session, [data["to_org_id"]]), data["to_org_id"])
        caller.require(to_org["path"], "接收党组织")
        ids = routes.path_ids(to_org["path"])
        orgs, rights = store.org_rows(session, ids), store.rights_of(session, ids)
    try:
        to_chain = routes.chain(to_org["path"], orgs)
        keyer = routes.keying_org(to_chain, caller.scope_path, rights)
        route = routes.compute_inbound_route(keyer, to_chain, rights)
    except routes.RouteProblem as problem:
        if problem.field == routes.KEYER:
            raise Forbidden(problem.message) from None
        raise route_refusal(problem, problem.field) from None
    return to_org, route


def inbound(sessions: sessionmaker, caller: Caller, members: Members, raw, find_org) -> dict:
    """Key in a 线下转入: checked whole (this service's fields, then the member's by the member
    service) before anything is written; one transaction."""
    with sessions() as session:
        reasons = store.reason_table(session)  # the 转接原因 code table as it stands
    data = validated(lambda d: validate_inbound(d, reasons), raw, "线下转入")
    to_org, route = _draw(sessions, caller, data, find_org)
    snapshot = members.check_inbound({**data["member"], "org_id": to_org["id"]})
    today, route = date.today(), stamp_route(route)
    keyer_id = route[0]["org_id"]
    with sessions.begin() as session:
        existing = session.execute(select(transfers.c.id).where(
            transfers.c.kind == INBOUND, transfers.c.state.in_(OPEN),
            transfers.c.member["id_number"].astext == snapshot["id_number"])).scalar()
        if existing:
            raise _already_keyed(existing)
        values = {"member_id": None, "member_name": snapshot["name"], "member": snapshot, "kind": INBOUND,
                  "state": states.state_of_step(states.current_step(route)), "from_org_id": keyer_id,
                  "to_org_id": to_org["id"], "reason": data["reason"], "dues_paid_to": data["dues_paid_to"],
                  "applied_on": today, "phone": snapshot.get("phone"), "created_by": caller.user_id,
                  "source": {"letter_no": data["letter_no"], "from_kind": data["from_kind"],
                             "from_text": data["from_text"]},
                  "history": [store.history_entry(caller, "keyed_in", keyer_id,
                                                  f"持{data['from_text']}介绍信（{data['letter_no']}）")]}
        try:
            with session.begin_nested():
                transfer_id = session.execute(transfers.insert().values(**values)
                                              .returning(transfers.c.id)).scalar_one()
        except IntegrityError:
            raise _already_keyed() from None  # another clerk keyed in the same person meanwhile
        store.save_steps(session, transfer_id, route)
        row = store.load_transfer(session, transfer_id)
        store.log_entry(session, caller, "transfer", None, row, values["history"][0], HISTORY_ACTIONS, STATE_NAMES,
                        [keyer_id])
        return store.view(row, route, store.route_orgs(session, row, route), caller)
