"""用户管理 (services/org/accounts.py, roles.py; docs/ACCOUNTS.md): the accounts one sees with role,
status and last login; create (新建账号, with a role), edit (role, name, phone), reset a password
(the one-time password is shown once, on the answer to that POST), disable/enable/unlock; and
角色管理: the roles with their rights per module, and a new custom role."""
import asyncio

from starlette.requests import Request

from services.shared.rights import LEVEL_LABELS, LEVELS, MODULES

from ..api.common import call, path_id
from ..auth import CSRF_FIELD, require_session
from ..errors import HttpError, as_http_error
from .rendering import form_of, render, submit_form

ACCOUNT_ACTIONS = {"disable": "disable_account", "enable": "enable_account", "unlock": "unlock_account"}


async def accounts_page(request: Request, session=None, error=None, status: int = 200, open_form=None,
                        form_values=None, one_time=None):
    session = session or await require_session(request)
    page = request.query_params.get("page", "1")
    listing, root, roles = await asyncio.gather(call(request, session, "org", "list_accounts", page=page, size=50),
                                                call(request, session, "org", "get_org", org_id=session.org_id),
                                                call(request, session, "org", "list_roles"))
    context = dict(session=session, listing=listing, root=root, roles=roles["items"], one_time=one_time,
                   can_write=session.can("system", "write"))
    if open_form:  # a refused form: its errors beside its fields, not as the page's message
        return render(request, "accounts.html", status=status, form_error=error, open_form=open_form,
                      form_values=form_values or {}, **context)
    return render(request, "accounts.html", status=status, error=error, **context)


async def create_account(request: Request):
    """新建账号: bound to an organization named by its code (the clerk's own by default), with a
    role; it must change its first password at first login."""
    async def perform(session, form):
        code = (form.get("org_code") or "").strip()
        found = (await call(request, session, "org", "orgs_by_code", codes=[code])).get(code) if code else None
        if found is None:
            message = "请填写所在党组织代码" if not code else f"没有代码为“{code}”的党组织"
            raise HttpError(400, "validation", message, {"org_code": message})
        return await call(request, session, "org", "create_account", username=form.get("username", ""),
                          password=form.get("password", ""), org_id=found["id"], role=form.get("role") or None,
                          name=form.get("name") or None, phone=form.get("phone") or None)

    async def rerender(session, form, error):
        values = {key: value for key, value in form.items() if key != "password"}  # never echoed back
        return await accounts_page(request, session, error, error.status, "account", values)

    return await submit_form(request, perform, rerender, "/accounts",
                             "已新建账号，首次登录时须修改初始密码")


async def edit_account(request: Request):
    """修改账号: role, name, phone (empty name or phone: cleared)."""
    account_id = path_id(request)

    async def perform(session, form):
        data = {"name": form.get("name", ""), "phone": form.get("phone", "")}
        if form.get("role"):
            data["role"] = form["role"]
        return await call(request, session, "org", "update_account", account_id=account_id, data=data)

    async def rerender(session, form, error):
        return await accounts_page(request, session, error, error.status, "account-edit",
                                   {**form, "account_id": account_id})

    return await submit_form(request, perform, rerender, "/accounts", lambda a: f"已修改账号“{a['username']}”")


async def reset_password(request: Request):
    """重置密码: the answer shows the one-time password once (never put in a cookie or a URL)."""
    account_id = path_id(request)
    form = await form_of(request)
    session = await require_session(request, form_csrf=form.get(CSRF_FIELD))
    try:
        reset = await call(request, session, "org", "reset_password", account_id=account_id)
    except Exception as exc:  # noqa: BLE001 — shown on the page, or as an error page
        error = as_http_error(exc)
        if error.status >= 500 or error.status in (401, 403, 404):
            raise error from None
        return await accounts_page(request, session, error, error.status)
    response = await accounts_page(request, session, one_time=reset)
    response.headers["Cache-Control"] = "no-store"
    return response


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


# --- 角色管理 ---------------------------------------------------------------------------------------

async def roles_page(request: Request, session=None, error=None, status: int = 200, form_values=None):
    session = session or await require_session(request)
    roles, root = await asyncio.gather(call(request, session, "org", "list_roles"),
                                       call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "roles.html", status=status, session=session, roles=roles["items"], root=root,
                  modules=MODULES, levels=LEVELS, level_labels=LEVEL_LABELS, can_write=session.can("system", "write"),
                  right_keys=["name", "rights", *(f"rights.{m}" for m in MODULES)],
                  form_error=error, open_form="role" if error else None, form_values=form_values or {})


async def create_role(request: Request):
    async def perform(session, form):
        rights = {m: form[f"rights-{m}"] for m in MODULES if form.get(f"rights-{m}")}
        return await call(request, session, "org", "create_role", name=form.get("name", ""), rights=rights)

    async def rerender(session, form, error):
        return await roles_page(request, session, error, error.status, form)

    return await submit_form(request, perform, rerender, "/roles", lambda r: f"已新建角色“{r['name']}”")
