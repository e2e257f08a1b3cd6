"""Sessions: a random opaque token, as a bearer token (API) or an HttpOnly cookie (web).

The org service keeps sessions (only the token's SHA-256) and resolves a token by RPC; this
process keeps what it resolved for a few seconds (session_cache.py) and forgets all of it whenever
the org service announces a change to an account, a role, an organization or a session, so
logout, a password change or a disabled account end a session at once, and the account's scope
and must-change flag stay current, while most requests check their session with no RPC (an RPC
round trip was a fifth of a report read during a year-end burst). Cookie-borne requests
that change something must also present the CSRF token (form field or header), an HMAC of
the session token keyed with PMIS_SECRET_KEY: another site cannot read it, so cannot forge it.
"""
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field

from starlette.requests import Request

from services.shared.context import encode_rights
from services.shared.rights import allows, missing_right

from .errors import HttpError
from .rpc import RemoteError

COOKIE = "pmis_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SESSION_HOURS = 12
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Session:
    token: str
    account_id: int
    username: str
    org_id: int
    scope_path: str
    must_change_password: bool
    via_cookie: bool = False
    role: str = ""
    # Module rights (services/shared/rights.py), read fresh with the session on every request: the
    # services check them; pages use them only to hide what would be refused.
    rights: dict = field(default_factory=dict, hash=False)

    def context(self, request_id: str) -> dict:
        return {"user_id": str(self.account_id), "username": self.username, "scope_path": self.scope_path,
                "request_id": request_id, "rights": encode_rights(self.rights)}

    def can(self, module: str, level: str = "read") -> bool:
        return allows(self.rights, module, level)

    def may_call(self, service: str, method: str) -> bool:
        """Whether the services would let this account make the RPC (the one map, rights.py)."""
        return missing_right(self.rights, service, method) is None


def session_of(token: str, view: dict, via_cookie: bool = False) -> Session:
    return Session(token, view["account_id"], view["username"], view["org_id"], view["scope_path"],
                   bool(view["must_change_password"]), via_cookie, view.get("role") or "",
                   dict(view.get("rights") or {}))


class Tokens:
    """The CSRF tokens of sessions (the session tokens themselves come from the org service)."""

    def __init__(self, secret: str):
        self.secret = secret.encode()

    def csrf_token(self, session_token: str) -> str:
        return hmac.new(self.secret, session_token.encode(), hashlib.sha256).hexdigest()[:40]

    def csrf_ok(self, session_token: str, presented: str | None) -> bool:
        return bool(presented) and hmac.compare_digest(self.csrf_token(session_token), presented)


def _cookie_flags(request: Request) -> dict:
    return {"httponly": True, "samesite": "lax", "secure": request.url.scheme == "https", "path": "/"}


def set_session_cookie(response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=SESSION_HOURS * 3600, **_cookie_flags(request))


def clear_session_cookie(response, request: Request) -> None:
    """Expire the cookie with the flags it was set with, or a browser keeps sending it."""
    response.delete_cookie(COOKIE, **_cookie_flags(request))


def request_id(request: Request) -> str:
    if not hasattr(request.state, "request_id"):
        request.state.request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
    return request.state.request_id


def presented_token(request: Request) -> tuple[str | None, bool]:
    """(token, via_cookie): the bearer header wins over the cookie."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None, False
    return request.cookies.get(COOKIE) or None, True


async def resolve_session(request: Request) -> Session | None:
    """The request's live session, asked of the org service once per request."""
    if hasattr(request.state, "session"):
        return request.state.session
    token, via_cookie = presented_token(request)
    session = None
    if token:
        kept = request.app.state.sessions
        view = kept.get(token)
        try:
            if view is None:
                generation = kept.generation
                view = await request.app.state.rpc.call("org", "resolve_session",
                                                        {"request_id": request_id(request)}, token=token)
                kept.put(token, view, generation)
            session = session_of(token, view, via_cookie)
        except RemoteError as exc:
            if exc.exc_type != "Unauthorized":
                raise
    request.state.session = session
    return session


def session_from(request: Request) -> Session | None:
    """The session already resolved for this request (for error pages), else None."""
    return getattr(request.state, "session", None)


def dead_session_cookie(request: Request) -> bool:
    """The request carried a session cookie that the org service no longer accepts (logged out
    elsewhere, password changed, account disabled, expired)."""
    token, via_cookie = presented_token(request)
    return bool(token) and via_cookie and hasattr(request.state, "session") and request.state.session is None


async def end_session(request: Request, session: Session) -> None:
    context = session.context(request_id(request))
    context["ip"] = request.client.host if request.client else ""  # the 退出登录 entry's (as api.common.call)
    await request.app.state.rpc.call("org", "end_session", context, token=session.token)
    request.app.state.sessions.forget(session.token)  # at once here; the org service's notice tells the others
    request.state.session = None


async def require_session(request: Request, allow_password_change_pending: bool = False,
                          form_csrf: str | None = None) -> Session:
    session = await resolve_session(request)
    if session is None:
        raise HttpError(401, "unauthorized", "请先登录")
    if session.via_cookie and request.method not in SAFE_METHODS:
        presented = request.headers.get(CSRF_HEADER) or form_csrf
        if not request.app.state.tokens.csrf_ok(session.token, presented):
            raise HttpError(403, "csrf", "页面已过期，请刷新后重试")
    if session.must_change_password and not allow_password_change_pending:
        raise HttpError(403, "password_change_required", "首次登录或密码已过期，请先修改密码")
    return session


def new_secret() -> str:
    return secrets.token_urlsafe(32)
