"""Transfer use cases: validate, lock the transfer (FOR UPDATE), check scope, version and state,
change it, write the outbox, commit. Nothing is half-written: one transaction each."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, NotFound, PmisError, ValidationFailed, validated
from services.shared.messaging.inbox import claim
from services.shared.messaging.outbox import record_event

from . import store
from .domain import states
from .domain.codes import (
    CURRENT,
    HISTORY_ACTIONS,
    IN_SYSTEM_KINDS,
    INBOUND,
    LETTER_KINDS,
    MOVING,
    OPEN,
    PAPER_KINDS,
    RECEIVED,
    STATE_NAMES,
    TO_RECEIVE,
    WHOLE_ORG,
)
from .domain.validation import (
    batch_member_ids,
    valid_until,
    validate_assignment,
    validate_opinion,
    validate_reapply,
    validate_reason,
    validate_receipt,
    validate_receive,
    validate_reroute,
)
from .events import (
    ORG_TRANSFER_RECEIVING,
    TRANSFER_APPLIED,
    TRANSFER_ENDED,
    TRANSFER_RECEIVED,
    TRANSFER_RECEIVING,
    applied_payload,
    ended_payload,
    org_receiving_payload,
    receiving_payload,
)
from .mobility_commands import refuse_transfer_if_mobile
from .models import approval_rights, inbox, outbox, transfers
from .planning import Members, Plan, draw, plan

# 转接审批权限 as people read it: an organization's own setting, or none (the default of its type).
RIGHTS_NAMES = {True: "有审批权", False: "无审批权", None: "默认（按党组织类别）"}
ALREADY_OPEN = "该党员已有未办结的组织关系转接"
EXPIRY_BATCH = 500


def _already_open(existing_id=None) -> Conflict:
    hint = f"（转接编号{existing_id}，请办结、撤销或重新发起该转接）" if existing_id else ""
    return Conflict(ALREADY_OPEN + hint, {"member_id": ALREADY_OPEN})


def _version(data):
    return data.get("version") if isinstance(data, dict) else None


def emit(session: Session, caller: Caller, event_type: str, row, payload: dict) -> None:
    """Through the outbox, in the caller's transaction. A 整建制转移's events carry no member (the
    member service passes them by); the org service's transit projection holds its organization."""
    record_event(session, outbox, event_type, row.id, row.version, payload, caller)


def _route_values(plan_: Plan, today: date) -> dict:
    data = plan_.data
    return {"member_name": plan_.member["name"], "member": plan_.snapshot(), "from_org_id": plan_.from_org["id"],
            "state": states.state_of_step(states.current_step(plan_.route)), "reason": data["reason"],
            "dues_paid_to": data.get("dues_paid_to"), "valid_days": data.get("valid_days"), "applied_on": today,
            "valid_until": valid_until(today, data.get("valid_days")), "phone": data.get("phone"),
            "address": data.get("address"), "postcode": data.get("postcode"),
            "sender_phone": data.get("sender_phone"), "sender_fax": data.get("sender_fax")}


def stamp_route(route: list[dict]) -> list[dict]:
    at = store.now().isoformat()
    return [{**step, "since": at if step["state"] == CURRENT else None} for step in route]


def apply(sessions: sessionmaker, caller: Caller, members: Members, raw, find_org) -> dict:
    """发起: one transfer of one member; a second unfinished one is refused (409)."""
    drawn = plan(sessions, caller, members, raw, find_org)
    data, today = drawn.data, date.today()
    route = stamp_route(drawn.route)
    with sessions.begin() as session:
        refuse_transfer_if_mobile(session, data["member_id"])  # 流动党员 return first (docs/MOBILITY.md)
        existing = session.execute(select(transfers.c.id).where(transfers.c.member_id == data["member_id"],
                                                                transfers.c.state.in_(OPEN))).scalar()
        if existing:
            raise _already_open(existing)
        values = {**_route_values(drawn, today), "member_id": data["member_id"], "kind": data["kind"],
                  "to_org_id": data.get("to_org_id"), "to_outside": data.get("to_outside"),
                  "letter_no": store.next_letter_no(session, today) if data["kind"] in LETTER_KINDS else None,
                  "created_by": caller.user_id,
                  "history": [store.history_entry(caller, "applied", drawn.from_org["id"])]}
        try:
            with session.begin_nested():
                transfer_id = session.execute(transfers.insert().values(**values)
                                              .returning(transfers.c.id)).scalar_one()
        except IntegrityError:
            raise _already_open() from None  # another clerk's 发起 of the same member won the race
        store.save_steps(session, transfer_id, route)
        row = store.load_transfer(session, transfer_id)
        store.log_entry(session, caller, "transfer", None, row, values["history"][0], HISTORY_ACTIONS, STATE_NAMES,
                        [row.from_org_id])
        emit(session, caller, TRANSFER_APPLIED, row, applied_payload(row))
        return _finish(session, caller, row, route)


