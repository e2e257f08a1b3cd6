"""Staff accounts (用户管理, issues 9 and 16; docs/ACCOUNTS.md): creating them with a role, and
administering the accounts one reaches (services/org/domain/account_reach.py): list, edit (role,
name, phone, 停用/启用), reset a password (one-time), unlock. Logins and sessions are sessions.py;
roles are roles.py."""
import secrets
import string
from datetime import datetime, timezone

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import SYSTEM_SCOPE, Caller
from services.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.shared.paging import page_bounds
from services.shared.passwords import password_problem
from services.shared.rights import ADMIN_ROLE, MODULES, exceeding

from .audit import record_for_account
from .domain.account_reach import is_last_root_admin, reaches
from .domain.lockout import CHINA_TIME, account_status
from .models import accounts, orgs, outbox, roles
from .passwords import hash_password
from .store import account_by_name, end_sessions, load_org, org_names

NAME_MAX, PHONE_MAX = 50, 30
OUT_OF_REACH = "无权管理该账号：只能管理本组织的业务用户和下级组织的系统管理员"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _root_path(session: Session) -> str:
    return session.execute(select(orgs.c.path).where(orgs.c.parent_id.is_(None))).scalar_one()


def _reaches(caller: Caller, root_path: str, target_path: str, target_role: str) -> bool:
    return caller.scope_path == SYSTEM_SCOPE or reaches(caller.scope_path, target_path, target_role, root_path)


def role_by_name(session: Session, name, field: str = "role"):
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed("请选择角色", {field: "必填"})
    row = session.execute(select(roles).where(roles.c.name == name.strip())).first()
    if row is None:
        raise ValidationFailed(f"没有名为“{name.strip()}”的角色", {field: "没有这个角色"})
    return row


def _may_grant(caller: Caller, role) -> None:
    if over := exceeding(caller.rights, role.rights):
        names = "、".join(MODULES[m] for m in over)
        raise Forbidden(f"不能授予本账号没有的权限：角色“{role.name}”含有{names}模块的更高权限",
                        {"role": "超出本账号的权限"})


def _text(fields: dict, data: dict, key: str, limit: int, label: str):
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > limit:
        fields[key] = f"{label}应为不超过{limit}个字符的文字"
        return None
    return value.strip() or None


# --- creating accounts ------------------------------------------------------------------------

def create_account(sessions: sessionmaker, caller: Caller, username, password, org_id, role=None, name=None,
                   phone=None) -> dict:
    """A new account (first password to be changed at first login). Without a role it is a
    系统管理员, the one kind of account there was before roles (issue 9)."""
    fields = {}
    if not isinstance(username, str) or not (3 <= len(username.strip()) <= 32):
        fields["username"] = "用户名应为3到32个字符"
    if not isinstance(password, str):
        fields["password"] = "必填"
    elif problem := password_problem(password, str(username)):
        fields["password"] = problem
    name = _text(fields, {"name": name}, "name", NAME_MAX, "姓名")
    phone = _text(fields, {"phone": phone}, "phone", PHONE_MAX, "联系电话")
    if fields:
        raise ValidationFailed("账号信息有误：" + "；".join(fields.values()), fields)
    username = username.strip()
    password_hash = hash_password(password)  # before the transaction: no connection held meanwhile
    try:
        with sessions.begin() as session:
            org = load_org(session, org_id)
            caller.require(org.path)
            role_row = role_by_name(session, ADMIN_ROLE if role is None else role)
            if not _reaches(caller, _root_path(session), org.path, role_row.name):
                raise Forbidden(OUT_OF_REACH, {"role": "超出本账号的管理范围"})
            _may_grant(caller, role_row)
            # The organization's own names are words an attacker tries first.
            if problem := password_problem(password, username, names=org_names(org)):
                raise ValidationFailed("账号信息有误：" + problem, {"password": problem})
            if existing := account_by_name(session, username):
                raise _taken(username, existing.username)
            account = session.execute(accounts.insert().values(
                username=username, password_hash=password_hash, org_id=org.id, must_change_password=True,
                role_id=role_row.id, name=name, phone=phone,
            ).returning(accounts.c.id, accounts.c.username)).first()
            account_id = account.id
            record_for_account(session, outbox, caller, account, org.path, "新建账号", [
                {"field": "用户名", "before": None, "after": username},
                {"field": "所在党组织", "before": None, "after": org.name},
                {"field": "角色", "before": None, "after": role_row.name}])
    except IntegrityError:  # the same name created at the same moment
        raise _taken(username, username) from None
    return {"id": account_id, "username": username, "org_id": org.id, "role": role_row.name}


def _taken(username: str, existing: str) -> Conflict:
    same = "" if existing == username else f"（与已有的“{existing}”仅大小写不同）"
    return Conflict(f"用户名“{username}”已存在{same}", {"username": "用户名已存在"})


