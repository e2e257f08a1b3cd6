"""Sessions and accounts: login, logout, password change, new accounts, and administering
the accounts of one's subtree (list with status, disable/enable, unlock)."""
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..auth import end_session, require_session
from .common import call, check_types, path_id, read_json
from .spec import BOOL, ID, INT, STR, _error, obj, op, query_param


def client_of(request: Request) -> dict:
    """Who is logging in from where, kept with the session for administrators to read."""
    return {"user_agent": request.headers.get("user-agent"), "ip": request.client.host if request.client else None}


async def login(request: Request):
    data = await read_json(request)
    check_types(data, {"username": str, "password": str})
    view = await call(request, None, "org", "authenticate", username=data.get("username"),
                      password=data.get("password"), **client_of(request))
    return JSONResponse({"token": view["token"], "must_change_password": view["must_change_password"],
                         "org_id": view["org_id"]})


async def logout(request: Request):
    session = await require_session(request, allow_password_change_pending=True)
    await end_session(request, session)
    return Response(status_code=204)


async def change_password(request: Request):
    session = await require_session(request, allow_password_change_pending=True)
    data = await read_json(request)
    check_types(data, {"old_password": str, "new_password": str})
    await call(request, session, "org", "change_password", account_id=session.account_id,
               old_password=data.get("old_password"), new_password=data.get("new_password"),
               keep_token=session.token)
    return Response(status_code=204)


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
    Route("/session", login, methods=["POST"]),
    Route("/session", logout, methods=["DELETE"]),
    Route("/session/password", change_password, methods=["POST"]),
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


def _login_op() -> dict:
    operation = op("登录（连续5次失败锁定15分钟）", "令牌（随机、不透明；退出登录即失效）",
                   obj(["token", "must_change_password", "org_id"], token=STR, must_change_password=BOOL, org_id=INT),
                   obj(["username", "password"], username=STR, password=STR), auth=False)
    operation["responses"]["429"] = _error("连续登录失败，账号已锁定（即使密码正确）")
    return operation


def _action(summary: str) -> dict:
    return {"post": op(summary + "（须在本账号管理范围内）", "账号及其状态", ACCOUNT, params=[ID])}


OPENAPI_PATHS = {
    "/session": {"post": _login_op(),
                 "delete": op("退出登录（本会话立即失效）", "已退出", status="204")},
    "/session/password": {"post": op("修改密码（本账号的其他会话随即失效）", "已修改", None,
                                     obj(["old_password", "new_password"], old_password=STR, new_password=STR),
                                     status="204")},
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
