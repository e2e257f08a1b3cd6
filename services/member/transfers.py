"""The member service follows transfers (组织关系转接) by the transfer service's events.

- transfer_applied / transfer_ended: the member is in transit (转出中), or no longer.
- transfer_receiving: the saga's request to move the member. In ONE transaction with its inbox
  claim: the member moves to the receiving organization, a history line records it, and
  member_updated (the counted facts before and after, as for any change) and member_transferred
  go to the outbox; or, when the member cannot move, member_transfer_refused with the reason.
  A 跨省/系统外 transfer (to_org_id null) takes the member out of this system instead: status
  历史 as 组织关系转出 (leave kind 40) on the receipt's date, with its 党籍 change, the history
  line "组织关系转出至 <to_outside>", member_updated and member_transferred (to_org_id null, the
  receiving side as `to_outside` text), in the same one transaction.
  The transfer's row here says it moved the member, so a request delivered again (even under a
  new event id) moves nobody twice and emits nothing twice.

`FollowsTransfers` holds the nameko handlers; MemberService inherits it (service.py).
"""
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from services.shared.codes import TRANSFERRED_OUT
from services.shared.context import SYSTEM_SCOPE, Caller
from services.shared.messaging.consumers import consumes
from services.shared.messaging.inbox import claim
from services.shared.messaging.outbox import record_event, record_events

from . import inbound
from .commands import facts_of, record_status_change
from .domain.status import LEFT
from .domain.transfers import (
    ACTION,
    MOVED,
    history_changes,
    leave_history_changes,
    leaves_the_rolls,
    left_state,
    member_refusal,
    next_state,
    outside_target,
    refusal,
)
from .events import MEMBER_TRANSFER_REFUSED, MEMBER_TRANSFERRED, MEMBER_UPDATED, change_payload
from .models import inbox, members, org_directory, outbox, transfers
from .store import record_history


class OrgNotKnownYet(RuntimeError):
    """The receiving organization's org_created has not reached this service yet: the request
    is retried later (services/shared/messaging/consumers.py), not refused."""


def _caller(event: dict) -> Caller:
    """Who acted in the transfer service: the history line and the events name them."""
    return Caller(user_id=str(event.get("actor") or "system"), scope_path=SYSTEM_SCOPE,
                  request_id=str(event.get("request_id") or ""))


def _locked_record(session: Session, transfer_id: int, member_id: int | None, org_id: int | None = None):
    """This service's row of the transfer, created empty (version 0) if new, and locked: the
    events of one transfer take turns whatever queue they came by."""
    session.execute(insert(transfers).values(transfer_id=transfer_id, member_id=member_id, org_id=org_id, state="",
                                             version=0)
                    .on_conflict_do_nothing(index_elements=[transfers.c.transfer_id]))
    return session.execute(select(transfers).where(transfers.c.transfer_id == transfer_id).with_for_update()).one()


def follow(sessions: sessionmaker, event: dict) -> bool:
    """transfer_applied / transfer_ended / transfer_received; False when seen before. A member's
    transfer or a 整建制转移 (its organization: `org_id`, no member)."""
    payload, version = event["payload"], int(event["aggregate_version"])
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        member_id, org_id = payload.get("member_id"), payload.get("org_id")
        if member_id is None and org_id is None:
            return True  # a 线下转入: no member of this system is in transit
        record = _locked_record(session, int(payload["transfer_id"]), None if member_id is None else int(member_id),
                                None if member_id is not None else int(org_id))
        state = next_state((record.state, record.version), event["type"], version)
        if state is not None:
            session.execute(update(transfers).where(transfers.c.transfer_id == record.transfer_id).values(
                state=state, version=version, updated_at=func.now()))
        return True


def _org(session: Session, org_id):
    return session.execute(select(org_directory).where(org_directory.c.id == int(org_id))).first()


def _org_name(session: Session, org_id) -> str:
    row = _org(session, org_id)
    return row.name if row is not None and row.name else f"党组织 {org_id}"


def target_org(session: Session, org_id):
    """The receiving organization's directory row; retried later when not known here yet."""
    target = _org(session, org_id)
    if target is None:
        raise OrgNotKnownYet(f"接收党组织 {org_id} 尚未同步到党员服务")
    return target


# For the 线下转入's receive (inbound.py), which follows a transfer the same way.
caller_of, locked_record = _caller, _locked_record