def apply_many(sessions: sessionmaker, caller: Caller, members: Members, raw, find_org) -> dict:
    """发起 for several members with one form: each its own transfer and transaction; those refused
    are listed with the reason, the others are sent."""
    member_ids = validated(batch_member_ids, raw, "转接")
    created, refused = [], []
    for member_id in member_ids:
        try:
            created.append(apply(sessions, caller, members, {**raw, "member_id": member_id}, find_org))
        except PmisError as error:
            refused.append({"member_id": member_id, "code": error.code, "message": error.message,
                            "fields": error.fields})
    return {"created": created, "refused": refused}


def _locked(session: Session, caller: Caller, transfer_id, data):
    """The transfer locked, visible to the caller, at the version the caller read."""
    row = store.load_transfer(session, transfer_id, lock=True)
    route = store.load_steps(session, row.id)
    orgs = store.route_orgs(session, row, route)
    store.require_visible(caller, row, route, orgs)
    store.check_version(row, _version(data))
    return row, route, orgs


def _refused(refused: states.Refused) -> Conflict:
    return Conflict(refused.message)


def _actor(caller: Caller) -> dict:
    return {"user_id": caller.user_id, "username": caller.username}


def _finish(session: Session, caller: Caller, row, route: list[dict]) -> dict:
    return store.view(row, route, store.route_orgs(session, row, route), caller,
                      store.reason_names(session, [row.reason]))


def _act_on_current_step(sessions: sessionmaker, caller: Caller, transfer_id, data, transition, action: str,
                         note: str, ends: bool) -> dict:
    """审批 or 退回 by the current step's organization: the route moves by `transition`, the history
    records `action` with `note`; `ends` emits transfer_ended (the member is no longer 转出中)."""
    with sessions.begin() as session:
        row, route, orgs = _locked(session, caller, transfer_id, data)
        step = store.require_current_step(caller, route, orgs)
        try:
            state, route = transition(row.state, route, _actor(caller), note, store.now().isoformat())
        except states.Refused as refused:
            raise _refused(refused) from None
        store.save_steps(session, row.id, route)
        row = store.save_and_log(session, caller, row, {"state": state},
                                 store.history_entry(caller, action, step["org_id"], note))
        if ends:
            emit(session, caller, TRANSFER_ENDED, row, ended_payload(row))
        return _finish(session, caller, row, route)


def approve(sessions: sessionmaker, caller: Caller, transfer_id, data) -> dict:
    opinion = validated(validate_opinion, data, "审批")
    return _act_on_current_step(sessions, caller, transfer_id, data, states.approve, "approved", opinion, ends=False)


def return_transfer(sessions: sessionmaker, caller: Caller, transfer_id, data) -> dict:
    """退回 to the sender with a required reason; the member is no longer 转出中."""
    reason = validated(lambda d: validate_reason(d, "退回"), data, "退回")
    return _act_on_current_step(sessions, caller, transfer_id, data, states.return_, "returned", reason, ends=True)


def receive(sessions: sessionmaker, caller: Caller, transfer_id, data) -> dict:
    """接收: the transfer waits (receiving) for the member service to move the member."""
    with sessions.begin() as session:
        row, route, orgs = _locked(session, caller, transfer_id, data)
        step = store.require_current_step(caller, route, orgs)
        day = validated(lambda d: validate_receive(d, row.applied_on, date.today()), data, "接收")
        assign_to = validated(validate_assignment, data, "接收")
        if assign_to is not None and row.kind == WHOLE_ORG:
            raise ValidationFailed("整建制转移由新的上级党组织接收，不能编入其他党组织",
                                   {"assign_to_org_id": "整建制转移不能编入"})
        try:
            state, route = states.receive(row.state, route, row.kind, _actor(caller), store.now().isoformat())
        except states.Refused as refused:
            raise _refused(refused) from None
        values, note = {"state": state}, None
        if assign_to is not None and assign_to != row.to_org_id:
            placed = _assignment(session, caller, orgs[step["org_id"]], assign_to)
            values["to_org_id"], note = placed["id"], f"编入“{placed['name']}”"
        store.save_steps(session, row.id, route)
        row = store.save_and_log(session, caller, row, values,
                         store.history_entry(caller, "received", step["org_id"], note, effective_on=day.isoformat()))
        if row.kind == WHOLE_ORG:  # the org service moves the organization (saga, docs/TRANSFERS.md)
            emit(session, caller, ORG_TRANSFER_RECEIVING, row, org_receiving_payload(
                row, day.isoformat(), store.reason_names(session, [row.reason]).get(row.reason, row.reason)))
        else:
            emit(session, caller, TRANSFER_RECEIVING, row, receiving_payload(row, day.isoformat()))
        return _finish(session, caller, row, route)


