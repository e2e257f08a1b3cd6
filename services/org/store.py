"""The org service's interior, shared by its write side (commands, cards, moves, batch_changes,
imports, accounts, sessions) and its read side (queries, card_queries, supervision): loading an
organization's row (locked or not), the version and status checks, the row's view, writing a
change with its event and history line, and an account's row and sessions as both accounts and
sessions use them. Use cases live in the modules that call it."""
from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.shared import audit, versions
from services.shared.codes import ORG_TYPES
from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound
from services.shared.messaging.outbox import record_event

from .domain.hierarchy import can_have_children, child_path
from .domain.meetings import MEETING_KINDS, SIGN_ROLES
from .domain.meetings import STATUS_NAMES as MEETING_STATUS_NAMES
from .domain.org_card import CARD_FIELDS, COMMENDED, UNIT_FIELDS, commendation_facts, display, plain
from .events import ORG_CREATED, org_state
from .models import (
    accounts,
    history,
    login_sessions,
    meeting_inflow_people,
    meeting_people,
    meetings,
    org_id_seq,
    orgs,
    outbox,
    sanctions,
)
from .models import units as units_table

# The execution options of a write no live session sees (login bookkeeping, last_seen, sibling
# order): the gateways keep their sessions (session_changes.py announces every other one).
KEEPS_SESSIONS = {"keeps_sessions": True}

STATUS_NAMES = {"active": "在用", "revoked": "已撤销"}


def load_org(session: Session, org_id, lock: bool = False):
    try:
        org_id = int(org_id)
    except (TypeError, ValueError):
        raise NotFound("党组织不存在") from None
    query = select(orgs).where(orgs.c.id == org_id)
    row = session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound("党组织不存在")
    return row


def require_version(row, read: int | None) -> None:
    """Optimistic locking, as for members: a card read before someone else's change is stale."""
    versions.require_version(row.version, read, "该党组织信息")


def require_active(row, doing: str) -> None:
    if row.status != "active":
        raise Conflict(f"党组织“{row.name}”已撤销，不能{doing}")


def org_view(row, parent_name=None) -> dict:
    view = {"id": row.id, "parent_id": row.parent_id, "path": row.path, "code": row.code, "name": row.name,
            "type": row.type, "type_name": ORG_TYPES.name(row.type), "version": row.version,
            "parent_name": parent_name, "can_have_children": can_have_children(row.type) and row.status == "active",
            "status": row.status, "status_name": STATUS_NAMES.get(row.status, row.status),
            "revoked_on": plain(row.revoked_on), "revoke_reason": row.revoke_reason, "sort_order": row.sort_order}
    for field in CARD_FIELDS:
        if field.key not in view:
            view[field.key] = plain(getattr(row, field.key))
        if field.table is not None:
            view[f"{field.key}_name"] = display(CARD_FIELDS, field.key, getattr(row, field.key))
    return view


def log_change(session: Session, caller: Caller, org_id: int, action: str, changes=(), note=None,
               version=None, batch_id=None, path: str | None = None) -> None:
    """One line of the organization's history (who, when, what: [{field, label, old, new}]), and
    its entry in the 操作日志 (the same transaction)."""
    session.execute(history.insert().values(org_id=org_id, action=action, changes=list(changes), note=note,
                                            version=version, batch_id=batch_id, actor=caller.user_id,
                                            actor_name=caller.username))
    from .card_queries import ACTION_NAMES, readable_changes  # it reads through this module
    path = path or session.execute(select(orgs.c.path).where(orgs.c.id == org_id)).scalar()
    lines = [{"field": c.get("label") or c.get("field"), "before": c.get("old_name"), "after": c.get("new_name")}
             for c in readable_changes(action, changes)]
    audit.record(session, outbox, caller, org_path=path or "/", entity="org", entity_id=org_id,
                 action=ACTION_NAMES.get(action, action),
                 lines=lines + ([{"field": "说明", "before": None, "after": note}] if note else []))


def code_taken(code: str) -> Conflict:
    return Conflict(f"党组织代码“{code}”已被使用", {"code": "代码已存在"})


