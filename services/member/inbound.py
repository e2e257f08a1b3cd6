"""线下转入 (非建库) in the member service (docs/TRANSFERS.md "Receiving from outside").

- `check_inbound` (RPC, before the transfer service writes anything): the keyed-in form checked
  by the rules of 新增党员, and against the members on file (domain/inbound.on_file): the
  snapshot the transfer keeps, with the record to take back of one who left by 组织关系转出.
- `receive` (transfer_receiving of kind `inbound`): in ONE transaction with its inbox claim,
  the member is created in the receiving organization (or the record taken back), a history
  line written, and member_created / member_updated and member_transferred (from_org_id null,
  kind = where it came from: 跨省 or 系统外, so stats counts a 转入) go to the outbox; or
  member_transfer_refused with the reason. The transfer's row here says it moved the member, so
  a request delivered again creates nobody twice.
"""
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from services.shared.codes import TRANSFERRED_OUT
from services.shared.context import Caller
from services.shared.errors import Conflict, validated
from services.shared.field_errors import FieldErrors
from services.shared.messaging.inbox import claim
from services.shared.messaging.outbox import record_event, record_events

from . import transfers as follow
from .commands import facts_of, receiving_org, record_status_change
from .domain import inbound as rules
from .domain.status import ACTIVE
from .domain.transfers import ACTION, MOVED, refusal
from .events import (
    MEMBER_CREATED,
    MEMBER_TRANSFER_REFUSED,
    MEMBER_TRANSFERRED,
    MEMBER_UPDATED,
    change_payload,
    member_facts,
)
from .models import inbox, members, outbox, transfers
from .store import load_member, record_history

INBOUND = "inbound"


def is_inbound(event: dict) -> bool:
    return (event.get("payload") or {}).get("kind") == INBOUND


def _on_file(session, id_number: str, lock: bool = False):
    query = select(members).where(members.c.id_number == id_number)
    return session.execute(query.with_for_update() if lock else query).first()


def check_inbound(sessions: sessionmaker, caller: Caller, org_lookup, raw) -> dict:
    """The keyed-in member form ({…, org_id}: the receiving organization) as the transfer keeps it."""
    data = validated(rules.checked_form, raw, "党员")
    receiving_org(caller, org_lookup, data.pop("org_id"))
    with sessions() as session:
        existing = _on_file(session, data["id_number"])
    why, returning = rules.on_file(existing._mapping if existing is not None else None)
    if why is not None:
        raise Conflict(why, {"id_number": why})
    return rules.snapshot(data, returning)


def _refuse(session, caller: Caller, payload: dict, reason: str) -> None:
    record_event(session, outbox, MEMBER_TRANSFER_REFUSED, 0, 0,
                 {"transfer_id": payload["transfer_id"], "member_id": None, "reason": reason}, caller)


def receive(sessions: sessionmaker, event: dict) -> bool:
    """transfer_receiving of a 线下转入; False when seen before or already done."""
    payload, caller = event["payload"], follow.caller_of(event)
    transfer_id, effective_on = int(payload["transfer_id"]), date.fromisoformat(str(payload["effective_on"])[:10])
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        if follow.locked_record(session, transfer_id, 0).state == MOVED:
            return False
        target = follow.target_org(session, payload["to_org_id"])
        why = refusal({"status": ACTIVE}, target._mapping)
        try:
            data = rules.checked_form({**(payload.get("member") or {}), "org_id": target.id})
        except FieldErrors as errors:
            why = why or f"党员信息有误：{errors}"
        existing = None if why else _on_file(session, data["id_number"], lock=True)
        if why is None:
            why, _ = rules.on_file(existing._mapping if existing is not None else None)
        if why is not None:
            _refuse(session, caller, payload, why)
            return True
        data.pop("org_id")
        if existing is None:
            member, before, events = _create(session, rules.new_values(data, target._mapping, effective_on))
        else:
            member, before, events = _take_back(session, caller, existing, data, target, payload, effective_on)
        moved = {"transfer_id": transfer_id, "member_id": member.id, "kind": payload["from_kind"],
                 "transfer_kind": INBOUND, "from_org_id": None, "from_org_path": None,
                 "from_outside": payload.get("from_text"), "to_org_id": target.id, "to_org_path": target.path,
                 "effective_on": effective_on.isoformat()}
        record_events(session, outbox, [*events, (MEMBER_TRANSFERRED, member.id, member.version, moved)], caller)
        record_history(session, caller, member.id, member.version, ACTION, rules.arrival_changes(
            payload.get("from_text") or "系统外", target.name or f"党组织 {target.id}", effective_on.isoformat(),
            before))
        session.execute(update(transfers).where(transfers.c.transfer_id == transfer_id).values(
            member_id=member.id, state=MOVED, to_org_id=target.id, effective_on=effective_on, updated_at=func.now()))
        return True


def _create(session, values: dict):
    member_id = session.execute(members.insert().values(**values).returning(members.c.id)).scalar_one()
    row = load_member(session, member_id)
    return row, None, [(MEMBER_CREATED, row.id, row.version, change_payload(row.id, None, member_facts(row)))]


def _take_back(session, caller: Caller, row, data: dict, target, payload: dict, effective_on: date):
    """The record of a member who left by 组织关系转出, on the rolls again from the 接收 date."""
    before = facts_of(session, row)
    reason = f"组织关系转入（{payload.get('from_text') or '系统外'}，介绍信{payload.get('letter_no') or ''}）"
    record_status_change(session, caller, row, ACTIVE, TRANSFERRED_OUT, effective_on, reason)
    session.execute(update(members).where(members.c.id == row.id).values(
        **rules.returning_values(data, target._mapping, effective_on), version=members.c.version + 1,
        updated_at=func.now()))
    after = load_member(session, row.id)
    return after, row._mapping, [(MEMBER_UPDATED, after.id, after.version,
                                  change_payload(after.id, before, facts_of(session, after)))]