def _assignment(session: Session, caller: Caller, receiver: dict, org_id: int) -> dict:
    """The organization a receiving 党委 places the member in: its own, active, in the caller's scope."""
    org = store.org_rows(session, [org_id]).get(org_id)
    if org is None or org["status"] == "deleted":
        raise ValidationFailed("编入的党组织不存在", {"assign_to_org_id": "党组织不存在"})
    if not org["path"].startswith(receiver["path"]):
        raise ValidationFailed(f"只能编入“{receiver['name']}”所属的党组织", {"assign_to_org_id": "不属于接收党组织"})
    if org["status"] != "active":
        raise ValidationFailed(f"党组织“{org['name']}”已撤销，不能编入", {"assign_to_org_id": "党组织已撤销"})
    caller.require(org["path"], "编入的党组织")
    return org


def record_receipt(sessions: sessionmaker, caller: Caller, transfer_id, data) -> dict:
    """The paper 回执 of a 跨省/系统外 transfer: the member leaves the sender's rolls on its date."""
    with sessions.begin() as session:
        row, route, orgs = _locked(session, caller, transfer_id, data)
        step = store.require_current_step(caller, route, orgs)
        receipt = validated(lambda d: validate_receipt(d, row.applied_on, date.today()), data, "回执")
        try:
            state, route = states.record_receipt(row.state, route, row.kind, _actor(caller),
                                                 store.now().isoformat())
        except states.Refused as refused:
            raise _refused(refused) from None
        receipt = {**receipt, "date": receipt["date"].isoformat(), "auto": False,
                   "recorded_by": caller.user_id, "recorded_by_name": caller.username}
        store.save_steps(session, row.id, route)
        row = store.save_and_log(session, caller, row, {"state": state, "receipt": receipt},
                         store.history_entry(caller, "receipt_recorded", step["org_id"], None,
                                             effective_on=receipt["date"]))
        emit(session, caller, TRANSFER_RECEIVING, row, receiving_payload(row, receipt["date"]))
        return _finish(session, caller, row, route)


def revoke(sessions: sessionmaker, caller: Caller, transfer_id, data) -> dict:
    """撤销 by the sender until the receiving side has acted."""
    reason = validated(lambda d: validate_reason(d, "撤销"), data, "撤销")
    with sessions.begin() as session:
        row, route, orgs = _locked(session, caller, transfer_id, data)
        store.require_sender(caller, row, orgs)
        try:
            state = states.revoke(row.state, route)
        except states.Refused as refused:
            raise _refused(refused) from None
        route = states.stop_route(route)
        store.save_steps(session, row.id, route)
        row = store.save_and_log(session, caller, row, {"state": state},
                         store.history_entry(caller, "revoked", row.from_org_id, reason))
        emit(session, caller, TRANSFER_ENDED, row, ended_payload(row))
        return _finish(session, caller, row, route)


