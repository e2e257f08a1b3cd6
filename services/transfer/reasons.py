"""转接原因 as an editable code table (代码表, docs/CODES.md): the list (with how often each code is
used, its history and the list's revision), and what the provincial administrator
(domain/reasons.may_edit: the root's account with 系统工具 write) does to it — add, rename, retire
(停用) or restore, and delete a code no transfer uses (a foreign key keeps a used one, whatever
races). Every change writes the list's history and one 操作日志 entry in its transaction."""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.context import SYSTEM_SCOPE, Caller
from services.shared.errors import Conflict, Forbidden, NotFound, validated
from services.shared.versions import require_version

from .domain import reasons as rules
from .models import outbox, reason_code_changes, reason_codes, transfers

ENTITY = "code_entry"
TABLE_KEY = "transfer_reasons"
LABELS = {"name": "转接原因名称", "state": "状态"}
STATES = {True: "启用", False: "已停用"}


def _view(row, used: int, names: list[str] | None = None) -> dict:
    return {"code": row.code, "name": row.name, "enabled": row.enabled, "retired": not row.enabled, "used": used,
            "version": row.version, "former_names": names or [],
            "updated_at": row.updated_at.isoformat() if row.updated_at else None}


def _revision(session) -> int:
    return session.execute(select(func.count()).select_from(reason_code_changes)).scalar_one()


def list_reasons(sessions: sessionmaker, caller: Caller) -> dict:
    """Every code, enabled or not, in order, with its former names; `may_edit` says whether this
    account maintains it, `revision` counts the list's changes (its version)."""
    with sessions() as session:
        used = dict(session.execute(select(transfers.c.reason, func.count()).group_by(transfers.c.reason)).all())
        rows = session.execute(select(reason_codes).order_by(reason_codes.c.sort_order, reason_codes.c.code)).all()
        renames = session.execute(
            select(reason_code_changes.c.code, reason_code_changes.c.name_before)
            .where(reason_code_changes.c.action == rules.RENAMED).order_by(reason_code_changes.c.id)).all()
        revision = _revision(session)
    former: dict[str, list[str]] = {}
    for code, name in renames:
        former.setdefault(code, []).append(name)
    return {"items": [_view(row, used.get(row.code, 0), former.get(row.code)) for row in rows],
            "may_edit": rules.may_edit(caller.scope_path, caller.rights), "revision": revision}


def _require_editor(caller: Caller) -> None:
    if not rules.may_edit(caller.scope_path, caller.rights):
        raise Forbidden(rules.ADMIN_ONLY)


def _name_taken(session, name: str, code: str | None = None) -> None:
    query = select(reason_codes.c.code).where(reason_codes.c.name == name)
    other = session.execute(query if code is None else query.where(reason_codes.c.code != code)).scalar()
    if other is not None:
        raise Conflict(f"名称“{name}”已被代码{other}使用", {"name": "名称重复"})


def _former_names(session, code: str) -> list[str]:
    return list(session.execute(
        select(reason_code_changes.c.name_before)
        .where(reason_code_changes.c.code == code, reason_code_changes.c.action == rules.RENAMED)
        .order_by(reason_code_changes.c.id)).scalars())


def _used(session, code: str) -> int:
    return session.execute(select(func.count()).select_from(transfers).where(transfers.c.reason == code)).scalar_one()


def _record(session, caller: Caller, code: str, before: tuple | None, after: tuple | None, action: str) -> None:
    """The list's history rows and the 操作日志 entry of one change (the caller's transaction)."""
    lines = rules.history_lines(code, before, after)
    if lines:
        session.execute(reason_code_changes.insert(), [{**line, "changed_by": caller.username} for line in lines])
    as_fields = [None if side is None else {"name": side[0], "state": side[1]} for side in (before, after)]
    audit.record(session, outbox, caller, org_path=caller.scope_path if caller.scope_path != SYSTEM_SCOPE else "/",
                 entity=ENTITY, entity_id=f"{TABLE_KEY}/{code}", action=f"转接原因代码表：{action}（代码{code}）",
                 before=as_fields[0], after=as_fields[1], labels=LABELS, tables={"state": STATES})