def _why_not(session: Session, member, payload: dict) -> str | None:
    """Why the member cannot move (Chinese), or None."""
    if leaves_the_rolls(payload.get("kind")):  # 跨省/系统外 after the paper 回执
        return member_refusal(member._mapping if member is not None else None)
    # The organization directory (fed by org events), not OrgDirectory.current's RPC: an event
    # carries no caller scope to ask the org service with. So a revoke whose event is still on
    # its way is not seen here (the transfer service checked the target when it was chosen).
    target = _org(session, payload["to_org_id"])
    if target is None:
        raise OrgNotKnownYet(f"接收党组织 {payload['to_org_id']} 尚未同步到党员服务")
    return refusal(member._mapping if member is not None else None, target._mapping)


def receive(sessions: sessionmaker, event: dict) -> bool:
    """transfer_receiving; False when seen before or the transfer already moved the member."""
    payload, caller = event["payload"], _caller(event)
    transfer_id, member_id = int(payload["transfer_id"]), int(payload["member_id"])
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        record = _locked_record(session, transfer_id, member_id)
        if record.state == MOVED:
            return False
        member = session.execute(select(members).where(members.c.id == member_id).with_for_update()).first()
        reason = _why_not(session, member, payload)
        if reason is not None:
            record_event(session, outbox, MEMBER_TRANSFER_REFUSED, member_id, member.version if member else 0,
                         {"transfer_id": payload["transfer_id"], "member_id": member_id, "reason": reason}, caller)
            return True
        if leaves_the_rolls(payload["kind"]):
            _leave(session, caller, member, payload)
        else:
            _move(session, caller, member, _org(session, payload["to_org_id"]), payload)
        return True


def _effective_on(payload: dict) -> date:
    return date.fromisoformat(str(payload["effective_on"])[:10])


def _move(session: Session, caller: Caller, member, target, payload: dict) -> None:
    effective_on = _effective_on(payload)
    changes = history_changes(_org_name(session, member.org_id), target.name or f"党组织 {target.id}",
                              effective_on.isoformat(), member.branch_joined_on)
    _transferred(session, caller, member, payload, facts_of(session, member),
                 {"org_id": target.id, "org_path": target.path, "branch_joined_on": effective_on},
                 {"to_org_id": target.id, "to_org_path": target.path}, changes)


def _leave(session: Session, caller: Caller, member, payload: dict) -> None:
    """Out of this system (跨省, 系统外): the member leaves the active rolls as 组织关系转出."""
    effective_on, target = _effective_on(payload), outside_target(payload.get("to_outside"))
    state = left_state(effective_on, target)
    before = facts_of(session, member)
    record_status_change(session, caller, member, LEFT, TRANSFERRED_OUT, effective_on, state["leave_reason"])
    _transferred(session, caller, member, payload, before, state,
                 {"to_org_id": None, "to_org_path": None, "to_outside": target},
                 leave_history_changes(_org_name(session, member.org_id), target, state))


def _transferred(session: Session, caller: Caller, member, payload: dict, before: dict, values: dict,
                 to: dict, changes: list[dict]) -> None:
    """Write the member's `values`, then member_updated and member_transferred (its receiving end
    `to`), the history line and this service's record that the transfer moved the member."""
    effective_on = _effective_on(payload)
    session.execute(update(members).where(members.c.id == member.id).values(
        **values, version=members.c.version + 1, updated_at=func.now()))
    after = session.execute(select(members).where(members.c.id == member.id)).one()
    moved = {"transfer_id": payload["transfer_id"], "member_id": member.id, "kind": payload["kind"],
             "from_org_id": member.org_id, "from_org_path": member.org_path, **to,
             "effective_on": effective_on.isoformat()}
    record_events(session, outbox, [
        (MEMBER_UPDATED, after.id, after.version, change_payload(after.id, before, facts_of(session, after))),
        (MEMBER_TRANSFERRED, after.id, after.version, moved)], caller)
    record_history(session, caller, member.id, after.version, ACTION, changes)
    session.execute(update(transfers).where(transfers.c.transfer_id == int(payload["transfer_id"])).values(
        state=MOVED, to_org_id=to["to_org_id"], effective_on=effective_on, updated_at=func.now()))


class FollowsTransfers:
    """The member service's handlers of transfer events (it needs `db`). Import this module,
    not the class (see services/shared/org_directory_handlers.py)."""

    @consumes("transfer", "transfer_applied")
    def on_transfer_applied(self, event):
        follow(self.db, event)

    @consumes("transfer", "transfer_ended")
    def on_transfer_ended(self, event):
        follow(self.db, event)

    @consumes("transfer", "transfer_received")
    def on_transfer_received(self, event):
        follow(self.db, event)

    @consumes("transfer", "transfer_receiving")
    def on_transfer_receiving(self, event):
        (inbound.receive if inbound.is_inbound(event) else receive)(self.db, event)
