"""代码表 (系统工具, docs/CODES.md): the list of code tables, a fixed table's codes (国家标准 or
本系统代码, read-only) and the deployment's own list (转接原因) with the provincial administrator's
forms (reason_pages). Each read is one RPC to the service that holds the table."""
from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.shared import code_tables as registry

from ..api.code_tables import _deployment
from ..api.common import call
from ..auth import require_session
from ..errors import HttpError
from .rendering import render

PAGE = "/code-tables"


async def code_tables_page(request: Request):
    session = await require_session(request)
    fixed = await call(request, session, "org", "code_tables")
    lists = [await _deployment(request, session, key) for key in registry.DEPLOYMENT]
    return render(request, "code_tables.html", session=session, tables=fixed["items"], lists=lists,
                  root=await _root(request, session))


async def code_table_page(request: Request):
    session = await require_session(request)
    key = request.path_params["key"]
    if not registry.known(key):
        raise HttpError(404, "not_found", "代码表不存在")
    if key in registry.DEPLOYMENT:
        return RedirectResponse(registry_page(key), status_code=303)
    table = await call(request, session, "org", "code_table", key=key)
    return render(request, "code_table.html", session=session, table=table, root=await _root(request, session))


async def _root(request: Request, session) -> dict:
    """The account's organization, which the layout's tree starts from."""
    return await call(request, session, "org", "get_org", org_id=session.org_id)


def registry_page(key: str) -> str:
    """Where a deployment list is shown and edited (转接原因: its own page, reason_pages)."""
    return {registry.TRANSFER_REASONS_KEY: "/transfer-reasons"}[key]
