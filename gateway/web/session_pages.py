"""Login (with its own CSRF cookie), logout and the password change."""
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..api.common import call
from ..auth import COOKIE, CSRF_FIELD, SESSION_HOURS, require_session
from ..errors import as_http_error
from .rendering import form_of, render

LOGIN_CSRF_COOKIE = "pmis_login_csrf"


def set_session_cookie(response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")


# --- login, logout, password -------------------------------------------------------------


async def login_page(request: Request, message: str = "", status: int = 200, username: str = ""):
    token = secrets.token_urlsafe(16)
    response = render(request, "login.html", status=status, login_csrf=token, message=message, username=username)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


async def login(request: Request):
    if request.method == "GET":
        return await login_page(request)
    form = await form_of(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not secrets.compare_digest(cookie, form.get(CSRF_FIELD, "")):
        return await login_page(request, "页面已过期，请重新登录", 403)
    try:
        view = await call(request, None, "org", "authenticate", username=form.get("username", ""),
                          password=form.get("password", ""))
    except Exception as exc:  # noqa: BLE001 — shown as the form's message
        error = as_http_error(exc)
        return await login_page(request, error.message, error.status, form.get("username", ""))
    response = RedirectResponse("/password" if view["must_change_password"] else "/", status_code=303)
    set_session_cookie(response, request, request.app.state.tokens.issue(view))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


async def logout(request: Request):
    form = await form_of(request)
    await require_session(request, allow_password_change_pending=True, form_csrf=form.get(CSRF_FIELD))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def password(request: Request):
    if request.method == "GET":
        session = await require_session(request, allow_password_change_pending=True)
        return render(request, "password.html", session=session)
    form = await form_of(request)
    session = await require_session(request, allow_password_change_pending=True, form_csrf=form.get(CSRF_FIELD))
    try:
        view = await call(request, session, "org", "change_password", account_id=session.account_id,
                          old_password=form.get("old_password", ""), new_password=form.get("new_password", ""))
    except Exception as exc:  # noqa: BLE001
        error = as_http_error(exc)
        return render(request, "password.html", status=error.status, session=session, error=error)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, request, request.app.state.tokens.issue(view))
    return response


# --- organizations and members -------------------------------------------------------------