def reapply(sessions: sessionmaker, caller: Caller, members: Members, transfer_id, data, find_org) -> dict:
    """重新发起 after 退回 or 超期: the route is drawn again (the tree may have changed), the letter
    keeps its number and its validity starts again today."""
    with sessions() as session:
        row = store.load_transfer(session, transfer_id)
        route = store.load_steps(session, row.id)
        orgs = store.route_orgs(session, row, route)
        store.require_visible(caller, row, route, orgs)
        store.require_sender(caller, row, orgs)
    if row.kind == WHOLE_ORG:
        raise Conflict("整建制转移不能重新发起，请撤销后从党组织重新发起")
    try:
        states.require_reapply(row.state, row.kind)
    except states.Refused as refused:
        raise _refused(refused) from None
    current = {"dues_paid_to": row.dues_paid_to, "phone": row.phone, "address": row.address,
               "postcode": row.postcode, "valid_days": row.valid_days, "reason": row.reason,
               "sender_phone": row.sender_phone, "sender_fax": row.sender_fax}
    with sessions() as session:
        reasons = store.reason_table(session, keep=row.reason)
    fields = validated(lambda d: validate_reapply(d, row.kind, current, reasons), data, "重新发起")
    drawn = draw(sessions, caller, members, {"member_id": row.member_id, "kind": row.kind, "to_org_id": row.to_org_id,
                                            "to_outside": row.to_outside, **fields}, find_org)
    if drawn.from_org["id"] != row.from_org_id:
        raise Conflict("该党员所在党组织已变化，请撤销本转接后重新发起")
    today = date.today()
    route = stamp_route(drawn.route)
    with sessions.begin() as session:
        row, _, orgs = _locked(session, caller, transfer_id, data)
        try:
            states.require_reapply(row.state, row.kind)  # again, under the lock
        except states.Refused as refused:
            raise _refused(refused) from None
        store.save_steps(session, row.id, route)
        row = store.save_and_log(session, caller, row, {**_route_values(drawn, today), "receipt": None},
                         store.history_entry(caller, "reapplied", row.from_org_id))
        emit(session, caller, TRANSFER_APPLIED, row, applied_payload(row))
        return _finish(session, caller, row, route)


def reroute(sessions: sessionmaker, caller: Caller, members: Members, transfer_id, data, find_org) -> dict:
    """路径变更: the sender names another target while the transfer is in flight (in-system kinds);
    the route is drawn again, approvals the sending side already gave stand."""
    raw = data if isinstance(data, dict) else {}
    with sessions() as session:
        row = store.load_transfer(session, transfer_id)
        route = store.load_steps(session, row.id)
        orgs = store.route_orgs(session, row, route)
        store.require_visible(caller, row, route, orgs)
        store.require_sender(caller, row, orgs)
    if row.kind == INBOUND:
        raise Conflict("线下转入不能变更接收党组织，请撤销后重新录入")
    if row.kind not in IN_SYSTEM_KINDS:
        raise Conflict("跨省和转到系统外的转接不能变更接收党组织，请撤销后重新发起")
    if row.kind == WHOLE_ORG:
        raise Conflict("整建制转移不能变更新的上级党组织，请撤销后重新发起")
    to_org_id = validated(validate_reroute, raw, "变更接收党组织")
    if to_org_id == row.to_org_id:
        raise ValidationFailed("新的接收党组织与原接收党组织相同", {"to_org_id": "与原接收党组织相同"})
    drawn = draw(sessions, caller, members, {"member_id": row.member_id, "kind": row.kind, "to_org_id": to_org_id,
                                            "to_outside": None, "reason": row.reason}, find_org)
    at = store.now().isoformat()
    with sessions.begin() as session:
        row, route, orgs = _locked(session, caller, transfer_id, data)
        try:
            state, route = states.reroute(row.state, route, drawn.route, at)
        except states.Refused as refused:
            raise _refused(refused) from None
        store.save_steps(session, row.id, route)
        row = store.save_and_log(session, caller, row, {"state": state, "to_org_id": to_org_id},
                         store.history_entry(caller, "rerouted", row.from_org_id,
                                             f"接收党组织由“{store.org_name(orgs, row.to_org_id)}”变更为"
                                             f"“{drawn.to_org['name']}”"))
        emit(session, caller, TRANSFER_APPLIED, row, applied_payload(row))
        return _finish(session, caller, row, route)


def close(sessions: sessionmaker, caller: Caller, transfer_id, data) -> dict:
    """异常办结 by an account above both sides (its scope covers the sender and the target)."""
    reason = validated(lambda d: validate_reason(d, "异常办结"), data, "异常办结")
    with sessions.begin() as session:
        row, route, orgs = _locked(session, caller, transfer_id, data)
        if not all(store.covers(caller, orgs, org_id) for org_id in (row.from_org_id, row.to_org_id) if org_id):
            raise Forbidden("异常办结须由转出和接收双方共同的上级党组织办理")
        try:
            state = states.close(row.state)
        except states.Refused as refused:
            raise _refused(refused) from None
        route = states.stop_route(route)
        store.save_steps(session, row.id, route)
        row = store.save_and_log(session, caller, row, {"state": state},
                                 store.history_entry(caller, "closed", None, reason))
        emit(session, caller, TRANSFER_ENDED, row, ended_payload(row))
        return _finish(session, caller, row, route)


