"""Login (with its own CSRF cookie), logout and the password change; 账号管理 is account_pages.py."""
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..api.common import call
from ..api.sessions import change_own_password, client_of
from ..auth import CSRF_FIELD, clear_session_cookie, end_session, require_session, set_session_cookie
from ..errors import HttpError, as_http_error
from .rendering import form_of, render

LOGIN_CSRF_COOKIE = "pmis_login_csrf"


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
                          password=form.get("password", ""), **client_of(request))
    except Exception as exc:  # noqa: BLE001 — shown as the form's message
        error = as_http_error(exc)
        return await login_page(request, error.message, error.status, form.get("username", ""))
    response = RedirectResponse("/password" if view["must_change_password"] else "/", status_code=303)
    set_session_cookie(response, request, view["token"])
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


async def logout(request: Request):
    form = await form_of(request)
    session = await require_session(request, allow_password_change_pending=True, form_csrf=form.get(CSRF_FIELD))
    await end_session(request, session)  # the cookie's token is dead even if a copy of it survives
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request)
    return response


async def password(request: Request):
    if request.method == "GET":
        session = await require_session(request, allow_password_change_pending=True)
        return render(request, "password.html", session=session)
    form = await form_of(request)
    session = await require_session(request, allow_password_change_pending=True, form_csrf=form.get(CSRF_FIELD))
    try:
        if form.get("new_password", "") != form.get("confirm_password", ""):
            raise HttpError(400, "validation", "两次输入的新密码不一致", {"confirm_password": "与新密码不一致"})
        await change_own_password(request, session, form.get("old_password", ""), form.get("new_password", ""))
    except Exception as exc:  # noqa: BLE001
        error = as_http_error(exc)
        if error.status >= 500:
            raise error from None
        return render(request, "password.html", status=error.status, session=session, error=error)
    return RedirectResponse("/", status_code=303)
