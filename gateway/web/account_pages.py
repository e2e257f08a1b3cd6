"""账号管理 (services/org/accounts.py): the accounts of one's subtree with their status, and
create (新建账号), disable/enable/unlock."""
import asyncio

from starlette.requests import Request

from ..api.common import call, path_id
from ..auth import require_session
from ..errors import HttpError
from .rendering import render, submit_form

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
