"""Sessions: a signed token, as a bearer token (API) or an HttpOnly cookie (web).

The token carries the account, its organization and scope path, and whether the password must
be changed; it is signed with PMIS_SECRET_KEY and expires after SESSION_HOURS. Cookie-borne
requests that change something must also present the CSRF token (form field or header),
which is an HMAC of the session token: another site cannot read it, so cannot forge it.
"""
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request

from .errors import HttpError

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

    def context(self, request_id: str) -> dict:
        return {"user_id": str(self.account_id), "username": self.username, "scope_path": self.scope_path,
                "request_id": request_id}


class Tokens:
    def __init__(self, secret: str):
        self.secret = secret.encode()
        self.serializer = URLSafeTimedSerializer(secret, salt="pmis-session")

    def issue(self, view: dict) -> str:
        return self.serializer.dumps({"a": view["account_id"], "u": view["username"], "o": view["org_id"],
                                      "s": view["scope_path"], "m": bool(view["must_change_password"])})

    def read(self, token: str, via_cookie: bool = False) -> Session | None:
        try:
            data = self.serializer.loads(token, max_age=SESSION_HOURS * 3600)
        except BadSignature:
            return None
        return Session(token, data["a"], data["u"], data["o"], data["s"], data["m"], via_cookie)

    def csrf_token(self, session_token: str) -> str:
        return hmac.new(self.secret, session_token.encode(), hashlib.sha256).hexdigest()[:40]

    def csrf_ok(self, session_token: str, presented: str | None) -> bool:
        return bool(presented) and hmac.compare_digest(self.csrf_token(session_token), presented)


def request_id(request: Request) -> str:
    if not hasattr(request.state, "request_id"):
        request.state.request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
    return request.state.request_id


def session_from(request: Request) -> Session | None:
    tokens: Tokens = request.app.state.tokens
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return tokens.read(header[7:].strip())
    cookie = request.cookies.get(COOKIE)
    return tokens.read(cookie, via_cookie=True) if cookie else None


async def require_session(request: Request, allow_password_change_pending: bool = False,
                          form_csrf: str | None = None) -> Session:
    session = session_from(request)
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