def unit_states(session: Session, org_ids) -> dict:
    """org id → its units as org events carry them ([{category, party_setup}], in the card's order)."""
    found: dict = {}
    for row in session.execute(select(units_table.c.org_id, units_table.c.category, units_table.c.party_setup)
                               .where(units_table.c.org_id.in_(list(org_ids)))
                               .order_by(units_table.c.org_id, units_table.c.id)):
        found.setdefault(row.org_id, []).append({"category": row.category, "party_setup": row.party_setup})
    return found


def commendation_states(session: Session, org_ids) -> dict:
    """org id → the 奖励 of its 组织奖惩 as org events carry them ([[批准日期, 级别], …], oldest first)."""
    found: dict = {}
    for row in session.execute(select(sanctions.c.org_id, sanctions.c.id, sanctions.c.kind, sanctions.c.approved_on,
                                      sanctions.c.level).where(sanctions.c.org_id.in_(list(org_ids)),
                                                               sanctions.c.kind == COMMENDED)):
        found.setdefault(row.org_id, []).append(row._mapping)
    return {org_id: commendation_facts(rows) for org_id, rows in found.items()}


def state_of(session: Session, row, status: str | None = None) -> dict:
    """The organization's state its events carry (events.org_state), its units and 奖励 included."""
    return org_state(row, status, unit_states(session, [row.id]).get(row.id, ()),
                     commendation_states(session, [row.id]).get(row.id, ()))


def save_org(session: Session, caller: Caller, before, values: dict, event_type: str, action: str, changes=(),
             note=None, batch_id=None):
    """Write `values`, bump the version, record the event (the state after) and the history."""
    try:
        with session.begin_nested():
            session.execute(update(orgs).where(orgs.c.id == before.id).values(
                **values, version=orgs.c.version + 1, updated_at=datetime.now(timezone.utc)))
    except IntegrityError:
        raise code_taken(values.get("code", "")) from None
    row = load_org(session, before.id)
    record_event(session, outbox, event_type, row.id, row.version, state_of(session, row), caller)
    log_change(session, caller, row.id, action, changes, note, row.version, batch_id)
    return row


def insert_org(session: Session, caller: Caller, parent, data: dict, note=None, units=()):
    """A new organization under `parent` (None: the root), with its `units` (单位信息 records, as the
    org 采集表 gives one), its event and history line."""
    new_id = session.execute(org_id_seq.next_value()).scalar_one()
    path = child_path(parent.path if parent is not None else "/", new_id)
    values = dict(data, id=new_id, parent_id=parent.id if parent is not None else None, path=path)
    if parent is not None:  # last among its siblings until someone sorts them
        values["sort_order"] = session.execute(select(func.coalesce(func.max(orgs.c.sort_order), 0) + 1)
                                               .where(orgs.c.parent_id == parent.id)).scalar_one()
    try:
        with session.begin_nested():
            session.execute(orgs.insert().values(**values))
    except IntegrityError:
        raise code_taken(data["code"]) from None
    for unit in units:
        session.execute(units_table.insert().values(org_id=new_id, **unit))
    row = load_org(session, new_id)
    record_event(session, outbox, ORG_CREATED, row.id, row.version, state_of(session, row), caller)
    log_change(session, caller, row.id, "created",
               [{"field": f.key, "label": f.label, "old": None, "new": plain(values.get(f.key))}
                for f in CARD_FIELDS if values.get(f.key) is not None]
               + [{"field": f"unit_{f.key}", "label": f"单位信息·{f.label}", "old": None, "new": plain(unit.get(f.key))}
                  for unit in units for f in UNIT_FIELDS if unit.get(f.key) is not None], note, row.version)
    return row


def account_by_name(session: Session, username: str):
    """The account of a username, whatever its case (one person, one name)."""
    return session.execute(select(accounts).where(func.lower(accounts.c.username) == username.strip().lower())).first()


def org_names(org) -> tuple:
    """An organization's own names: words a password must not be made of."""
    return tuple(n for n in (org.name, getattr(org, "short_name", None)) if n)


def end_sessions(session: Session, account_id: int, now: datetime, keep: bytes | None = None) -> None:
    """End the account's live sessions (all but `keep`'s token hash)."""
    query = update(login_sessions).where(login_sessions.c.account_id == account_id,
                                         login_sessions.c.ended_at.is_(None))
    if keep is not None:
        query = query.where(login_sessions.c.token_hash != keep)
    session.execute(query.values(ended_at=now))


