"""Loading and saving transfers: the row (locked for a change), its route, the org directory's
rows it needs, the caller's view, and the scope rule (only organizations on the route see a
transfer). commands.py and queries.py both build on this module, never on each other."""
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Forbidden, NotFound
from services.shared.ids import int_or_not_found
from services.shared.org_directory import DELETED
from services.shared.versions import require_version

from .domain import reasons, states
from .domain.codes import (
    ACTION_NAMES,
    CURRENT,
    FROM_KINDS,
    HISTORY_ACTIONS,
    KINDS,
    MOVING,
    STATE_NAMES,
    STEP_STATE_NAMES,
    WAITING,
    WHOLE_ORG,
)
from .domain.letter import letter_no
from .models import (
    approval_rights,
    letter_serials,
    org_contacts,
    org_directory,
    outbox,
    reason_codes,
    steps,
    transfers,
)

# A step current for longer than this is overdue (审批超时; the manuals give no length).
STEP_OVERDUE_DAYS = 7
STEP_COLUMNS = ("seq", "org_id", "action", "side", "state", "handler", "handler_name", "opinion", "acted_at", "since")


def now() -> datetime:
    return datetime.now(timezone.utc)


def _int_or_not_found(value) -> int:
    return int_or_not_found(value, "转接记录不存在")


def org_id_or_not_found(value) -> int:
    try:
        return _int_or_not_found(value)
    except NotFound:
        raise NotFound("党组织不存在") from None


def load_transfer(session: Session, transfer_id, lock: bool = False):
    query = select(transfers).where(transfers.c.id == _int_or_not_found(transfer_id))
    row = session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound("转接记录不存在")
    return row


