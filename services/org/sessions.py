"""Logins and server-side sessions, logout and the password change (issue 9 §1); the accounts
themselves (账号管理) are accounts.py.

A session is a random opaque token; only its SHA-256 is stored. Every request resolves it here,
so logout, a password change (other sessions), disabling an account or a changed scope take
effect at once. Logins lock after repeated failures; an unknown username costs the same argon2
time as a wrong password.
"""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, Locked, Unauthorized, ValidationFailed
from services.shared.passwords import password_expired, password_problem
from services.shared.rights import clean_rights

from .audit import record_for_account
from .domain.lockout import CHINA_TIME, LOCKED_MESSAGE, after_failure, is_locked
from .models import accounts, login_sessions, orgs, outbox, roles
from .passwords import hash_password, verify_password
from .store import KEEPS_SESSIONS, account_by_name, end_sessions, load_org, org_names

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


def _view(account, org_name: str, scope_path: str, now: datetime, role) -> dict:
    """What the gateway needs of a session, read fresh on every request: the account's rights go
    into the context data of every call it makes (services/shared/rights.py)."""
    expired = password_expired(account.password_changed_at, now)
    return {
        "account_id": account.id, "username": account.username, "org_id": account.org_id, "org_name": org_name,
        "scope_path": scope_path, "must_change_password": account.must_change_password or expired,
        "password_expired": expired, "role": role.name, "rights": clean_rights(role.rights),
    }


def _role(session: Session, role_id: int):
    return session.execute(select(roles.c.name, roles.c.rights).where(roles.c.id == role_id)).one()


def _start_session(session: Session, account_id: int, now: datetime, user_agent, ip) -> str:
    token = secrets.token_urlsafe(32)
    # Rows of sessions long over are kept a day for whoever reads them, then dropped here.
    session.execute(login_sessions.delete().where(login_sessions.c.account_id == account_id,
                                                  login_sessions.c.expires_at < now - timedelta(days=1))
                    .execution_options(**KEEPS_SESSIONS))
    session.execute(login_sessions.insert().values(
        token_hash=token_hash(token), account_id=account_id, created_at=now, last_seen_at=now,
        expires_at=now + timedelta(hours=SESSION_HOURS),
        user_agent=user_agent[:300] if isinstance(user_agent, str) else None,
        ip=ip[:64] if isinstance(ip, str) else None))
    return token


def _anonymous(ip, request_id: str) -> Caller:
    """Who logs in, for the 操作日志: nobody yet, from `ip`."""
    return Caller(user_id="", scope_path="/", request_id=request_id, ip=ip[:64] if isinstance(ip, str) else "")


def _login_entry(session: Session, caller: Caller, account, path: str, action: str, reason: str | None = None):
    record_for_account(session, outbox, caller, account, path, action,
                       [{"field": "原因", "before": None, "after": reason}] if reason else None)


def authenticate(sessions: sessionmaker, username, password, user_agent=None, ip=None, request_id: str = "") -> dict:
    """Check the credentials and start a session: the view of the account plus its `token`.
    Each outcome is an entry of the 操作日志 (a failure for an unknown name under the root organization)."""
    caller = _anonymous(ip, request_id)
    if not isinstance(username, str) or not isinstance(password, str) or not username.strip():
        verify_password(None, "")  # the same time as any other refusal
        raise Unauthorized(BAD_LOGIN)
    with sessions.begin() as session:
        account = account_by_name(session, username)
    # Verified outside any transaction: no connection or row lock is held for argon2's time.
    correct = verify_password(account.password_hash if account else None, password)
    if account is None:
        with sessions.begin() as session:  # under the root: the province's administrators see it
            root = session.execute(select(orgs.c.path).where(orgs.c.parent_id.is_(None))).scalar() or "/"
            record_for_account(session, outbox, caller, None, root, "登录失败", [
                {"field": "用户名", "before": None, "after": username.strip()[:64]},
                {"field": "原因", "before": None, "after": "用户名不存在"}])
        raise Unauthorized(BAD_LOGIN)
    verified_hash, now, refusal = account.password_hash, _now(), None
    with sessions.begin() as session:
        # Decided on the row as it is now, locked, so concurrent guesses are all counted.
        account = session.execute(select(accounts).where(accounts.c.id == account.id).with_for_update()).first()
        correct = correct and account.password_hash == verified_hash  # not changed meanwhile
        org = load_org(session, account.org_id)
        if is_locked(account.locked_until, now):
            refusal = Locked(LOCKED_MESSAGE)
            _login_entry(session, caller, account, org.path, "登录失败", "账号已锁定")
        elif not correct:
            failed_count, locked_until = after_failure(account.failed_count, now)
            session.execute(update(accounts).where(accounts.c.id == account.id).values(
                failed_count=failed_count, locked_until=locked_until).execution_options(**KEEPS_SESSIONS))
            refusal = Locked(LOCKED_MESSAGE) if locked_until else Unauthorized(BAD_LOGIN)
            attempt = account.failed_count + 1
            _login_entry(session, caller, account, org.path, "登录失败", f"密码错误（连续第{attempt}次）")
            if locked_until:
                _login_entry(session, caller, account, org.path, "账号锁定",
                             f"连续{attempt}次登录失败，锁定至{locked_until.astimezone(CHINA_TIME):%Y-%m-%d %H:%M}")
        elif account.disabled_at is not None:
            refusal = Forbidden(DISABLED)
            _login_entry(session, caller, account, org.path, "登录失败", "账号已停用")
        else:
            session.execute(update(accounts).where(accounts.c.id == account.id).values(
                failed_count=0, locked_until=None, last_login_at=now).execution_options(**KEEPS_SESSIONS))
            token = _start_session(session, account.id, now, user_agent, ip)
            _login_entry(session, caller, account, org.path, "登录")
            return {**_view(account, org.name, org.path, now, _role(session, account.role_id)), "token": token}
    # Raised after the commit: the failure count must be kept.
    raise refusal