def ensure_admin(sessions: sessionmaker, root_id: int, password: str) -> bool:
    """Create `admin` (系统管理员) bound to the root with a one-time password; False if it exists."""
    with sessions.begin() as session:
        if account_by_name(session, "admin"):
            return False
        role_id = session.execute(select(roles.c.id).where(roles.c.name == ADMIN_ROLE)).scalar_one()
        session.execute(accounts.insert().values(username="admin", password_hash=hash_password(password),
                                                 org_id=root_id, must_change_password=True, role_id=role_id))
        return True


# --- administering accounts -------------------------------------------------------------------

_LISTED = (accounts.c.id, accounts.c.username, accounts.c.name, accounts.c.phone, accounts.c.org_id,
           orgs.c.name.label("org_name"), orgs.c.path.label("org_path"), roles.c.name.label("role"),
           accounts.c.disabled_at, accounts.c.locked_until, accounts.c.failed_count, accounts.c.created_at,
           accounts.c.last_login_at)


def _joined(*columns):
    return (select(*columns).join(orgs, orgs.c.id == accounts.c.org_id)
            .join(roles, roles.c.id == accounts.c.role_id))


def _listed(row, now: datetime, manageable: bool) -> dict:
    status, label = account_status(row.disabled_at, row.locked_until, now)
    return {"id": row.id, "username": row.username, "name": row.name, "phone": row.phone, "org_id": row.org_id,
            "org_name": row.org_name, "role": row.role, "disabled": row.disabled_at is not None,
            "status": status, "status_label": label,
            "locked_until": row.locked_until.isoformat() if status == "locked" else None,
            "failed_count": row.failed_count, "created_at": row.created_at.isoformat(),
            "last_login": row.last_login_at.isoformat() if row.last_login_at else None,
            "last_login_label": f"{row.last_login_at.astimezone(CHINA_TIME):%Y-%m-%d %H:%M}" if row.last_login_at
            else "从未登录",
            "manageable": manageable}


def list_accounts(sessions: sessionmaker, caller: Caller, org_id=None, page=1, size=50) -> dict:
    """The accounts the caller sees: every account of its own organization and the 系统管理员 of
    the organizations below (of `org_id`'s subtree, inside the scope, if given)."""
    page, size = page_bounds(page, size)
    with sessions.begin() as session:
        path = caller.scope_path
        if org_id is not None:
            org = load_org(session, org_id)
            caller.require(org.path)
            path = org.path
        where = orgs.c.path.startswith(path, autoescape=True)
        if caller.scope_path != SYSTEM_SCOPE:
            where = and_(where, or_(orgs.c.path == caller.scope_path, roles.c.name == ADMIN_ROLE))
        query = _joined(*_LISTED).where(where)
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = session.execute(query.order_by(orgs.c.path, func.lower(accounts.c.username))
                               .limit(size).offset((page - 1) * size)).all()
        now, root = _now(), _root_path(session)
        items = [_listed(r, now, _reaches(caller, root, r.org_path, r.role)) for r in rows]
        return {"items": items, "total": total, "page": page, "size": size}


def _load_for_admin(session: Session, caller: Caller, account_id):
    """The account, locked, if the caller administers it (404 if unknown, 403 if out of reach)."""
    if isinstance(account_id, bool) or not isinstance(account_id, int):
        raise NotFound("账号不存在")
    row = session.execute(_joined(*_LISTED).where(accounts.c.id == account_id)
                          .with_for_update(of=accounts)).first()
    if row is None:
        raise NotFound("账号不存在")
    caller.require(row.org_path, "该账号")
    if not _reaches(caller, _root_path(session), row.org_path, row.role):
        raise Forbidden(OUT_OF_REACH)
    return row


def _other_root_admins(session: Session, root_path: str, account_id: int) -> int:
    """Enabled 系统管理员 of the root other than `account_id`, counted with their rows locked so two
    administrators disabling each other at once cannot both succeed."""
    ids = session.execute(select(accounts.c.id).join(orgs, orgs.c.id == accounts.c.org_id)
                          .join(roles, roles.c.id == accounts.c.role_id)
                          .where(orgs.c.path == root_path, roles.c.name == ADMIN_ROLE,
                                 accounts.c.disabled_at.is_(None), accounts.c.id != account_id)
                          .with_for_update(of=accounts)).scalars().all()
    return len(ids)


def _keep_last_root_admin(session: Session, row, new_role: str, enabled: bool) -> None:
    root = _root_path(session)
    if new_role == ADMIN_ROLE and enabled:
        return
    if is_last_root_admin(row.org_path, row.role, row.disabled_at is None, root,
                          _other_root_admins(session, root, row.id)):
        raise Conflict("这是最后一个省级（根组织）系统管理员账号，不能停用或改为其他角色")


