"""系统设置 (services/org/settings.py, docs/SETTINGS.md): the settings in force at an organization
(reminder lead times, the statistics' report date) with where each value comes from, changing them
for the organization's subtree, and their history. The 党费 settings stay at /orgs/{id}/dues/settings."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.shared.settings import SETTINGS

from ..auth import require_session
from .common import call, path_id, read_json
from .spec import BOOL, ID, INT, STR, obj, op, query_param


async def get_settings(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "org_settings", org_id=path_id(request)))


async def put_settings(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    data = await read_json(request)
    return JSONResponse(await call(request, session, "org", "set_org_settings", org_id=org_id, data=data))


async def history(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "org", "settings_history", org_id=path_id(request),
                                   page=params.get("page", "1"), size=params.get("size", "50")))


routes = [
    Route("/orgs/{id}/settings", get_settings),
    Route("/orgs/{id}/settings", put_settings, methods=["PUT"]),
    Route("/orgs/{id}/settings/history", history),
]

VALUE = {"type": ["integer", "string"], "description": "天数（整数），或报告期截止日“月-日”"}
NULL_VALUE = {"type": ["integer", "string", "null"]}
KEYS = "；".join(f"{key} {s.name}" + (f"（{s.min}–{s.max}{s.unit}）" if s.kind == "days" else "（月-日）")
                for key, s in SETTINGS.items())
WHERE = {"type": ["object", "null"], "properties": {"id": {"type": ["integer", "null"]}, "name": STR},
         "description": "生效值设在哪个党组织（null：系统缺省值；id 为 null：本账号管理范围以上的上级党组织）"}
SETTING = obj(["key", "name", "value", "default", "set_at_org", "unit"], key=STR, name=STR, value=VALUE,
              default=VALUE, unit=STR, kind={"type": "string", "enum": ["days", "month_day"]}, note=STR,
              min={"type": ["integer", "null"]}, max={"type": ["integer", "null"]}, set_at_org=WHERE,
              set_here={**BOOL, "description": "是否由本组织设置"}, shown=STR)
SETTINGS_OUT = obj(["org_id", "items"], org_id=INT, org_name=STR, items={"type": "array", "items": SETTING})
CHANGE = obj(["at", "org_id", "key", "name", "before", "after", "username"], id=INT,
             at={"type": "string", "format": "date-time"}, org_id=INT, org_name=STR, key=STR, name=STR,
             before=NULL_VALUE, after=NULL_VALUE, before_shown=STR, after_shown=STR, username=STR)

OPENAPI_PATHS = {
    "/orgs/{id}/settings": {
        "get": op("系统设置：本组织生效的各项设置、缺省值及生效值设在哪个党组织（下级未设置的沿用上级的设置；"
                  "须有系统工具查看权限）", "设置", SETTINGS_OUT, params=[ID]),
        "put": op("修改系统设置（对本组织及下级生效，下级另行设置的除外）：{设置项: 值}，值为 null 即取消本组织的设置"
                  "（恢复继承）；任一项有误则全部不修改。须有系统工具维护权限。设置项：" + KEYS, "修改后的设置",
                  SETTINGS_OUT, {"type": "object", "additionalProperties": NULL_VALUE}, params=[ID]),
    },
    "/orgs/{id}/settings/history": {"get": op(
        "系统设置的修改记录：本组织及本账号管理范围内的上级组织的每次修改（谁、何时、原值→新值），最新的在前",
        "修改记录", obj(["items", "total"], org_id=INT, total=INT, page=INT, size=INT,
                      items={"type": "array", "items": CHANGE}),
        params=[ID, query_param("page", INT), query_param("size", INT)])},
}