def load_steps(session: Session, transfer_id: int) -> list[dict]:
    rows = session.execute(select(steps).where(steps.c.transfer_id == transfer_id).order_by(steps.c.seq)).all()
    return [{column: _plain(getattr(row, column)) for column in STEP_COLUMNS} for row in rows]


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _stamp(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def save_steps(session: Session, transfer_id: int, route: list[dict]) -> None:
    """Replace the route (the transfer's row is locked by the caller). Each step carries its
    organization's path, read under FOR SHARE so that a move being projected either finishes first
    (and this reads its new path) or waits and then rewrites these steps too, and the transfer's
    state (`save` keeps it)."""
    session.execute(steps.delete().where(steps.c.transfer_id == transfer_id))
    state = session.execute(select(transfers.c.state).where(transfers.c.id == transfer_id)).scalar_one()
    paths = shared_paths(session, [step["org_id"] for step in route])
    session.execute(steps.insert(), [
        {"transfer_id": transfer_id, **{column: step.get(column) for column in STEP_COLUMNS},
         "acted_at": _stamp(step.get("acted_at")), "since": _stamp(step.get("since")),
         "path": paths.get(int(step["org_id"])), "transfer_state": state} for step in route])


def shared_paths(session: Session, org_ids) -> dict[int, str]:
    """Organizations' paths for rows placed by path (steps, outflows, inflows), read under FOR
    SHARE: a move being projected either finishes first (and this reads its new path) or waits and
    then rewrites the rows written here too (org_events.project)."""
    ids = sorted({int(org_id) for org_id in org_ids if org_id is not None})
    if not ids:
        return {}
    return dict(session.execute(select(org_directory.c.id, org_directory.c.path)
                                .where(org_directory.c.id.in_(ids)).with_for_update(read=True)).all())


def history_entry(caller: Caller, action: str, org_id=None, note=None, **extra) -> dict:
    return {"at": now().isoformat(), "action": action, "actor": caller.user_id, "actor_name": caller.username,
            "org_id": org_id, "note": note, **extra}


def save(session: Session, row, values: dict, entry: dict | None = None):
    """Write `values`, bump the version, append a history line; the row after."""
    if entry is not None:
        values = {**values, "history": [*row.history, entry]}
    session.execute(update(transfers).where(transfers.c.id == row.id)
                    .values(**values, version=transfers.c.version + 1, updated_at=now()))
    if "state" in values and values["state"] != row.state:
        session.execute(update(steps).where(steps.c.transfer_id == row.id).values(transfer_state=values["state"]))
    return load_transfer(session, row.id)


def save_and_log(session: Session, caller: Caller, row, values: dict, entry: dict):
    """`save`, with the history line's 操作日志 entry (the same transaction)."""
    after = save(session, row, values, entry)
    log_entry(session, caller, "transfer", row, after, entry, HISTORY_ACTIONS, STATE_NAMES,
              [entry.get("org_id"), after.from_org_id, after.to_org_id])
    return after


def log_entry(session: Session, caller: Caller, entity: str, before, after, entry: dict, action_names: dict,
              state_names: dict, org_ids: list) -> None:
    """One 操作日志 entry of a transfer, an outflow or an inflow: the member, the state before →
    after (names), the note and the date; placed under the first of `org_ids` that is known."""
    lines = [{"field": "党员", "before": None, "after": getattr(after, "member_name", None)}]
    old_state = before.state if before is not None else None
    if old_state != after.state:
        lines.append({"field": "状态", "before": state_names.get(old_state, old_state),
                      "after": state_names.get(after.state, after.state)})
    if entry.get("note"):
        lines.append({"field": "意见或说明", "before": None, "after": entry["note"]})
    if entry.get("effective_on"):
        lines.append({"field": "日期", "before": None, "after": entry["effective_on"]})
    known = [org_id for org_id in org_ids if org_id]
    paths = org_rows(session, known) if known else {}
    path = next((paths[org_id]["path"] for org_id in known if org_id in paths), "/")
    audit.record(session, outbox, caller, org_path=path, entity=entity, entity_id=after.id,
                 action=action_names.get(entry["action"], entry["action"]), lines=lines)


def check_version(row, read) -> None:
    require_version(row.version, read, "该转接")


def next_letter_no(session: Session, day: date) -> str:
    """The next number of the year (the year's row stays locked until the transfer commits, so
    numbers are given in commit order and none is lost to a rollback)."""
    statement = insert(letter_serials).values(year=day.year, last=1)
    statement = statement.on_conflict_do_update(index_elements=[letter_serials.c.year],
                                                set_={"last": letter_serials.c.last + 1})
    serial = session.execute(statement.returning(letter_serials.c.last)).scalar_one()
    return letter_no(day.year, serial)


# --- 转接原因 (the editable code table) ---------------------------------------------------------

def reason_rows(session: Session) -> list[tuple[str, str, bool]]:
    """(code, name, enabled) in the table's order."""
    return [tuple(row) for row in session.execute(
        select(reason_codes.c.code, reason_codes.c.name, reason_codes.c.enabled)
        .order_by(reason_codes.c.sort_order, reason_codes.c.code))]


def reason_table(session: Session, keep: str | None = None):
    """The reasons 发起 may choose now (and `keep`, a transfer's own code, for 重新发起)."""
    return reasons.reason_table(reason_rows(session), keep)


def reason_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    codes = sorted({code for code in codes if code})
    if not codes:
        return {}
    return dict(session.execute(select(reason_codes.c.code, reason_codes.c.name)
                                .where(reason_codes.c.code.in_(codes))).all())


# --- the org directory -------------------------------------------------------------------------

def org_rows(session: Session, ids: Iterable[int]) -> dict[int, dict]:
    ids = sorted({int(i) for i in ids if i is not None})
    if not ids:
        return {}
    rows = session.execute(select(org_directory, org_contacts.c.contact_person, org_contacts.c.contact_phone)
                           .outerjoin(org_contacts, org_contacts.c.org_id == org_directory.c.id)
                           .where(org_directory.c.id.in_(ids))).all()
    return {row.id: {"id": row.id, "parent_id": row.parent_id, "path": row.path, "name": row.name,
                     "type": row.type, "status": row.status, "code": row.code,
                     "contact_person": row.contact_person, "contact_phone": row.contact_phone} for row in rows}


def rights_of(session: Session, ids: Iterable[int]) -> dict[int, bool]:
    ids = sorted(set(ids))
    rows = session.execute(select(approval_rights).where(approval_rights.c.org_id.in_(ids))).all() if ids else []
    return {row.org_id: row.can_approve for row in rows}


def route_orgs(session: Session, row, route: list[dict]) -> dict[int, dict]:
    return org_rows(session, [row.from_org_id, row.to_org_id, row.org_id, *(step["org_id"] for step in route)])


def org_path(orgs: dict, org_id) -> str | None:
    org = orgs.get(org_id)
    return org["path"] if org and org["status"] != DELETED else None


def covers(caller: Caller, orgs: dict, org_id) -> bool:
    path = org_path(orgs, org_id)
    return path is not None and caller.covers(path)


def can_see(caller: Caller, row, route: list[dict], orgs: dict) -> bool:
    """Only organizations on the route see a transfer: the sender, the target, a step's org (and
    the organization a 整建制转移 moves)."""
    return any(covers(caller, orgs, org_id)
               for org_id in (row.from_org_id, row.to_org_id, row.org_id, *(step["org_id"] for step in route)))


def require_visible(caller: Caller, row, route: list[dict], orgs: dict) -> None:
    if not can_see(caller, row, route, orgs):
        raise Forbidden("无权访问该转接：转接路径上没有本账号管理的党组织")


def require_current_step(caller: Caller, route: list[dict], orgs: dict) -> dict:
    """A handler acts only on the current step, and only for that step's organization."""
    step = states.current_step(route)
    if step is None:
        return None
    if not covers(caller, orgs, step["org_id"]):
        raise Forbidden("当前步骤不由本账号管理的党组织办理")
    return step


def require_sender(caller: Caller, row, orgs: dict) -> None:
    if not covers(caller, orgs, row.from_org_id):
        raise Forbidden("只有转出党组织可以办理此操作")


# --- 整建制转移 in flight -------------------------------------------------------------------------
ORG_IN_FLIGHT = (*MOVING, "receiving")


def whole_org_holds(session: Session, path: str, below: bool = False, target: int | None = None) -> list:
    """整建制转移 in flight that hold the organization at `path`: one of an organization at or
    above it (its members are in transit with it); with `below`, also of one under it; with
    `target`, also one going to that organization. Rows (id, org_id, name)."""
    held = literal(path).startswith(org_directory.c.path)
    if below:
        held = or_(held, org_directory.c.path.startswith(path, autoescape=True))
    if target is not None:
        held = or_(held, transfers.c.to_org_id == target)
    return session.execute(
        select(transfers.c.id, transfers.c.org_id, org_directory.c.name)
        .select_from(transfers.join(org_directory, org_directory.c.id == transfers.c.org_id))
        .where(transfers.c.kind == WHOLE_ORG, transfers.c.state.in_(ORG_IN_FLIGHT), held)
        .order_by(transfers.c.id)).all()


# --- the view ----------------------------------------------------------------------------------

def org_name(orgs: dict, org_id) -> str | None:
    return orgs[org_id]["name"] if org_id in orgs else None


def outside_name(to_outside: dict | None) -> str:
    if not to_outside:
        return ""
    return "".join(part for part in (to_outside.get("province"), to_outside.get("party_committee"),
                                      to_outside.get("branch")) if part)


def step_overdue(step: dict, at: datetime | None = None) -> bool:
    """Only a moving transfer's current step can be overdue (callers pass those)."""
    since = _stamp(step.get("since"))
    return step["state"] == CURRENT and since is not None and (at or now()) - since > timedelta(days=STEP_OVERDUE_DAYS)


def step_view(step: dict, orgs: dict) -> dict:
    """A step with its organization's name and contact (联系人, 联系电话 of the org card: whom the
    clerks on the route call about it)."""
    org = orgs.get(step["org_id"]) or {}
    return {**step, "org_name": org.get("name") or step.get("org_name"),
            "contact_person": org.get("contact_person"), "contact_phone": org.get("contact_phone"),
            "action_name": ACTION_NAMES.get(step["action"], step["action"]),
            "state_name": STEP_STATE_NAMES.get(step["state"], step["state"]), "overdue": step_overdue(step)}


def source_view(source: dict | None) -> dict:
    """Where a 线下转入 came from (null for the other kinds): the paper letter's side."""
    source = source or {}
    kind = source.get("from_kind")
    return {"from_kind": kind, "from_kind_name": FROM_KINDS.name(kind) if kind else None,
            "from_text": source.get("from_text")}


def summary(row, orgs: dict, reason_names: dict | None = None) -> dict:
    """What a list shows of a transfer (`reason_names`: {code: name} of the 转接原因 table)."""
    return {
        "id": row.id, "member_id": row.member_id, "member_name": row.member_name, "kind": row.kind,
        "kind_name": KINDS.name(row.kind), "state": row.state, "state_name": STATE_NAMES.get(row.state, row.state),
        "from_org_id": row.from_org_id, "from_org_name": org_name(orgs, row.from_org_id),
        "to_org_id": row.to_org_id,
        "to_org_name": org_name(orgs, row.to_org_id) if row.to_org_id else outside_name(row.to_outside),
        "to_outside": row.to_outside, "letter_no": row.letter_no or (row.source or {}).get("letter_no"),
        **source_view(row.source), "applied_on": row.applied_on.isoformat(),
        "valid_until": row.valid_until.isoformat() if row.valid_until else None,
        "overdue": states.is_overdue(row.state, row.valid_until, date.today(), row.kind),
        "receipt_missing": states.receipt_missing(row.state, row.kind, row.valid_until, date.today()),
        "reason": row.reason, "reason_name": (reason_names or {}).get(row.reason) or row.reason,
        "org_id": row.org_id, "org_name": org_name(orgs, row.org_id) if row.org_id else None,
        "member_count": (row.member or {}).get("member_count") if row.kind == WHOLE_ORG else None,
        "version": row.version,
    }


def view(row, route: list[dict], orgs: dict, caller: Caller | None = None, reason_names: dict | None = None) -> dict:
    """The transfer dict of the contract (names, not codes, beside every code). A returned or
    expired transfer keeps its route as it stood, but no step of it is being handled."""
    current = states.current_step(route) if row.state in MOVING else None
    if row.state not in MOVING:
        route = [{**step, "state": WAITING} if step["state"] == CURRENT else step for step in route]
    out = {
        **summary(row, orgs, reason_names),
        "dues_paid_to": row.dues_paid_to, "valid_days": row.valid_days, "phone": row.phone, "address": row.address,
        "postcode": row.postcode, "sender_phone": row.sender_phone, "sender_fax": row.sender_fax,
        "route": [step_view(step, orgs) for step in route],
        "current_step": step_view(current, orgs) if current else None,
        "history": [{**entry, "org_name": org_name(orgs, entry.get("org_id")),
                     "action_name": HISTORY_ACTIONS.get(entry["action"], entry["action"])} for entry in row.history],
        "receipt": row.receipt, "created_at": row.created_at.isoformat(),
        "member": row.member,  # the letter's snapshot (线下转入: the keyed-in member form)
        "in_flight": row.state in MOVING,
    }
    if caller is not None:
        out["actions"] = states.allowed_actions(
            row.state, route, row.kind, current is not None and covers(caller, orgs, current["org_id"]),
            covers(caller, orgs, row.from_org_id),
            all(covers(caller, orgs, org_id) for org_id in (row.from_org_id, row.to_org_id) if org_id))
    return out


def load_view(session: Session, caller: Caller, transfer_id) -> dict:
    row = load_transfer(session, transfer_id)
    route = load_steps(session, row.id)
    orgs = route_orgs(session, row, route)
    require_visible(caller, row, route, orgs)
    return view(row, route, orgs, caller, reason_names(session, [row.reason]))