def add_reason(sessions: sessionmaker, caller: Caller, data, code_required: bool = True) -> dict:
    """A new entry; without `code_required` (the code-tables API) a missing code is numbered."""
    _require_editor(caller)
    new = validated(lambda d: rules.validate_new(d, code_required), data, "转接原因")
    try:
        with sessions.begin() as session:
            if new["code"] is None:
                # Serialized with other numbered adds; a typed code racing it meets the primary key.
                session.execute(select(func.pg_advisory_xact_lock(70010)))
                new["code"] = rules.next_code(session.execute(select(reason_codes.c.code)).scalars().all())
            elif session.execute(select(reason_codes.c.code).where(reason_codes.c.code == new["code"])).first():
                raise Conflict(f"代码{new['code']}已存在", {"code": "代码已存在"})
            _name_taken(session, new["name"])
            order = session.execute(select(func.coalesce(func.max(reason_codes.c.sort_order), 0) + 1)).scalar_one()
            session.execute(reason_codes.insert().values(**new, sort_order=order, updated_by=caller.username))
            row = session.execute(select(reason_codes).where(reason_codes.c.code == new["code"])).one()
            _record(session, caller, row.code, None, (row.name, True), rules.CHANGE_NAMES[rules.ADDED])
            return _view(row, 0)
    except IntegrityError:  # the same code or name added at the same moment
        raise Conflict("代码或名称已存在", {"code": "代码或名称已存在"}) from None


def _locked(session, code):
    row = session.execute(select(reason_codes).where(reason_codes.c.code == str(code)).with_for_update()).first()
    if row is None:
        raise NotFound("转接原因代码不存在")
    return row


def change_reason(sessions: sessionmaker, caller: Caller, code, data) -> dict:
    """更名 (every record reads the new name; the former one stays in the history) and 停用/启用
    (a retired code is not offered to 发起; stored transfers keep it and show its name)."""
    _require_editor(caller)
    change = validated(rules.validate_change, data, "转接原因")
    try:
        with sessions.begin() as session:
            row = _locked(session, code)
            require_version(row.version, data.get("version"), "该转接原因")
            if change.get("name") == row.name:
                change.pop("name")
            if change.get("enabled") == row.enabled:
                change.pop("enabled")
            if change:
                if "name" in change:
                    _name_taken(session, change["name"], row.code)
                session.execute(update(reason_codes).where(reason_codes.c.code == row.code)
                                .values(**change, version=reason_codes.c.version + 1, updated_by=caller.username,
                                        updated_at=func.now()))
                after = session.execute(select(reason_codes).where(reason_codes.c.code == row.code)).one()
                actions = [line["action"] for line in rules.history_lines(
                    row.code, (row.name, row.enabled), (after.name, after.enabled))]
                _record(session, caller, row.code, (row.name, row.enabled), (after.name, after.enabled),
                        "、".join(rules.CHANGE_NAMES[a] for a in actions))
                row = after
            return _view(row, _used(session, row.code), _former_names(session, row.code))
    except IntegrityError:
        raise Conflict("名称已存在", {"name": "名称重复"}) from None


def delete_reason(sessions: sessionmaker, caller: Caller, code, data=None) -> dict:
    """Only a code no transfer has ever used (a mistaken entry); a used one is retired instead."""
    _require_editor(caller)
    data = data if isinstance(data, dict) else {}
    try:
        with sessions.begin() as session:
            row = _locked(session, code)
            require_version(row.version, data.get("version"), "该转接原因")
            used = _used(session, row.code)
            if used:
                raise Conflict(f"转接原因“{row.name}”已被{used}条转接使用，不能删除（可停用）")
            session.execute(reason_codes.delete().where(reason_codes.c.code == row.code))
            _record(session, caller, row.code, (row.name, row.enabled), None, rules.CHANGE_NAMES[rules.DELETED])
            return {"code": row.code, "deleted": True}
    except IntegrityError:  # a transfer took the code at the same moment
        raise Conflict("该转接原因刚被转接使用，不能删除（可停用）") from None
