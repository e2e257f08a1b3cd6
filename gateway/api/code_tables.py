"""代码表 (docs/CODES.md): the fixed code tables (national standards and PMIS's own codes, served
read-only by the org service) and the deployment's own lists (转接原因, kept by the transfer
service), one API over both. A fixed table is never changed here (403); a deployment list's edits
go to its owning service, which checks the root scope and the 系统工具 write right itself."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.shared import code_tables as registry

from ..auth import require_session
from ..errors import HttpError
from .common import call, check_types, read_json
from .spec import BOOL, INT, STR, obj, op, path_param

NOT_FOUND = "代码表不存在"
CODE_MAX = 50


def _key(request: Request) -> str:
    key = request.path_params["key"]
    if not registry.known(key):
        raise HttpError(404, "not_found", NOT_FOUND)
    return key


def _deployment_entries(listing: dict) -> list[dict]:
    return [{"code": item["code"], "name": item["name"], "parent": None, "retired": not item["enabled"],
             "used": item["used"], "version": item["version"], "former_names": item.get("former_names", [])}
            for item in listing["items"]]


async def _deployment(request: Request, session, key: str) -> dict:
    table = registry.DEPLOYMENT[key]
    listing = await call(request, session, table.service, "reasons")
    entries = _deployment_entries(listing)
    return {**registry.deployment_summary(table, entries, listing.get("revision", 0), listing["may_edit"]),
            "entries": entries}


async def list_tables(request: Request):
    session = await require_session(request)
    fixed = await call(request, session, "org", "code_tables")
    lists = []
    for key in registry.DEPLOYMENT:
        view = await _deployment(request, session, key)
        view.pop("entries")
        lists.append(view)
    return JSONResponse({"items": [*fixed["items"], *lists]})


async def get_table(request: Request):
    session = await require_session(request)
    key = _key(request)
    if key in registry.DEPLOYMENT:
        return JSONResponse(await _deployment(request, session, key))
    return JSONResponse(await call(request, session, "org", "code_table", key=key))


def _editable(request: Request) -> str:
    """The deployment list being edited; a fixed table is refused whoever asks."""
    key = _key(request)
    if key in registry.FIXED:
        raise HttpError(403, "forbidden", registry.read_only_message(key))
    return key


def _entry(item: dict) -> dict:
    return _deployment_entries({"items": [item]})[0]


async def add_entry(request: Request):
    session = await require_session(request)
    key = _editable(request)
    data = await read_json(request)
    check_types(data, {"code": (str, int), "name": str})
    added = await call(request, session, registry.DEPLOYMENT[key].service, "add_reason",
                       data={"code": data.get("code"), "name": data.get("name")}, code_required=False)
    return JSONResponse(_entry(added), status_code=201)


async def change_entry(request: Request):
    session = await require_session(request)
    key = _editable(request)
    code = request.path_params["code"]
    if len(code) > CODE_MAX:
        raise HttpError(404, "not_found", "代码不存在")
    data = await read_json(request)
    check_types(data, {"name": str, "version": int})  # `retired` is checked by the service
    if "code" in data:
        raise HttpError(400, "validation", "代码不能修改：已有记录使用该代码，可停用后新增代码",
                        {"code": "代码不能修改"})
    change = {field: data[field] for field in ("name", "retired", "version") if field in data}
    changed = await call(request, session, registry.DEPLOYMENT[key].service, "change_reason", code=code,
                         data=change)
    return JSONResponse(_entry(changed))


routes = [
    Route("/code-tables", list_tables),
    Route("/code-tables/{key}", get_table),
    Route("/code-tables/{key}/entries", add_entry, methods=["POST"]),
    Route("/code-tables/{key}/entries/{code}", change_entry, methods=["PATCH"]),
]

# --- OpenAPI ----------------------------------------------------------------------------------
KEY = path_param("key", {"type": "string", "maxLength": registry.KEY_MAX,
                         "description": "代码表：" + "；".join(f"{t.key} {t.name}" for t in registry.FIXED.values())
                         + "；" + "；".join(f"{t.key} {t.name}（可维护）" for t in registry.DEPLOYMENT.values())})
CODE = path_param("code", {"type": "string", "maxLength": CODE_MAX})
SUMMARY = obj(["key", "name", "kind", "standard", "version", "editable", "count"], key=STR, name=STR,
              kind={"type": "string", "enum": list(registry.KIND_NAMES),
                    "description": "；".join(f"{k} {n}" for k, n in registry.KIND_NAMES.items())},
              kind_name=STR, standard={**STR, "description": "所依据的标准或来源"},
              version={**STR, "description": "版本：国家标准的年份；本部署维护的代码表为修订次数"},
              editable={**BOOL, "description": "本账号可维护（仅本部署维护的代码表，根党组织"
                                               "具有系统工具维护权限的账号）"},
              count=INT, used_by={**STR, "description": "使用该代码表的记录"})
ENTRY = obj(["code", "name", "parent", "retired"], code=STR, name=STR,
            parent={"type": ["string", "null"], "description": "上级代码（分层的代码表）"},
            retired={**BOOL, "description": "已停用：新录入不再可选，已有记录仍显示其名称"},
            used={**INT, "description": "使用该代码的记录数（本部署维护的代码表）"}, version=INT,
            former_names={"type": "array", "items": STR, "description": "曾用名称（更名历史，先早后晚）"})
TABLE = {**SUMMARY, "required": [*SUMMARY["required"], "entries"],
         "properties": {**SUMMARY["properties"], "entries": {"type": "array", "items": ENTRY}}}
OPENAPI_PATHS = {
    "/code-tables": {"get": op("代码表：国家标准与本系统代码（只读）及本部署维护的代码表（如转接原因）", "代码表列表",
                               obj(["items"], items={"type": "array", "items": SUMMARY}))},
    "/code-tables/{key}": {"get": op("一个代码表的全部代码（含已停用的）", "代码表", TABLE, params=[KEY])},
    "/code-tables/{key}/entries": {"post": op(
        "新增代码（仅本部署维护的代码表；国家标准代码表只读，返回403）", "新增的代码", ENTRY,
        obj(["name"], code={"type": "string", "pattern": "^[0-9]{2,4}$", "description": "缺省时自动编号"},
            name={"type": "string", "maxLength": 20}), params=[KEY], status="201")},
    "/code-tables/{key}/entries/{code}": {"patch": op(
        "代码更名、停用或启用（代码不能修改，已使用的代码不能删除；国家标准代码表只读，返回403）",
        "修改后的代码", ENTRY,
        obj([], name={"type": "string", "maxLength": 20}, retired=BOOL,
            version={**INT, "description": "读取时的版本（并发修改检查）"}), params=[KEY, CODE])},
}
