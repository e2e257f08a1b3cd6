"""Org service use cases: validate, load, change, write the outbox, commit."""
from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared import versions
from services.shared.codes import ORG_TYPES
from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed, validated
from services.shared.messaging.outbox import record_event

from .domain.hierarchy import can_have_children, child_path
from .domain.org_card import CARD_FIELDS, plain, read_version
from .domain.org_card import validate_new_card as validate_new_org
from .domain.org_fields import validate_rename
from .events import ORG_CREATED, ORG_RENAMED, org_state
from .models import history, org_id_seq, orgs, outbox


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


def log_change(session: Session, caller: Caller, org_id: int, action: str, changes=(), note=None,
               version=None, batch_id=None) -> None:
    """One line of the organization's history (who, when, what: [{field, label, old, new}])."""
    session.execute(history.insert().values(org_id=org_id, action=action, changes=list(changes), note=note,
                                            version=version, batch_id=batch_id, actor=caller.user_id,
                                            actor_name=caller.username))


def require_version(row, read: int | None) -> None:
    """Optimistic locking, as for members: a card read before someone else's change is stale."""
    versions.require_version(row.version, read, "该党组织信息")


def require_active(row, doing: str) -> None:
    if row.status != "active":
        raise Conflict(f"党组织“{row.name}”已撤销，不能{doing}")


def code_taken(code: str) -> Conflict:
    return Conflict(f"党组织代码“{code}”已被使用", {"code": "代码已存在"})


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
    record_event(session, outbox, event_type, row.id, row.version, org_state(row), caller)
    log_change(session, caller, row.id, action, changes, note, row.version, batch_id)
    return row


def insert_org(session: Session, caller: Caller, parent, data: dict, note=None):
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
    row = load_org(session, new_id)
    record_event(session, outbox, ORG_CREATED, row.id, row.version, org_state(row), caller)
    log_change(session, caller, row.id, "created",
               [{"field": f.key, "label": f.label, "old": None, "new": plain(values.get(f.key))}
                for f in CARD_FIELDS if values.get(f.key) is not None], note, row.version)
    return row


def create_org(sessions: sessionmaker, caller: Caller, raw: dict) -> dict:
    data = validated(validate_new_org, raw, "党组织")
    with sessions.begin() as session:
        try:
            # Locked: a revoke of the parent, which checks for active children, waits for this.
            parent = load_org(session, data["parent_id"], lock=True)
        except NotFound:
            raise ValidationFailed("上级党组织不存在", {"parent_id": "上级党组织不存在"}) from None
        caller.require(parent.path, "上级党组织")
        if parent.status != "active":
            raise ValidationFailed(f"上级党组织“{parent.name}”已撤销，不能设立下级党组织",
                                   {"parent_id": "上级党组织已撤销"})
        if not can_have_children(parent.type):
            raise ValidationFailed(f"{ORG_TYPES.name(parent.type)}不能设立下级党组织",
                                   {"parent_id": "该组织不能设立下级党组织"})
        row = insert_org(session, caller, parent, data)
        return {"id": row.id, "path": row.path}


def ensure_root(sessions: sessionmaker, name: str, code: str) -> tuple[int, bool]:
    """Create the province's root organization on an empty database; (id, created)."""
    with sessions.begin() as session:
        session.execute(select(orgs.c.id).with_for_update().limit(1))
        existing = session.execute(select(orgs.c.id).where(orgs.c.parent_id.is_(None))).first()
        if existing:
            return existing.id, False
        row = insert_org(session, Caller.system(), None, {"code": code, "name": name, "type": "11"})
        return row.id, True


def rename_org(sessions: sessionmaker, caller: Caller, org_id, name, version=None) -> dict:
    """更名: the old name stays in the organization's history."""
    new_name = validated(lambda value: {"name": validate_rename(value)}, name, "党组织")["name"]
    read = validated(lambda value: read_version({"version": value}), version, "党组织")
    with sessions.begin() as session:
        row = load_org(session, org_id, lock=True)
        caller.require(row.path)
        require_version(row, read)
        require_active(row, "更名")
        if new_name == row.name:
            raise ValidationFailed("新名称与原名称相同", {"name": "与原名称相同"})
        row = save_org(session, caller, row, {"name": new_name}, ORG_RENAMED, "renamed",
                       [{"field": "name", "label": "党组织名称", "old": row.name, "new": new_name}])
        return {"id": row.id, "name": row.name, "version": row.version}