# --- 组织生活 records -------------------------------------------------------------------------------

def load_owned(session: Session, caller: Caller, table, record_id, name: str, lock: bool = False):
    """(row of `table` with an org_id, its organization), the caller's scope checked against the
    organization; `name` says what the record is (组织生活记录, 届次)."""
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        raise NotFound(f"{name}不存在") from None
    query = select(table).where(table.c.id == record_id)
    row = session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"{name}不存在")
    org = load_org(session, row.org_id)
    caller.require(org.path, f"该{name}")
    return row, org


def load_meeting(session: Session, caller: Caller, meeting_id, lock: bool = False):
    """(meeting, its organization), the caller's scope checked against the organization."""
    return load_owned(session, caller, meetings, meeting_id, "组织生活记录", lock)


def meeting_people_of(session: Session, meeting_id: int) -> list:
    return session.execute(select(meeting_people).where(meeting_people.c.meeting_id == meeting_id)
                           .order_by(meeting_people.c.member_id)).all()


def meeting_inflows_of(session: Session, meeting_id: int) -> list:
    """The 流入 members who attended (kept apart from the rolls' people)."""
    return session.execute(select(meeting_inflow_people).where(meeting_inflow_people.c.meeting_id == meeting_id)
                           .order_by(meeting_inflow_people.c.inflow_id)).all()


def meeting_record(row, people, inflows=()) -> dict:
    """The record's values in domain form (domain/meetings.py: validate_meeting's output)."""
    record = {key: getattr(row, key) for key in ("kind", "held_at", "place", "host", "recorder", "topic", "speaker",
                                                 "lecture_title", "content", "decisions")}
    record["nonvoting"] = list(row.nonvoting or [])
    record["attendees"] = [p.member_id for p in people if p.attended]
    record["absentees"] = [{"member_id": p.member_id, "reason": p.reason} for p in people if not p.attended]
    record["inflows"] = [p.inflow_id for p in inflows]
    return record


def meeting_summary(row) -> dict:
    """A meeting as lists show it."""
    return {"id": row.id, "org_id": row.org_id, "kind": row.kind, "kind_name": MEETING_KINDS.name(row.kind),
            "held_at": row.held_at.strftime("%Y-%m-%dT%H:%M"), "year": row.year, "topic": row.topic,
            "place": row.place, "host": row.host, "status": row.status,
            "status_name": MEETING_STATUS_NAMES[row.status], "version": row.version,
            "voided": row.voided_at is not None, "void_reason": row.void_reason}


def attended_line(r) -> dict:
    """A meeting as someone's attendance history lists it (`r`: id, kind, held_at, topic, org_id, org_name)."""
    return {"id": r.id, "kind": r.kind, "kind_name": MEETING_KINDS.name(r.kind),
            "held_at": r.held_at.strftime("%Y-%m-%dT%H:%M"), "topic": r.topic, "org_id": r.org_id,
            "org_name": r.org_name}


def meeting_view(row, org, people, inflows=()) -> dict:
    view = meeting_summary(row)
    view.update({key: getattr(row, key) for key in ("recorder", "speaker", "lecture_title", "content", "decisions")})
    view.update(org_name=org.name, org_path=org.path, nonvoting=list(row.nonvoting or []),
                attendees=[{"member_id": p.member_id, "name": p.name} for p in people if p.attended],
                absentees=[{"member_id": p.member_id, "name": p.name, "reason": p.reason}
                           for p in people if not p.attended],
                inflows=[{"inflow_id": p.inflow_id, "member_id": p.member_id, "name": p.name,
                          "certificate_no": p.certificate_no, "external": p.member_id is None} for p in inflows],
                signatures={role: {"label": label, "by": getattr(row, f"{role}_signed_by"),
                                   "at": plain(getattr(row, f"{role}_signed_at"))}
                            for role, label in SIGN_ROLES.items()},
                created_by_name=row.created_by_name, created_at=plain(row.created_at),
                voided_at=plain(row.voided_at), voided_by_name=row.voided_by_name)
    return view
