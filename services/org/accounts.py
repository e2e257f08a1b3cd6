"""Staff accounts (账号管理, issue 9 §1): creating them, and administering the accounts of one's
subtree (停用, 启用, 解锁). Logins and sessions are sessions.py."""
from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed
from services.shared.paging import page_bounds
from services.shared.passwords import password_problem

from .audit import record_for_account
from .domain.lockout import account_status
from .models import accounts, orgs, outbox
from .passwords import hash_password
from .store import account_by_name, end_sessions, load_org, org_names


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- creating accounts ------------------------------------------------------------------------

def create_account(sessions: sessionmaker, caller: Caller, username, password, org_id) -> dict:
    fields = {}
    if not isinstance(username, str) or not (3 <= len(username.strip()) <= 32):
        fields["username"] = "用户名应为3到32个字符"
    if not isinstance(password, str):
        fields["password"] = "必填"
    elif problem := password_problem(password, str(username)):
        fields["password"] = problem
    if fields:
        raise ValidationFailed("账号信息有误：" + "；".join(fields.values()), fields)
    username = username.strip()
    password_hash = hash_password(password)  # before the transaction: no connection held meanwhile
    try:
        with sessions.begin() as session:
            org = load_org(session, org_id)
            caller.require(org.path)
            # The organization's own names are words an attacker tries first.
            if problem := password_problem(password, username, names=org_names(org)):
                raise ValidationFailed("账号信息有误：" + problem, {"password": problem})
            if existing := account_by_name(session, username):
                raise _taken(username, existing.username)
            account = session.execute(accounts.insert().values(
                username=username, password_hash=password_hash, org_id=org.id, must_change_password=True,
            ).returning(accounts.c.id, accounts.c.username)).first()
            account_id = account.id
            record_for_account(session, outbox, caller, account, org.path, "新建账号", [
                {"field": "用户名", "before": None, "after": username},
                {"field": "所在党组织", "before": None, "after": org.name}])
    except IntegrityError:  # the same name created at the same moment
        raise _taken(username, username) from None
    return {"id": account_id, "username": username, "org_id": org.id}


def _taken(username: str, existing: str) -> Conflict:
    same = "" if existing == username else f"（与已有的“{existing}”仅大小写不同）"
    return Conflict(f"用户名“{username}”已存在{same}", {"username": "用户名已存在"})


def ensure_admin(sessions: sessionmaker, root_id: int, password: str) -> bool:
    """Create `admin` bound to the root with a one-time password; False if it exists."""
    with sessions.begin() as session:
        if account_by_name(session, "admin"):
            return False
        session.execute(accounts.insert().values(username="admin", password_hash=hash_password(password),
                                                 org_id=root_id, must_change_password=True))
        return True


# --- administering accounts (an account whose scope covers the target's organization) ----------

def _listed(row, now: datetime) -> dict:
    status, label = account_status(row.disabled_at, row.locked_until, now)
    return {"id": row.id, "username": row.username, "org_id": row.org_id, "org_name": row.org_name,
            "status": status, "status_label": label,
            "locked_until": row.locked_until.isoformat() if status == "locked" else None,
            "failed_count": row.failed_count, "created_at": row.created_at.isoformat()}


_LISTED = (accounts.c.id, accounts.c.username, accounts.c.org_id, orgs.c.name.label("org_name"),
           accounts.c.disabled_at, accounts.c.locked_until, accounts.c.failed_count, accounts.c.created_at)


def list_accounts(sessions: sessionmaker, caller: Caller, org_id=None, page=1, size=50) -> dict:
    """Accounts of the caller's subtree (or of `org_id`'s, inside it), with their status."""
    page, size = page_bounds(page, size)
    with sessions.begin() as session:
        path = caller.scope_path
        if org_id is not None:
            org = load_org(session, org_id)
            caller.require(org.path)
            path = org.path
        where = orgs.c.path.startswith(path, autoescape=True)
        query = select(*_LISTED).join(orgs, orgs.c.id == accounts.c.org_id).where(where)
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = session.execute(query.order_by(orgs.c.path, func.lower(accounts.c.username))
                               .limit(size).offset((page - 1) * size)).all()
        now = _now()
        return {"items": [_listed(r, now) for r in rows], "total": total, "page": page, "size": size}


def _load_for_admin(session: Session, caller: Caller, account_id):
    if isinstance(account_id, bool) or not isinstance(account_id, int):
        raise NotFound("账号不存在")
    row = session.execute(select(*_LISTED, orgs.c.path).join(orgs, orgs.c.id == accounts.c.org_id)
                          .where(accounts.c.id == account_id).with_for_update(of=accounts)).first()
    if row is None:
        raise NotFound("账号不存在")
    caller.require(row.path, "该账号")
    return row


def _set(sessions: sessionmaker, caller: Caller, account_id, values: dict, action: str,
         ends_sessions: bool = False) -> dict:
    now = _now()
    with sessions.begin() as session:
        row = _load_for_admin(session, caller, account_id)
        if ends_sessions and str(row.id) == caller.user_id:
            raise Conflict("不能停用本人正在使用的账号")
        session.execute(update(accounts).where(accounts.c.id == row.id).values(**values))
        before = account_status(row.disabled_at, row.locked_until, now)[1]
        record_for_account(session, outbox, caller, row, row.path, action, [
            {"field": "状态", "before": before, "after": account_status(
                values.get("disabled_at", row.disabled_at), values.get("locked_until", row.locked_until), now)[1]}])
        if ends_sessions:
            end_sessions(session, row.id, now)
        row = session.execute(select(*_LISTED).join(orgs, orgs.c.id == accounts.c.org_id)
                              .where(accounts.c.id == row.id)).first()
        return _listed(row, now)


def disable_account(sessions: sessionmaker, caller: Caller, account_id) -> dict:
    """停用: no login, and every session of the account ends now."""
    return _set(sessions, caller, account_id, {"disabled_at": _now()}, "停用账号", ends_sessions=True)


def enable_account(sessions: sessionmaker, caller: Caller, account_id) -> dict:
    return _set(sessions, caller, account_id, {"disabled_at": None, "failed_count": 0, "locked_until": None},
                "启用账号")


def unlock_account(sessions: sessionmaker, caller: Caller, account_id) -> dict:
    return _set(sessions, caller, account_id, {"failed_count": 0, "locked_until": None}, "解锁账号")
