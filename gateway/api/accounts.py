"""账号管理 (services/org/accounts.py): new accounts, and administering the accounts of one's
subtree (list with status, disable/enable, unlock)."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from .common import call, check_types, path_id, read_json
from .spec import ID, INT, STR, obj, op, query_param


async def create_account(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"username": str, "password": str, "org_id": int})
    account = await call(request, session, "org", "create_account", username=data.get("username"),
                         password=data.get("password"), org_id=data.get("org_id"))
    return JSONResponse(account, status_code=201)


async def list_accounts(request: Request):
    session = await require_session(request)
    params = request.query_params
    org_id = params.get("org_id") or None
    result = await call(request, session, "org", "list_accounts", org_id=org_id, page=params.get("page", "1"),
                        size=params.get("size", "50"))
    return JSONResponse(result)


def account_action(method: str):
    async def act(request: Request):
        session = await require_session(request)
        return JSONResponse(await call(request, session, "org", method, account_id=path_id(request)))
    return act


routes = [
    Route("/accounts", create_account, methods=["POST"]),
    Route("/accounts", list_accounts, methods=["GET"]),
    Route("/accounts/{id}/disable", account_action("disable_account"), methods=["POST"]),
    Route("/accounts/{id}/enable", account_action("enable_account"), methods=["POST"]),
    Route("/accounts/{id}/unlock", account_action("unlock_account"), methods=["POST"]),
]

ACCOUNT = obj(["id", "username", "org_id", "org_name", "status", "status_label"], id=INT, username=STR, org_id=INT,
              org_name=STR, status={"type": "string", "enum": ["active", "locked", "disabled"]},
              status_label={**STR, "description": "正常 / 已锁定至… / 已停用"},
              locked_until={"type": ["string", "null"], "format": "date-time"}, failed_count=INT,
              created_at={"type": "string", "format": "date-time"})



def _action(summary: str) -> dict:
    return {"post": op(summary + "（须在本账号管理范围内）", "账号及其状态", ACCOUNT, params=[ID])}


OPENAPI_PATHS = {
    "/accounts": {
        "post": op("新建账号（须在本账号管理范围内；首次登录须修改密码）", "已创建", obj(["id"], id=INT),
                   obj(["username", "password", "org_id"], username=STR, password=STR, org_id=INT), status="201"),
        "get": op("本账号管理范围内的账号及其状态（正常/已锁定/已停用）", "账号列表",
                  obj(["items", "total", "page", "size"], items={"type": "array", "items": ACCOUNT}, total=INT,
                      page=INT, size=INT),
                  params=[query_param("org_id", INT, "只列出该党组织及其下级的账号"), query_param("page", INT),
                          query_param("size", INT)]),
    },
    "/accounts/{id}/disable": _action("停用账号（其全部会话立即失效）"),
    "/accounts/{id}/enable": _action("启用账号"),
    "/accounts/{id}/unlock": _action("解锁账号"),
}