def update_account(sessions: sessionmaker, caller: Caller, account_id, data) -> dict:
    """PATCH: role, disabled, name, phone (each optional). Disabling ends its sessions now."""
    if not isinstance(data, dict):
        raise ValidationFailed("请求内容应为对象")
    fields, values = {}, {}
    for key, limit, label in (("name", NAME_MAX, "姓名"), ("phone", PHONE_MAX, "联系电话")):
        if key in data:
            values[key] = _text(fields, data, key, limit, label)
    disabled = data.get("disabled")
    if "disabled" in data and not isinstance(disabled, bool):
        fields["disabled"] = "应为 true 或 false"
    if fields:
        raise ValidationFailed("账号信息有误：" + "；".join(fields.values()), fields)
    now = _now()
    with sessions.begin() as session:
        row = _load_for_admin(session, caller, account_id)
        own = str(row.id) == caller.user_id
        role = row.role
        if "role" in data and data["role"] != row.role:
            if own:
                raise Conflict("不能修改本人账号的角色", {"role": "不能修改本人账号的角色"})
            new = role_by_name(session, data["role"])
            if not _reaches(caller, _root_path(session), row.org_path, new.name):
                raise Forbidden(OUT_OF_REACH, {"role": "改为该角色后超出本账号的管理范围"})
            _may_grant(caller, new)
            values["role_id"], role = new.id, new.name
        if "disabled" in data and disabled != (row.disabled_at is not None):
            if disabled and own:
                raise Conflict("不能停用本人正在使用的账号")
            values.update({"disabled_at": now} if disabled else
                          {"disabled_at": None, "failed_count": 0, "locked_until": None})
        enabled = (row.disabled_at is None) if "disabled_at" not in values else values["disabled_at"] is None
        _keep_last_root_admin(session, row, role, enabled)
        if values:
            session.execute(update(accounts).where(accounts.c.id == row.id).values(**values))
            _record_changes(session, caller, row, values, role, now)
        if values.get("disabled_at") or "role_id" in values:
            end_sessions(session, row.id, now)  # a disabled account or new rights: log in again
        return _listed(session.execute(_joined(*_LISTED).where(accounts.c.id == row.id)).first(), now, True)


def disable_account(sessions: sessionmaker, caller: Caller, account_id) -> dict:
    """停用: no login, and every session of the account ends now."""
    return update_account(sessions, caller, account_id, {"disabled": True})


def enable_account(sessions: sessionmaker, caller: Caller, account_id) -> dict:
    return update_account(sessions, caller, account_id, {"disabled": False})


def unlock_account(sessions: sessionmaker, caller: Caller, account_id) -> dict:
    now = _now()
    with sessions.begin() as session:
        row = _load_for_admin(session, caller, account_id)
        session.execute(update(accounts).where(accounts.c.id == row.id).values(failed_count=0, locked_until=None))
        record_for_account(session, outbox, caller, row, row.org_path, "解锁账号", [
            {"field": "状态", "before": account_status(row.disabled_at, row.locked_until, now)[1],
             "after": account_status(row.disabled_at, None, now)[1]}])
        return _listed(session.execute(_joined(*_LISTED).where(accounts.c.id == row.id)).first(), now, True)


_ALPHABET = string.ascii_letters + string.digits


def one_time_password(username: str) -> str:
    """12 letters and digits with an underscore (the manual's alphabet), strong by the policy."""
    while True:
        chars = [secrets.choice(_ALPHABET) for _ in range(11)]
        chars.insert(secrets.randbelow(12), "_")
        candidate = "".join(chars)
        if password_problem(candidate, username) is None:
            return candidate


def reset_password(sessions: sessionmaker, caller: Caller, account_id) -> dict:
    """重置密码: a one-time password, to be changed at the next login; the account's sessions end
    and a lock is lifted. Not one's own (that is the password change)."""
    if isinstance(account_id, int) and not isinstance(account_id, bool) and str(account_id) == caller.user_id:
        raise Conflict("不能重置本人的密码，请使用“修改密码”")
    with sessions.begin() as session:
        row = _load_for_admin(session, caller, account_id)
    password = one_time_password(row.username)
    password_hash, now = hash_password(password), _now()  # argon2 outside the transaction
    with sessions.begin() as session:
        row = _load_for_admin(session, caller, account_id)  # still reachable now
        session.execute(update(accounts).where(accounts.c.id == row.id).values(
            password_hash=password_hash, must_change_password=True, password_changed_at=now,
            failed_count=0, locked_until=None))
        record_for_account(session, outbox, caller, row, row.org_path, "重置密码")
        end_sessions(session, row.id, now)
    return {"id": row.id, "username": row.username, "one_time_password": password}


def _record_changes(session: Session, caller: Caller, row, values: dict, role: str, now) -> None:
    """The 操作日志 entry of an account's edit: 停用/启用 by the status, else 修改账号 (role, name, phone)."""
    lines = [{"field": label, "before": getattr(row, key) or None, "after": values[key] or None}
             for key, label in (("name", "姓名"), ("phone", "联系电话")) if key in values
             and (getattr(row, key) or None) != (values[key] or None)]
    if "role_id" in values:
        lines.append({"field": "角色", "before": row.role, "after": role})
    action = "修改账号"
    if "disabled_at" in values:
        after = account_status(values["disabled_at"], values.get("locked_until", row.locked_until), now)[1]
        lines.append({"field": "状态", "before": account_status(row.disabled_at, row.locked_until, now)[1],
                      "after": after})
        action = "停用账号" if values["disabled_at"] else "启用账号"
    record_for_account(session, outbox, caller, row, row.org_path, action, lines)
