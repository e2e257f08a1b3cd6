"""Sessions and accounts: login, password change, new accounts."""
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..auth import require_session
from .common import call, check_types, read_json
from .spec import BOOL, INT, STR, obj, op


async def login(request: Request):
    data = await read_json(request)
    check_types(data, {"username": str, "password": str})
    view = await call(request, None, "org", "authenticate", username=data.get("username"),
                      password=data.get("password"))
    token = request.app.state.tokens.issue(view)
    return JSONResponse({"token": token, "must_change_password": view["must_change_password"],
                         "org_id": view["org_id"]})


async def change_password(request: Request):
    session = await require_session(request, allow_password_change_pending=True)
    data = await read_json(request)
    check_types(data, {"old_password": str, "new_password": str})
    await call(request, session, "org", "change_password", account_id=session.account_id,
               old_password=data.get("old_password"), new_password=data.get("new_password"))
    return Response(status_code=204)


async def create_account(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"username": str, "password": str, "org_id": int})
    account = await call(request, session, "org", "create_account", username=data.get("username"),
                         password=data.get("password"), org_id=data.get("org_id"))
    return JSONResponse(account, status_code=201)


routes = [
    Route("/session", login, methods=["POST"]),
    Route("/session/password", change_password, methods=["POST"]),
    Route("/accounts", create_account, methods=["POST"]),
]

OPENAPI_PATHS = {
    "/session": {"post": op("登录", "令牌", obj(["token", "must_change_password", "org_id"], token=STR,
                                              must_change_password=BOOL, org_id=INT),
                            obj(["username", "password"], username=STR, password=STR), auth=False)},
    "/session/password": {"post": op("修改密码（修改后请重新登录）", "已修改", None,
                                     obj(["old_password", "new_password"], old_password=STR, new_password=STR),
                                     status="204")},
    "/accounts": {"post": op("新建账号（须在本账号管理范围内；首次登录须修改密码）", "已创建", obj(["id"], id=INT),
                             obj(["username", "password", "org_id"], username=STR, password=STR, org_id=INT),
                             status="201")},
}
