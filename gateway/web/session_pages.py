"""Login (with its own CSRF cookie), logout, the password change, and 账号管理 (the accounts
of one's subtree: status, disable/enable, unlock)."""
import asyncio
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..api.common import call, path_id
from ..api.sessions import client_of
from ..auth import CSRF_FIELD, clear_session_cookie, end_session, require_session, set_session_cookie
from ..errors import HttpError, as_http_error
from .rendering import form_of, render, submit_form

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
        # This session stays; every other session of the account ends.
        await call(request, session, "org", "change_password", account_id=session.account_id,
                   old_password=form.get("old_password", ""), new_password=form.get("new_password", ""),
                   keep_token=session.token)
    except Exception as exc:  # noqa: BLE001
        error = as_http_error(exc)
        if error.status >= 500:
            raise error from None
        return render(request, "password.html", status=error.status, session=session, error=error)
    return RedirectResponse("/", status_code=303)


# --- 账号管理 ------------------------------------------------------------------------------------

ACCOUNT_ACTIONS = {"disable": "disable_account", "enable": "enable_account", "unlock": "unlock_account"}


async def accounts_page(request: Request, session=None, error=None, status: int = 200, open_form=None,
                        form_values=None):
    session = session or await require_session(request)
    page = request.query_params.get("page", "1")
    listing, root = await asyncio.gather(call(request, session, "org", "list_accounts", page=page, size=50),
                                         call(request, session, "org", "get_org", org_id=session.org_id))
    if open_form:  # a refused form: its errors beside its fields, not as the page's message
        return render(request, "accounts.html", status=status, session=session, listing=listing, root=root,
                      form_error=error, open_form=open_form, form_values=form_values or {})
    return render(request, "accounts.html", status=status, session=session, listing=listing, root=root,
                  error=error)


async def create_account(request: Request):
    """新建账号: bound to an organization named by its code (the clerk's own by default); it must
    change its first password at first login."""
    async def perform(session, form):
        code = (form.get("org_code") or "").strip()
        found = (await call(request, session, "org", "orgs_by_code", codes=[code])).get(code) if code else None
        if found is None:
            message = "请填写所在党组织代码" if not code else f"没有代码为“{code}”的党组织"
            raise HttpError(400, "validation", message, {"org_code": message})
        return await call(request, session, "org", "create_account", username=form.get("username", ""),
                          password=form.get("password", ""), org_id=found["id"])

    async def rerender(session, form, error):
        values = {key: value for key, value in form.items() if key != "password"}  # never echoed back
        return await accounts_page(request, session, error, error.status, "account", values)

    return await submit_form(request, perform, rerender, "/accounts",
                             "已新建账号，首次登录时须修改初始密码")


async def account_action(request: Request):
    action = request.path_params["action"]
    if action not in ACCOUNT_ACTIONS:
        raise HttpError(404, "not_found", "资源不存在")
    account_id = path_id(request)

    async def perform(session, form):
        return await call(request, session, "org", ACCOUNT_ACTIONS[action], account_id=account_id)

    async def rerender(session, form, error):
        return await accounts_page(request, session, error, error.status)

    return await submit_form(request, perform, rerender, "/accounts")


# --- organizations and members -------------------------------------------------------------
