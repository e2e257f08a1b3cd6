"""Member service use cases."""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed, validated
from services.shared.outbox import record_event

from .domain import status
from .domain.member_fields import validate_member_changes, validate_new_member
from .events import MEMBER_CREATED, MEMBER_UPDATED, change_payload, member_facts
from .models import members, outbox, status_changes
from .queries import as_status_change, last_status_change, load_member, member_card


def _duplicate(id_number: str) -> Conflict:
    return Conflict(f"公民身份号码 {id_number} 已登记为党员，不能重复录入", {"id_number": "该公民身份号码已存在"})


def create_member(sessions: sessionmaker, caller: Caller, org_lookup, raw: dict) -> dict:
    """`org_lookup(org_id)` asks the org service (which checks the caller's scope too)."""
    data = validated(validate_new_member, raw, "党员")
    org_id = data.pop("org_id")
    try:
        org = org_lookup(org_id)
    except NotFound:
        raise ValidationFailed("所在党组织不存在", {"org_id": "党组织不存在"}) from None
    caller.require(org["path"], "所选党组织")
    if org.get("status", "active") != "active":
        raise ValidationFailed(f"党组织“{org['name']}”已撤销，不能新增党员", {"org_id": "党组织已撤销"})
    with sessions.begin() as session:
        if session.execute(select(members.c.id).where(members.c.id_number == data["id_number"])).first():
            raise _duplicate(data["id_number"])
        try:
            with session.begin_nested():
                member_id = session.execute(members.insert().values(
                    org_id=org["id"], org_path=org["path"], **data).returning(members.c.id)).scalar_one()
        except IntegrityError:
            raise _duplicate(data["id_number"]) from None
        row = load_member(session, member_id)
        record_event(session, outbox, MEMBER_CREATED, row.id, row.version,
                     change_payload(row.id, None, member_facts(row)), caller)
        return {"id": row.id}


# --- changes of an existing member ------------------------------------------------------------
# Each locks the member's row, checks the caller's scope, validates, checks the version the
# client read (optimistic locking: a stale one changes nothing), then writes the change, bumps
# the version and records member_updated with the counted facts before and after.

def _locked_member(session: Session, caller: Caller, member_id):
    row = load_member(session, member_id, for_update=True)
    caller.require(row.org_path, "该党员")
    return row


def _require_version(row, read_version: int | None) -> None:
    if read_version is not None and read_version != row.version:
        raise Conflict(f"该党员信息已被他人修改（您读取的是第{read_version}版，当前为第{row.version}版），"
                       "请刷新后重新操作", {"version": "版本已过期"})


def _refused(refused: status.TransitionRefused) -> Conflict:
    return Conflict(refused.message)


def _save(session: Session, caller: Caller, before, values: dict) -> dict:
    session.execute(update(members).where(members.c.id == before.id).values(
        **values, version=members.c.version + 1, updated_at=func.now()))
    after = load_member(session, before.id)
    record_event(session, outbox, MEMBER_UPDATED, after.id, after.version,
                 change_payload(after.id, member_facts(before), member_facts(after)), caller)
    return member_card(session, after)


def update_member(sessions: sessionmaker, caller: Caller, member_id, raw) -> dict:
    """Basic information (name, ID number — and so sex and birth date —, ethnicity, category,
    date joined). The organization is not changed here: that is a transfer."""
    with sessions.begin() as session:
        row = _locked_member(session, caller, member_id)
        read_version, changes = validated(lambda data: validate_member_changes(data, row._mapping), raw, "党员")
        _require_version(row, read_version)
        if not changes:
            return member_card(session, row)
        number = changes.get("id_number")
        if number and session.execute(select(members.c.id).where(members.c.id_number == number,
                                                                  members.c.id != row.id)).first():
            raise _duplicate(number)
        try:
            with session.begin_nested():
                return _save(session, caller, row, changes)
        except IntegrityError:
            raise _duplicate(number) from None


def _record_change(session: Session, caller: Caller, row, to_status: str, kind, day, reason) -> None:
    session.execute(status_changes.insert().values(
        member_id=row.id, from_status=row.status, to_status=to_status, kind=kind, changed_on=day, reason=reason,
        prior=status.plain_state(row._mapping), actor=caller.user_id, actor_name=caller.username))


def leave_member(sessions: sessionmaker, caller: Caller, member_id, raw) -> dict:
    """死亡, 出党 or 停止党籍: the member moves to history."""
    with sessions.begin() as session:
        row = _locked_member(session, caller, member_id)
        standing = status.Standing.of(row)
        change = validated(lambda data: status.validate_leave(data, standing), raw, "党员减少")
        _require_version(row, change["version"])
        try:
            status.check_leave(standing)
        except status.TransitionRefused as refused:
            raise _refused(refused) from None
        _record_change(session, caller, row, status.LEFT, change["kind"], change["date"], change["reason"])
        return _save(session, caller, row, status.left_state(change))


def restore_member(sessions: sessionmaker, caller: Caller, member_id, raw) -> dict:
    """找回: back to the active rolls, unless the member left in a way that cannot be restored."""
    with sessions.begin() as session:
        row = _locked_member(session, caller, member_id)
        standing = status.Standing.of(row)
        change = validated(lambda data: status.validate_restore(data, standing), raw or {}, "找回")
        _require_version(row, change["version"])
        try:
            status.check_restore(standing)
        except status.TransitionRefused as refused:
            raise _refused(refused) from None
        _record_change(session, caller, row, status.ACTIVE, row.leave_kind, change["date"], change["reason"])
        return _save(session, caller, row, dict(status.ACTIVE_STATE))


def undo_status_change(sessions: sessionmaker, caller: Caller, member_id, raw) -> dict:
    """回退: take back the last status change not yet undone."""
    with sessions.begin() as session:
        row = _locked_member(session, caller, member_id)
        change = validated(status.validate_undo, raw or {}, "回退")
        _require_version(row, change["version"])
        last = last_status_change(session, row.id)
        try:
            prior = status.check_undo(status.Standing.of(row), as_status_change(last))
        except status.TransitionRefused as refused:
            raise _refused(refused) from None
        session.execute(update(status_changes).where(status_changes.c.id == last.id).values(
            undone_at=func.now(), undone_by=caller.username or caller.user_id))
        return _save(session, caller, row, prior)
