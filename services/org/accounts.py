"""Staff accounts, logins and server-side sessions (issue 9 §1).

A session is a random opaque token; only its SHA-256 is stored. Every request resolves it here,
so logout, a password change (other sessions), disabling an account or a changed scope take
effect at once. Logins lock after repeated failures; an unknown username costs the same argon2
time as a wrong password.
"""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, Locked, NotFound, Unauthorized, ValidationFailed
from services.shared.paging import page_bounds
from services.shared.passwords import password_expired, password_problem

from .domain.lockout import LOCKED_MESSAGE, account_status, after_failure, is_locked
from .models import accounts, login_sessions, orgs
from .passwords import hash_password, verify_password
from .store import load_org

SESSION_HOURS = 12
# last_seen_at is for people reading the list, not for expiry: one write a minute is enough.
LAST_SEEN_EVERY = timedelta(minutes=1)
BAD_LOGIN = "用户名或密码错误"
SESSION_GONE = "登录已失效，请重新登录"
DISABLED = "账号已停用，请联系管理员"
MAX_TOKEN_LENGTH = 128


def _now() -> datetime:
    return datetime.now(timezone.utc)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _account_by_name(session: Session, username: str):
    return session.execute(select(accounts).where(func.lower(accounts.c.username) == username.strip().lower())).first()


def _view(account, org_name: str, scope_path: str, now: datetime) -> dict:
    """What the gateway needs of a session, read fresh on every request."""
    expired = password_expired(account.password_changed_at, now)
    return {
        "account_id": account.id, "username": account.username, "org_id": account.org_id, "org_name": org_name,
        "scope_path": scope_path, "must_change_password": account.must_change_password or expired,
        "password_expired": expired,
    }


def _end_sessions(session: Session, account_id: int, now: datetime, keep: bytes | None = None) -> None:
    query = update(login_sessions).where(login_sessions.c.account_id == account_id,
                                         login_sessions.c.ended_at.is_(None))
    if keep is not None:
        query = query.where(login_sessions.c.token_hash != keep)
    session.execute(query.values(ended_at=now))


def _start_session(session: Session, account_id: int, now: datetime, user_agent, ip) -> str:
    token = secrets.token_urlsafe(32)
    # Rows of sessions long over are kept a day for whoever reads them, then dropped here.
    session.execute(login_sessions.delete().where(login_sessions.c.account_id == account_id,
                                                  login_sessions.c.expires_at < now - timedelta(days=1)))
    session.execute(login_sessions.insert().values(
        token_hash=token_hash(token), account_id=account_id, created_at=now, last_seen_at=now,
        expires_at=now + timedelta(hours=SESSION_HOURS),
        user_agent=user_agent[:300] if isinstance(user_agent, str) else None,
        ip=ip[:64] if isinstance(ip, str) else None))
    return token


# --- login, sessions, logout ------------------------------------------------------------------

def authenticate(sessions: sessionmaker, username, password, user_agent=None, ip=None) -> dict:
    """Check the credentials and start a session: the view of the account plus its `token`."""
    if not isinstance(username, str) or not isinstance(password, str) or not username.strip():
        verify_password(None, "")  # the same time as any other refusal
        raise Unauthorized(BAD_LOGIN)
    with sessions.begin() as session:
        account = _account_by_name(session, username)
    # Verified outside any transaction: no connection or row lock is held for argon2's time.
    correct = verify_password(account.password_hash if account else None, password)
    if account is None:
        raise Unauthorized(BAD_LOGIN)
    verified_hash, now, refusal = account.password_hash, _now(), None
    with sessions.begin() as session:
        # Decided on the row as it is now, locked, so concurrent guesses are all counted.
        account = session.execute(select(accounts).where(accounts.c.id == account.id).with_for_update()).first()
        correct = correct and account.password_hash == verified_hash  # not changed meanwhile
        if is_locked(account.locked_until, now):
            refusal = Locked(LOCKED_MESSAGE)
        elif not correct:
            failed_count, locked_until = after_failure(account.failed_count, now)
            session.execute(update(accounts).where(accounts.c.id == account.id).values(
                failed_count=failed_count, locked_until=locked_until))
            refusal = Locked(LOCKED_MESSAGE) if locked_until else Unauthorized(BAD_LOGIN)
        elif account.disabled_at is not None:
            refusal = Forbidden(DISABLED)
        else:
            session.execute(update(accounts).where(accounts.c.id == account.id).values(
                failed_count=0, locked_until=None))
            token = _start_session(session, account.id, now, user_agent, ip)
            org = load_org(session, account.org_id)
            return {**_view(account, org.name, org.path, now), "token": token}
    # Raised after the commit: the failure count must be kept.
    raise refusal


