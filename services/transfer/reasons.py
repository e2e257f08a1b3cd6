"""转接原因 as an editable code table: the list (with how often each code is used), and what an
administrator of the deployment (domain/reasons.may_edit) does to it — add, rename, disable or
enable, and delete a code no transfer uses (a foreign key keeps a used one, whatever races)."""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, NotFound, validated
from services.shared.versions import require_version

from .domain import reasons as rules
from .models import outbox, reason_codes, transfers

LABELS = {"code": "代码", "name": "名称", "enabled": "启用"}


def _log(session, caller: Caller, code: str, action: str, before=None, after=None) -> None:
    """The 操作日志 entry of a code-table edit, under the editor's own organization (the deployment's)."""
    audit.record(session, outbox, caller, org_path=caller.scope_path, entity="transfer_reason", entity_id=code,
                 action=action, before=before and dict(before), after=after and dict(after), labels=LABELS)


def _view(row, used: int) -> dict:
    return {"code": row.code, "name": row.name, "enabled": row.enabled, "used": used, "version": row.version,
            "updated_at": row.updated_at.isoformat() if row.updated_at else None}


def list_reasons(sessions: sessionmaker, caller: Caller) -> dict:
    """Every code, enabled or not, in order; `may_edit` says whether this account maintains it."""
    with sessions() as session:
        used = dict(session.execute(select(transfers.c.reason, func.count()).group_by(transfers.c.reason)).all())
        rows = session.execute(select(reason_codes).order_by(reason_codes.c.sort_order, reason_codes.c.code)).all()
    return {"items": [_view(row, used.get(row.code, 0)) for row in rows], "may_edit": rules.may_edit(caller.scope_path)}


def _require_editor(caller: Caller) -> None:
    if not rules.may_edit(caller.scope_path):
        raise Forbidden(rules.ADMIN_ONLY)


def _name_taken(session, name: str, code: str | None = None) -> None:
    query = select(reason_codes.c.code).where(reason_codes.c.name == name)
    other = session.execute(query if code is None else query.where(reason_codes.c.code != code)).scalar()
    if other is not None:
        raise Conflict(f"名称“{name}”已被代码{other}使用", {"name": "名称重复"})


def _used(session, code: str) -> int:
    return session.execute(select(func.count()).select_from(transfers).where(transfers.c.reason == code)).scalar_one()


def add_reason(sessions: sessionmaker, caller: Caller, data) -> dict:
    _require_editor(caller)
    new = validated(rules.validate_new, data, "转接原因")
    try:
        with sessions.begin() as session:
            if session.execute(select(reason_codes.c.code).where(reason_codes.c.code == new["code"])).first():
                raise Conflict(f"代码{new['code']}已存在", {"code": "代码已存在"})
            _name_taken(session, new["name"])
            order = session.execute(select(func.coalesce(func.max(reason_codes.c.sort_order), 0) + 1)).scalar_one()
            session.execute(reason_codes.insert().values(**new, sort_order=order, updated_by=caller.username))
            row = session.execute(select(reason_codes).where(reason_codes.c.code == new["code"])).one()
            _log(session, caller, row.code, "新增转接原因", after=row._mapping)
            return _view(row, 0)
    except IntegrityError:  # the same code or name added at the same moment
        raise Conflict("代码或名称已存在", {"code": "代码或名称已存在"}) from None


def _locked(session, code):
    row = session.execute(select(reason_codes).where(reason_codes.c.code == str(code)).with_for_update()).first()
    if row is None:
        raise NotFound("转接原因代码不存在")
    return row


def change_reason(sessions: sessionmaker, caller: Caller, code, data) -> dict:
    """更名 (every history reads the new name) and 停用/启用 (a disabled code is not offered to 发起)."""
    _require_editor(caller)
    change = validated(rules.validate_change, data, "转接原因")
    try:
        with sessions.begin() as session:
            row = _locked(session, code)
            require_version(row.version, data.get("version"), "该转接原因")
            if "name" in change:
                _name_taken(session, change["name"], row.code)
            session.execute(update(reason_codes).where(reason_codes.c.code == row.code)
                            .values(**change, version=reason_codes.c.version + 1, updated_by=caller.username,
                                    updated_at=func.now()))
            before, row = row, session.execute(select(reason_codes).where(reason_codes.c.code == row.code)).one()
            _log(session, caller, row.code, "修改转接原因", before._mapping, row._mapping)
            return _view(row, _used(session, row.code))
    except IntegrityError:
        raise Conflict("名称已存在", {"name": "名称重复"}) from None


def delete_reason(sessions: sessionmaker, caller: Caller, code, data=None) -> dict:
    """Only a code no transfer has ever used (a mistaken entry); a used one is disabled instead."""
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
            _log(session, caller, row.code, "删除转接原因", before=row._mapping)
            return {"code": row.code, "deleted": True}
    except IntegrityError:  # a transfer took the code at the same moment
        raise Conflict("该转接原因刚被转接使用，不能删除（可停用）") from None

