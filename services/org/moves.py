"""移动党组织: an organization and its whole subtree go under another parent. Members and
every projection follow by the `org_moved` event (old path, new path, date); the stats
service re-homes the subtree's counters from it. A plain move counts no 转入/转出 in the annual
report: the counts simply sit under the new parent.

整建制转移 (docs/TRANSFERS.md) uses the same move: the transfer service's saga asks for it with
`org_transfer_receiving` once the new parent has received; the move's `org_moved` then carries
`transfer` ({id, kind, counted, effective_on}), which is the saga's answer and what the stats
service counts as 整建制转入/转出. While such a transfer is in flight the organization (and what
is above or below it, and its target) cannot be moved or revoked otherwise."""
from datetime import date, datetime, timezone

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed, validated
from services.shared.messaging.inbox import claim
from services.shared.messaging.outbox import record_event

from . import orglife_counts
from .domain.move import new_path, target_problem, validate_move
from .events import ORG_MOVED, ORG_TRANSFER_REFUSED
from .models import inbox, orgs, outbox
from .store import load_org, log_change, require_active, require_version, state_of
from .transit import refuse_if_held


def move_org(sessions: sessionmaker, caller: Caller, org_id, raw) -> dict:
    """移动 under another parent; refused while a 整建制转移 in flight holds the organization."""
    with sessions.begin() as session:
        row = load_org(session, org_id, lock=True)
        caller.require(row.path)
        refuse_if_held(session, row, "移动")
        change = validated(lambda data: validate_move(data, row.established_on), raw, "移动")
        require_version(row, change["version"])
        if row.parent_id is None:
            raise Conflict("根党组织不能移动")
        if row.path == caller.scope_path:
            raise Forbidden("不能移动本账号所管理的党组织本身，请由上级党组织的账号操作")
        require_active(row, "移动")
        try:
            # Locked: a revoke of the target, which checks for active children, waits for this.
            target = load_org(session, change["parent_id"], lock=True)
        except NotFound:
            raise ValidationFailed("新的上级党组织不存在", {"parent_id": "上级党组织不存在"}) from None
        caller.require(target.path, "新的上级党组织")
        problem = target_problem(row.path, row.parent_id, target)
        if problem:
            raise ValidationFailed(problem, {"parent_id": problem})
        row = _move(session, caller, row, target, change["date"], change["reason"])
        return {"id": row.id, "parent_id": row.parent_id, "path": row.path, "version": row.version}


def _move(session: Session, caller: Caller, row, target, day: date, reason: str, transfer: dict | None = None):
    """Rewrite the subtree's paths (set-based: two UPDATEs however large the subtree) and record
    org_moved with its history line; the organization's row after."""
    old_parent = load_org(session, row.parent_id)
    old, new = row.path, new_path(target.path, row.id)
    # The subtree first (paths only: their own state did not change), then the organization.
    session.execute(update(orgs).where(orgs.c.path.startswith(old, autoescape=True), orgs.c.id != row.id)
                    .values(path=text(":new || substr(path, :cut)").bindparams(new=new, cut=len(old) + 1)))
    last = session.execute(select(func.coalesce(func.max(orgs.c.sort_order), 0))
                           .where(orgs.c.parent_id == target.id)).scalar_one()
    session.execute(update(orgs).where(orgs.c.id == row.id).values(
        parent_id=target.id, path=new, sort_order=last + 1, version=orgs.c.version + 1,
        updated_at=datetime.now(timezone.utc)))
    orglife_counts.move_done(session, row.id, old_parent.path, target.path)
    row = load_org(session, row.id)
    payload = {**state_of(session, row), "old_path": old, "new_path": new, "old_parent_id": old_parent.id,
               "moved_on": day.isoformat(), "reason": reason}
    if transfer is not None:
        payload["transfer"] = transfer
    record_event(session, outbox, ORG_MOVED, row.id, row.version, payload, caller)
    log_change(session, caller, row.id, "whole_org_transferred" if transfer else "moved",
               [{"field": "parent_id", "label": "上级党组织", "old": old_parent.name, "new": target.name},
                {"field": "moved_on", "label": "整建制转移日期" if transfer else "移动日期", "old": None,
                 "new": day.isoformat()}],
               reason, row.version)
    return row


def _transfer_problem(session: Session, payload: dict):
    """(organization, target, None) when the saga's move can be done now, else (…, a Chinese reason)."""
    try:
        row = load_org(session, payload["org_id"], lock=True)
    except NotFound:
        return None, None, "党组织已不存在"
    if row.status != "active":
        return row, None, f"党组织“{row.name}”已撤销"
    if row.parent_id != payload["from_parent_id"]:
        return row, None, f"党组织“{row.name}”已不在原上级党组织之下（期间被移动）"
    try:
        target = load_org(session, payload["to_parent_id"], lock=True)
    except NotFound:
        return row, None, "新的上级党组织已不存在"
    return row, target, target_problem(row.path, row.parent_id, target)


def on_org_transfer_receiving(sessions: sessionmaker, event: dict) -> bool:
    """The saga's step in the org service, in ONE transaction with its inbox claim: move the
    organization (org_moved with `transfer`) or refuse (org_transfer_refused, the reason). A
    request delivered again changes nothing; one for an organization already under its target
    (the move was done) is answered by that move's org_moved."""
    payload = event["payload"]
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        caller = Caller.system(event.get("request_id") or "")
        row, target, problem = _transfer_problem(session, payload)
        if row is not None and row.parent_id == payload["to_parent_id"] and row.status == "active":
            return False  # already moved by this transfer
        if problem:
            record_event(session, outbox, ORG_TRANSFER_REFUSED, payload["org_id"], row.version if row else 0,
                         {"transfer_id": payload["transfer_id"], "org_id": payload["org_id"], "reason": problem},
                         caller)
            return True
        _move(session, caller, row, target, date.fromisoformat(payload["effective_on"][:10]),
              f"整建制转移：{payload.get('reason') or ''}",
              {"id": payload["transfer_id"], "kind": "whole_org", "counted": bool(payload.get("counted", True)),
               "effective_on": payload["effective_on"][:10]})
        return True