def resolve_session(sessions: sessionmaker, token) -> dict:
    """The live session's account view, read fresh each time, or Unauthorized."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise Unauthorized(SESSION_GONE)
    now = _now()
    with sessions() as session:
        # One statement, no transaction around it (every request resolves its session: under a
        # year-end burst a BEGIN and a COMMIT each wait for the backend's turn on the CPU); the rare
        # last_seen write is one statement too, committed by itself.
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        row = session.execute(
            select(login_sessions.c.id.label("session_id"), login_sessions.c.last_seen_at,
                   accounts, orgs.c.name.label("org_name"), orgs.c.path.label("org_path"),
                   roles.c.name.label("role_name"), roles.c.rights.label("role_rights"))
            .join(accounts, accounts.c.id == login_sessions.c.account_id)
            .join(orgs, orgs.c.id == accounts.c.org_id)
            .join(roles, roles.c.id == accounts.c.role_id)
            .where(login_sessions.c.token_hash == token_hash(token), login_sessions.c.ended_at.is_(None),
                   login_sessions.c.expires_at > now, accounts.c.disabled_at.is_(None))).first()
        if row is None:
            raise Unauthorized(SESSION_GONE)
        if now - row.last_seen_at >= LAST_SEEN_EVERY:
            session.execute(update(login_sessions).where(login_sessions.c.id == row.session_id)
                            .values(last_seen_at=now).execution_options(**KEEPS_SESSIONS))
        return _view(row, row.org_name, row.org_path, now, SimpleNamespace(name=row.role_name, rights=row.role_rights))


def end_session(sessions: sessionmaker, token, context: dict | None = None) -> None:
    """Logout: the token is dead at once, and the 操作日志 has its 退出登录 (by the account, from the
    request's `context`). Ending an unknown or ended session changes nothing and records nothing.
    A session that runs out (SESSION_HOURS) is not a write: it is refused when next resolved."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return
    with sessions.begin() as session:
        ended = session.execute(update(login_sessions).where(login_sessions.c.token_hash == token_hash(token),
                                                             login_sessions.c.ended_at.is_(None))
                                .values(ended_at=_now()).returning(login_sessions.c.account_id)).scalar()
        if ended is None:
            return
        account = session.execute(select(accounts).where(accounts.c.id == ended)).first()
        org = load_org(session, account.org_id)
        context = context or {}
        who = Caller(user_id=str(account.id), scope_path=org.path, request_id=str(context.get("request_id") or ""),
                     username=account.username, ip=str(context.get("ip") or ""))
        record_for_account(session, outbox, who, account, org.path, "退出登录")


def change_password(sessions: sessionmaker, account_id, old_password, new_password, keep_token=None,
                    context: dict | None = None) -> dict:
    """Change the password and end every other session of the account (`keep_token`'s stays).
    `context`: the request's context data, for the 操作日志 entry."""
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
    if problem := password_problem(new_password, account.username, old_password, org_names(org)):
        raise ValidationFailed(problem, {"new_password": problem})
    new_hash, now = hash_password(new_password), _now()
    with sessions.begin() as session:
        changed = session.execute(update(accounts).where(
            accounts.c.id == account.id, accounts.c.password_hash == account.password_hash,
        ).values(password_hash=new_hash, must_change_password=False, password_changed_at=now)).rowcount
        if not changed:  # another change won the race: the old password checked here is no longer it
            raise Conflict("密码刚刚已被修改，请重新登录后再试")
        keep = token_hash(keep_token) if isinstance(keep_token, str) and keep_token else None
        end_sessions(session, account.id, now, keep)
        context = context or {}
        who = Caller(user_id=str(account.id), scope_path=org.path, request_id=str(context.get("request_id") or ""),
                     username=account.username, ip=str(context.get("ip") or ""))
        record_for_account(session, outbox, who, account, org.path, "修改密码")
        account = session.execute(select(accounts).where(accounts.c.id == account.id)).first()
        return _view(account, org.name, org.path, now, _role(session, account.role_id))
