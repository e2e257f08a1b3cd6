"""Sessions: login, logout and the password change (services/org/sessions.py); the accounts
themselves (账号管理) are accounts.py."""
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..auth import end_session, require_session
from .common import call, check_types, read_json
from .spec import BOOL, INT, STR, _error, obj, op


def client_of(request: Request) -> dict:
    """Who is logging in from where, kept with the session for administrators to read."""
    return {"user_agent": request.headers.get("user-agent"), "ip": request.client.host if request.client else None}


async def login(request: Request):
    data = await read_json(request)
    check_types(data, {"username": str, "password": str})
    view = await call(request, None, "org", "authenticate", username=data.get("username"),
                      password=data.get("password"), **client_of(request))
    return JSONResponse({"token": view["token"], "must_change_password": view["must_change_password"],
                         "org_id": view["org_id"], "role": view["role"], "rights": view["rights"]})


async def logout(request: Request):
    session = await require_session(request, allow_password_change_pending=True)
    await end_session(request, session)
    return Response(status_code=204)


async def change_password(request: Request):
    session = await require_session(request, allow_password_change_pending=True)
    data = await read_json(request)
    check_types(data, {"old_password": str, "new_password": str})
    await change_own_password(request, session, data.get("old_password"), data.get("new_password"))
    return Response(status_code=204)


async def change_own_password(request: Request, session, old_password, new_password) -> None:
    """This session stays (no longer owing a change); every other session of the account ends.
    What this process kept of them is forgotten at once (the org service's notice tells the others)."""
    await call(request, session, "org", "change_password", account_id=session.account_id,
               old_password=old_password, new_password=new_password, keep_token=session.token)
    request.app.state.sessions.forget()


routes = [
    Route("/session", login, methods=["POST"]),
    Route("/session", logout, methods=["DELETE"]),
    Route("/session/password", change_password, methods=["POST"]),
]

def _login_op() -> dict:
    operation = op("登录（连续5次失败锁定15分钟）", "令牌（随机、不透明；退出登录即失效）",
                   obj(["token", "must_change_password", "org_id"], token=STR, must_change_password=BOOL, org_id=INT,
                       role=STR, rights={"type": "object", "additionalProperties": STR,
                                         "description": "本账号各模块的权限（read / write / approve）"}),
                   obj(["username", "password"], username=STR, password=STR), auth=False)
    operation["responses"]["429"] = _error("连续登录失败，账号已锁定（即使密码正确）")
    return operation


OPENAPI_PATHS = {
    "/session": {"post": _login_op(),
                 "delete": op("退出登录（本会话立即失效）", "已退出", status="204")},
    "/session/password": {"post": op("修改密码（本账号的其他会话随即失效）", "已修改", None,
                                     obj(["old_password", "new_password"], old_password=STR, new_password=STR),
                                     status="204")},
}
