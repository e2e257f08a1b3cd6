"""账号管理 (services/org/accounts.py): the accounts of one's subtree with their status, and
disable/enable/unlock."""
import asyncio

from starlette.requests import Request

from ..api.common import call, path_id
from ..auth import require_session
from ..errors import HttpError
from .rendering import render, submit_form

ACCOUNT_ACTIONS = {"disable": "disable_account", "enable": "enable_account", "unlock": "unlock_account"}


async def accounts_page(request: Request, session=None, error=None, status: int = 200):
    session = session or await require_session(request)
    page = request.query_params.get("page", "1")
    listing, root = await asyncio.gather(call(request, session, "org", "list_accounts", page=page, size=50),
                                         call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "accounts.html", status=status, session=session, listing=listing, root=root,
                  error=error)


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