def expire_overdue(sessions: sessionmaker, today: date | None = None, limit: int = EXPIRY_BATCH) -> int:
    """超期: transfers whose letter ran out before 接收 go back to the sender (the service's timer)."""
    today, caller = today or date.today(), Caller.system("expiry")
    with sessions.begin() as session:
        rows = session.execute(select(transfers).where(transfers.c.state.in_(MOVING),
                                                       transfers.c.valid_until < today,
                                                       ~(transfers.c.kind.in_(PAPER_KINDS)
                                                         & (transfers.c.state == TO_RECEIVE)))
                               .order_by(transfers.c.id).limit(limit).with_for_update(skip_locked=True)).all()
        for row in rows:
            row = store.save_and_log(session, caller, row,
                                     {"state": states.expire(row.state, row.valid_until, today, row.kind)},
                             store.history_entry(caller, "expired", None, f"介绍信有效期至{row.valid_until}，已超期"))
            emit(session, caller, TRANSFER_ENDED, row, ended_payload(row))
        return len(rows)


# --- the saga's answers from the member service ------------------------------------------------

def _saga_row(session: Session, event: dict):
    if not claim(session, inbox, [event]):
        return None
    try:
        return store.load_transfer(session, event["payload"]["transfer_id"], lock=True)
    except NotFound:
        return None  # not one of ours (nothing to compensate)


def on_member_transferred(sessions: sessionmaker, event: dict) -> bool:
    """The member moved: the transfer is 已接收 (an in-system receipt is automatic)."""
    with sessions.begin() as session:
        return moved(session, _saga_row(session, event), event, event["payload"].get("effective_on"))


def moved(session: Session, row, event: dict, effective_on) -> bool:
    """The saga's move is done (the member's, or the organization's for 整建制): 已接收."""
    if row is None or states.transferred(row.state) is None:
        return False
    caller = Caller.system(event.get("request_id") or "")
    values = {"state": RECEIVED}
    if row.kind == INBOUND and row.member_id is None:  # 线下转入: the member the member service created
        values["member_id"] = int(event["payload"]["member_id"])  # (or took back)
    if row.kind in IN_SYSTEM_KINDS:
        values["receipt"] = {"date": effective_on, "auto": True}
    row = store.save_and_log(session, caller, row, values,
                             store.history_entry(caller, "transferred", row.to_org_id, None,
                                                 effective_on=effective_on))
    emit(session, caller, TRANSFER_RECEIVED, row, ended_payload(row))
    return True


def on_move_refused(sessions: sessionmaker, event: dict) -> bool:
    """The member (member_transfer_refused) or the organization (org_transfer_refused) could not be
    moved (left, deleted, revoked, moved meanwhile…): back to 待接收, the reason in the history."""
    with sessions.begin() as session:
        row = _saga_row(session, event)
        if row is None:
            return False
        route = store.load_steps(session, row.id)
        undone = states.transfer_refused(row.state, route, store.now().isoformat())
        if undone is None:
            return False
        state, route = undone
        caller = Caller.system(event.get("request_id") or "")
        store.save_steps(session, row.id, route)
        store.save_and_log(session, caller, row, {"state": state, "receipt": None},
                   store.history_entry(caller, "transfer_refused", None,
                                       f"未能转入：{event['payload'].get('reason') or '未说明原因'}"))
        return True


def set_approval_rights(sessions: sessionmaker, caller: Caller, org: dict, can_approve) -> dict:
    """Approval rights of one organization (data, not code); None puts the default back."""
    caller.require(org["path"])
    if caller.scope_path == org["path"]:
        raise Forbidden("审批权限由上级党组织设置")
    if can_approve is not None and not isinstance(can_approve, bool):
        raise ValidationFailed("审批权限应为是或否", {"can_approve": "应为布尔值"})
    with sessions.begin() as session:
        before = session.execute(select(approval_rights.c.can_approve).where(
            approval_rights.c.org_id == org["id"]).with_for_update()).scalar()
        session.execute(approval_rights.delete().where(approval_rights.c.org_id == org["id"]))
        if can_approve is not None:
            session.execute(approval_rights.insert().values(org_id=org["id"], can_approve=can_approve))
        audit.record(session, outbox, caller, org_path=org["path"], entity="approval_rights", entity_id=org["id"],
                     action="设置审批权限", before={"org": None, "can_approve": RIGHTS_NAMES[before]},
                     after={"org": org.get("name"), "can_approve": RIGHTS_NAMES[can_approve]},
                     labels={"org": "党组织", "can_approve": "转接审批权限"})
    return {"org_id": org["id"], "can_approve": can_approve}
