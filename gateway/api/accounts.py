"""用户管理 (services/org/accounts.py, roles.py; docs/ACCOUNTS.md): the accounts one administers
(list with role, status and last login; create with a role; edit role, name, phone, 停用/启用;
reset a password to a one-time one; unlock) and the roles with their module rights."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from .common import call, check_types, path_id, read_json
from .spec import BOOL, ID, INT, STR, obj, op, query_param


async def create_account(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"username": str, "password": str, "org_id": int, "role": str, "name": str, "phone": str})
    account = await call(request, session, "org", "create_account", username=data.get("username"),
                         password=data.get("password"), org_id=data.get("org_id"), role=data.get("role"),
                         name=data.get("name"), phone=data.get("phone"))
    return JSONResponse(account, status_code=201)


async def list_accounts(request: Request):
    session = await require_session(request)
    params = request.query_params
    org_id = params.get("org_id") or None
    result = await call(request, session, "org", "list_accounts", org_id=org_id, page=params.get("page", "1"),
                        size=params.get("size", "50"))
    return JSONResponse(result)


async def update_account(request: Request):
    session = await require_session(request)
    account_id = path_id(request)
    data = await read_json(request)
    check_types(data, {"role": str, "name": str, "phone": str})
    data = {key: data[key] for key in ("role", "disabled", "name", "phone") if key in data}
    return JSONResponse(await call(request, session, "org", "update_account", account_id=account_id, data=data))


def account_action(method: str):
    async def act(request: Request):
        session = await require_session(request)
        return JSONResponse(await call(request, session, "org", method, account_id=path_id(request)))
    return act


async def list_roles(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "list_roles"))


async def create_role(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"name": str, "rights": dict})
    role = await call(request, session, "org", "create_role", name=data.get("name"), rights=data.get("rights"))
    return JSONResponse(role, status_code=201)


routes = [
    Route("/accounts", create_account, methods=["POST"]),
    Route("/accounts", list_accounts, methods=["GET"]),
    Route("/accounts/{id}", update_account, methods=["PATCH"]),
    Route("/accounts/{id}/disable", account_action("disable_account"), methods=["POST"]),
    Route("/accounts/{id}/enable", account_action("enable_account"), methods=["POST"]),
    Route("/accounts/{id}/unlock", account_action("unlock_account"), methods=["POST"]),
    Route("/accounts/{id}/reset-password", account_action("reset_password"), methods=["POST"]),
    Route("/roles", list_roles, methods=["GET"]),
    Route("/roles", create_role, methods=["POST"]),
]

NULL_STR = {"type": ["string", "null"]}
ACCOUNT = obj(["id", "username", "org_id", "org_name", "role", "disabled", "status", "status_label"],
              id=INT, username=STR, name=NULL_STR, phone=NULL_STR, org_id=INT, org_name=STR,
              role={**STR, "description": "角色名称（系统管理员、业务管理员、只读或自定义角色）"}, disabled=BOOL,
              status={"type": "string", "enum": ["active", "locked", "disabled"]},
              status_label={**STR, "description": "正常 / 已锁定至… / 已停用"},
              locked_until={"type": ["string", "null"], "format": "date-time"}, failed_count=INT,
              created_at={"type": "string", "format": "date-time"},
              last_login={"type": ["string", "null"], "format": "date-time"},
              last_login_label={**STR, "description": "最近登录（北京时间），或“从未登录”"},
              manageable={**BOOL, "description": "本账号能否管理该账号（否则只可查看）"})
LEVEL = {"type": "string", "enum": ["read", "write", "approve"]}
RIGHTS = {"type": "object", "additionalProperties": LEVEL,
          "description": "模块 → 权限：daily 日常管理, transfer 关系接转, mobility 流动党员, dues 党费, "
                         "orglife 组织生活, development 发展党员, terms 换届, stats 统计报表, system 系统工具；"
                         "read 查看 < write 维护 < approve 审批"}
ROLE = obj(["id", "name", "rights", "builtin"], id=INT, name=STR, rights=RIGHTS, builtin=BOOL, created_by=STR,
           grantable={**BOOL, "description": "本账号能否授予该角色（不超出本账号的权限）"})
REACH = "（本组织的业务用户和下级组织的系统管理员；须有系统工具维护权限）"


def _action(summary: str) -> dict:
    return {"post": op(summary + REACH, "账号及其状态", ACCOUNT, params=[ID])}


OPENAPI_PATHS = {
    "/accounts": {
        "post": op("新建账号（首次登录须修改密码；不指定角色即为系统管理员；不能授予本账号没有的权限）" + REACH,
                   "已创建",
                   obj(["id", "role"], id=INT, username=STR, org_id=INT, role=STR),
                   obj(["username", "password", "org_id"], username=STR, password=STR, org_id=INT, role=STR,
                       name=STR, phone=STR), status="201"),
        "get": op("本账号可见的账号：本组织的全部账号和下级组织的系统管理员，含角色、状态和最近登录", "账号列表",
                  obj(["items", "total", "page", "size"], items={"type": "array", "items": ACCOUNT}, total=INT,
                      page=INT, size=INT),
                  params=[query_param("org_id", INT, "只列出该党组织及其下级的账号"), query_param("page", INT),
                          query_param("size", INT)]),
    },
    "/accounts/{id}": {"patch": op("修改账号：角色、停用/启用、姓名、联系电话（各项可选）" + REACH, "账号及其状态",
                                   ACCOUNT, obj([], role=STR, disabled=BOOL, name=STR, phone=STR), params=[ID])},
    "/accounts/{id}/disable": _action("停用账号（其全部会话立即失效；最后一个省级系统管理员不能停用）"),
    "/accounts/{id}/enable": _action("启用账号"),
    "/accounts/{id}/unlock": _action("解锁账号"),
    "/accounts/{id}/reset-password": {"post": op(
        "重置密码：生成一次性密码（下次登录须修改），该账号的会话随即失效" + REACH, "一次性密码（只显示这一次）",
        obj(["one_time_password"], id=INT, username=STR, one_time_password=STR), params=[ID])},
    "/roles": {
        "get": op("角色及其各模块权限（须有系统工具查看权限）", "角色列表",
                  obj(["items"], items={"type": "array", "items": ROLE})),
        "post": op("新建自定义角色（不能超出本账号的权限；须有系统工具维护权限）", "已创建", ROLE,
                   obj(["name", "rights"], name=STR, rights=RIGHTS), status="201"),
    },
}