def resolve_session(sessions: sessionmaker, token) -> dict:
    """The live session's account view, read fresh each time, or Unauthorized."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise Unauthorized(SESSION_GONE)
    now = _now()
    with sessions.begin() as session:
        row = session.execute(
            select(login_sessions.c.id.label("session_id"), login_sessions.c.last_seen_at,
                   accounts, orgs.c.name.label("org_name"), orgs.c.path.label("org_path"))
            .join(accounts, accounts.c.id == login_sessions.c.account_id)
            .join(orgs, orgs.c.id == accounts.c.org_id)
            .where(login_sessions.c.token_hash == token_hash(token), login_sessions.c.ended_at.is_(None),
                   login_sessions.c.expires_at > now, accounts.c.disabled_at.is_(None))).first()
        if row is None:
            raise Unauthorized(SESSION_GONE)
        if now - row.last_seen_at >= LAST_SEEN_EVERY:
            session.execute(update(login_sessions).where(login_sessions.c.id == row.session_id)
                            .values(last_seen_at=now))
        return _view(row, row.org_name, row.org_path, now)


def end_session(sessions: sessionmaker, token) -> None:
    """Logout: the token is dead at once. Ending an unknown or ended session changes nothing."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return
    with sessions.begin() as session:
        session.execute(update(login_sessions).where(login_sessions.c.token_hash == token_hash(token),
                                                     login_sessions.c.ended_at.is_(None)).values(ended_at=_now()))


def change_password(sessions: sessionmaker, account_id, old_password, new_password, keep_token=None) -> dict:
    """Change the password and end every other session of the account (`keep_token`'s stays)."""
    if isinstance(account_id, bool) or not isinstance(account_id, int):
        raise Unauthorized("账号不存在")
    with sessions.begin() as session:
        account = session.execute(select(accounts).where(accounts.c.id == account_id)).first()
        if account is None:
            raise Unauthorized("账号不存在")
        org = load_org(session, account.org_id)
    # argon2 (verify, then hash) outside any transaction, as for a login.
    if not isinstance(old_password, str) or not verify_password(account.password_hash, old_password):
        raise ValidationFailed("原密码不正确", {"old_password": "原密码不正确"})
    if not isinstance(new_password, str):
        raise ValidationFailed("新密码必填", {"new_password": "必填"})
    if problem := password_problem(new_password, account.username, old_password, _org_names(org)):
        raise ValidationFailed(problem, {"new_password": problem})
    new_hash, now = hash_password(new_password), _now()
    with sessions.begin() as session:
        changed = session.execute(update(accounts).where(
            accounts.c.id == account.id, accounts.c.password_hash == account.password_hash,
        ).values(password_hash=new_hash, must_change_password=False, password_changed_at=now)).rowcount
        if not changed:  # another change won the race: the old password checked here is no longer it
            raise Conflict("密码刚刚已被修改，请重新登录后再试")
        keep = token_hash(keep_token) if isinstance(keep_token, str) and keep_token else None
        _end_sessions(session, account.id, now, keep)
        account = session.execute(select(accounts).where(accounts.c.id == account.id)).first()
        return _view(account, org.name, org.path, now)


def _org_names(org) -> tuple:
    return tuple(n for n in (org.name, getattr(org, "short_name", None)) if n)


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
            if problem := password_problem(password, username, names=_org_names(org)):
                raise ValidationFailed("账号信息有误：" + problem, {"password": problem})
            if existing := _account_by_name(session, username):
                raise _taken(username, existing.username)
            account_id = session.execute(accounts.insert().values(
                username=username, password_hash=password_hash, org_id=org.id, must_change_password=True,
            ).returning(accounts.c.id)).scalar_one()
    except IntegrityError:  # the same name created at the same moment
        raise _taken(username, username) from None
    return {"id": account_id, "username": username, "org_id": org.id}


def _taken(username: str, existing: str) -> Conflict:
    same = "" if existing == username else f"（与已有的“{existing}”仅大小写不同）"
    return Conflict(f"用户名“{username}”已存在{same}", {"username": "用户名已存在"})


def ensure_admin(sessions: sessionmaker, root_id: int, password: str) -> bool:
    """Create `admin` bound to the root with a one-time password; False if it exists."""
    with sessions.begin() as session:
        if _account_by_name(session, "admin"):
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


def _set(sessions: sessionmaker, caller: Caller, account_id, values: dict, end_sessions: bool = False) -> dict:
    now = _now()
    with sessions.begin() as session:
        row = _load_for_admin(session, caller, account_id)
        if end_sessions and str(row.id) == caller.user_id:
            raise Conflict("不能停用本人正在使用的账号")
        session.execute(update(accounts).where(accounts.c.id == row.id).values(**values))
        if end_sessions:
            _end_sessions(session, row.id, now)
        row = session.execute(select(*_LISTED).join(orgs, orgs.c.id == accounts.c.org_id)
                              .where(accounts.c.id == row.id)).first()
        return _listed(row, now)


def disable_account(sessions: sessionmaker, caller: Caller, account_id) -> dict:
    """停用: no login, and every session of the account ends now."""
    return _set(sessions, caller, account_id, {"disabled_at": _now()}, end_sessions=True)


def enable_account(sessions: sessionmaker, caller: Caller, account_id) -> dict:
    return _set(sessions, caller, account_id, {"disabled_at": None, "failed_count": 0, "locked_until": None})


def unlock_account(sessions: sessionmaker, caller: Caller, account_id) -> dict:
    return _set(sessions, caller, account_id, {"failed_count": 0, "locked_until": None})
