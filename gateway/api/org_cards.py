"""The organization card: edit, 单位信息 and 组织奖惩, 更名, 撤销 and 恢复, delete, sort, move, history,
search (in use or 历史) and 校核 (JSON and Excel); 批量修改 is org_batch_changes.py, the 党组织采集表 import
org_imports.py."""

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.shared.codes import (
    BODY_LEVELS,
    INDUSTRIES,
    ORG_AFFILIATIONS,
    ORG_SANCTION_KINDS,
    ORG_TYPES,
    PARTY_SETUPS,
    UNIT_CATEGORIES,
)

from ..auth import require_session
from ..errors import HttpError
from ..excel.roster import RosterColumn, RosterWriter
from .common import call, check_types, history_flag, path_id, read_json
from .exports import download_operation, workbook_download
from .spec import BOOL, DATE, ID, INT, STR, obj, op, path_param, query_param, values

ENTRY_KINDS = {"units": "unit", "sanctions": "sanction"}  # path segment → the org service's info set


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "").strip().lower()
    if value not in ("", "0", "1", "true", "false"):
        raise HttpError(400, "validation", f"{name} 参数应为 1 或 0", {name: "应为1或0"})
    return value in ("1", "true")


def _entry_kind(request: Request) -> str:
    return ENTRY_KINDS[request.url.path.rstrip("/").split("/")[5]]  # /api/v1/orgs/{id}/<kind>[/{entry}]


async def card_fields(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "card_fields"))


async def update_org(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    return JSONResponse(await call(request, session, "org", "update_org", org_id=path_id(request), data=data))


async def rename_org(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"name": str, "version": int})
    return JSONResponse(await call(request, session, "org", "rename_org", org_id=path_id(request),
                                   name=data.get("name"), version=data.get("version")))


async def _action(request: Request, method: str, optional_body: bool):
    session = await require_session(request)
    data = await read_json(request, optional=optional_body)
    return JSONResponse(await call(request, session, "org", method, org_id=path_id(request), data=data))


async def revoke_org(request: Request):
    return await _action(request, "revoke_org", optional_body=False)


async def move_org(request: Request):
    return await _action(request, "move_org", optional_body=False)


async def restore_org(request: Request):
    return await _action(request, "restore_org", optional_body=True)


async def sort_org(request: Request):
    return await _action(request, "sort_org", optional_body=False)


async def delete_org(request: Request):
    session = await require_session(request)
    version = request.query_params.get("version")
    return JSONResponse(await call(request, session, "org", "delete_org", org_id=path_id(request),
                                   data={"version": version} if version else {}))


async def add_entry(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    created = await call(request, session, "org", "save_entry", org_id=path_id(request), kind=_entry_kind(request),
                         data=data)
    return JSONResponse(created, status_code=201)


async def change_entry(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    return JSONResponse(await call(request, session, "org", "save_entry", org_id=path_id(request),
                                   kind=_entry_kind(request), data=data, entry_id=path_id(request, "entry")))


async def remove_entry(request: Request):
    session = await require_session(request)
    version = request.query_params.get("version")
    return JSONResponse(await call(request, session, "org", "remove_entry", org_id=path_id(request),
                                   kind=_entry_kind(request), entry_id=path_id(request, "entry"),
                                   data={"version": version} if version else {}))


async def org_history(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "org_history", org_id=path_id(request),
                                   page=request.query_params.get("page", "1")))


async def search_orgs(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "org", "search_orgs", q=params.get("q", ""),
                                   history=history_flag(request), under=params.get("under") or None,
                                   page=params.get("page", "1")))


async def check_orgs(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "check_orgs", org_id=path_id(request),
                                   subtree=_flag(request, "subtree")))


CHECK_COLUMNS = [RosterColumn("org_name", "党组织名称", 36), RosterColumn("org_code", "党组织代码", 16),
                 RosterColumn("type_name", "党组织类别", 12), RosterColumn("message", "问题", 60)]


async def check_workbook(request: Request):
    session = await require_session(request)
    result = await call(request, session, "org", "check_orgs", org_id=path_id(request),
                        subtree=_flag(request, "subtree"))
    writer = RosterWriter(f"{result['org_name']} 党组织信息校核结果（{'通过' if result['passed'] else '未通过'}）",
                          CHECK_COLUMNS, sheet_name="校核结果")

    async def pages():
        yield result["problems"]

    return await workbook_download(request, session, writer, pages(), f"{result['org_name']}-校核结果.xlsx")




routes = [
    Route("/orgs", search_orgs, methods=["GET"]),
    Route("/org-fields", card_fields),
    Route("/orgs/{id}", update_org, methods=["PATCH"]),
    Route("/orgs/{id}", delete_org, methods=["DELETE"]),
    Route("/orgs/{id}/rename", rename_org, methods=["POST"]),
    Route("/orgs/{id}/revoke", revoke_org, methods=["POST"]),
    Route("/orgs/{id}/move", move_org, methods=["POST"]),
    Route("/orgs/{id}/restore", restore_org, methods=["POST"]),
    Route("/orgs/{id}/sort", sort_org, methods=["POST"]),
    Route("/orgs/{id}/history", org_history),
    Route("/orgs/{id}/check", check_orgs),
    Route("/orgs/{id}/check.xlsx", check_workbook),
    *[route for kind in ENTRY_KINDS for route in (
        Route(f"/orgs/{{id}}/{kind}", add_entry, methods=["POST"]),
        Route(f"/orgs/{{id}}/{kind}/{{entry}}", change_entry, methods=["PATCH"]),
        Route(f"/orgs/{{id}}/{kind}/{{entry}}", remove_entry, methods=["DELETE"]))],
]

# --- OpenAPI ---------------------------------------------------------------------------------

NULL_STR, NULL_DATE = {"type": ["string", "null"]}, {"type": ["string", "null"], "format": "date"}
VERSION = {"type": "integer", "description": "读取党组织信息时得到的 version；已被他人修改时返回 409，不作任何修改"}
OPTIONAL_VERSION = {**VERSION, "description": "可选：读取时的 version，已过期则返回 409"}


def _code(table, note: str = "") -> dict:
    return {"type": ["string", "null"], "enum": values(table) + [None],
            "description": f"{table.name_zh}（名称或代码）{note}"}


CARD_ITEMS = dict(
    short_name=NULL_STR, code=STR, type={"type": "string", "enum": values(ORG_TYPES)},
    affiliation=_code(ORG_AFFILIATIONS, "；必填项（可暂缺，校核列出）"),
    established_on={**NULL_DATE, "description": "成立日期；必填项，不晚于今天"},
    contact_person={**NULL_STR, "description": "联系人；必填项"},
    contact_phone={**NULL_STR, "description": "联系电话；必填项"},
    address=NULL_STR, postcode={"type": ["string", "null"], "pattern": "^[0-9]{6}$"})
CARD_CHANGES = {"type": "object", "required": ["version"], "additionalProperties": False,
                "description": "只需提交要修改的项；名称请用“更名”，上级党组织须整建制转移",
                "properties": {"version": VERSION, **CARD_ITEMS}}
UNIT = obj(["name", "category", "party_setup"], name=STR, category=_code(UNIT_CATEGORIES),
           party_setup=_code(PARTY_SETUPS), industry=_code(INDUSTRIES, "（GB/T 4754 门类）"),
           credit_code={"type": ["string", "null"], "description": "统一社会信用代码，18位"},
           version=OPTIONAL_VERSION)
SANCTION = obj(["kind", "name", "approved_on", "approver"], kind=_code(ORG_SANCTION_KINDS), name=STR,
               approved_on=DATE, approver={"type": "string", "description": "批准机关"},
               level=_code(BODY_LEVELS, "；批准机关级别，选填：奖励按它计入年报表12表彰（不填计为“未填写”）"),
               reason={"type": ["string", "null"], "maxLength": 500}, version=OPTIONAL_VERSION)
CHANGED = obj(["id", "version"], id=INT, version=INT)
ENTRY = path_param("entry", INT)
VERSION_QUERY = query_param("version", INT, "可选：读取时的 version，已过期则返回 409")
PROBLEM = obj(["org_id", "org_name", "field", "message"], org_id=INT, org_name=STR, org_code=STR, type_name=STR,
              field=STR, message=STR)
SUBTREE = query_param("subtree", {"type": "string", "enum": ["0", "1"]}, "1：校核本组织及所有下级党组织")

OPENAPI_PATHS = {
    "/orgs": {"get": op("查询党组织：名称包含或代码开头；history=1 时查询历史（已撤销）党组织", "分页结果",
                        obj(["total", "items"], total=INT, page=INT, size=INT, items={"type": "array"}),
                        params=[query_param("q", STR), query_param("history", {"type": "string", "enum": ["0", "1"]}),
                                query_param("under", INT, "只查该党组织及其下级"), query_param("page", INT)])},
    "/org-fields": {"get": op("党组织卡片各信息集的信息项：名称、是否系统必填（*）或必填项、代码表选项", "信息项")},
    "/orgs/{id}": {
        "patch": op("修改组织情况信息集（须带读取时的 version）", "修改后的版本", CHANGED, CARD_CHANGES, params=[ID]),
        "delete": op("删除党组织（无下级党组织、无在册和历史党员、无绑定账号时）", "已删除",
                     obj(["id", "deleted"], id=INT, deleted=BOOL), params=[ID, VERSION_QUERY])},
    "/orgs/{id}/rename": {"post": op("党组织更名（原名称保留在历史中）", "更名后", obj(["id", "name", "version"],
                                     id=INT, name=STR, version=INT),
                                     obj(["name"], name=STR, version=OPTIONAL_VERSION), params=[ID])},
    "/orgs/{id}/revoke": {"post": op("撤销党组织：转入历史党组织（无在用下级党组织和在册党员时）", "撤销后",
                                     obj(["id", "status", "version"], id=INT, status=STR, version=INT),
                                     obj(["date", "reason"], date={**DATE, "description": "撤销日期，不晚于今天"},
                                         reason={"type": "string", "maxLength": 500}, version=OPTIONAL_VERSION),
                                     params=[ID])},
    "/orgs/{id}/move": {"post": op(
        "移动党组织：连同全部下级党组织和党员移到另一上级党组织之下（须带读取时的 version；"
        "不能移到本组织或其下级之下、已撤销的组织或党支部之下；源或目标超出管理范围返回 403）", "移动后",
        obj(["id", "parent_id", "path", "version"], id=INT, parent_id=INT, path=STR, version=INT),
        obj(["parent_id", "date", "reason", "version"], parent_id={**INT, "description": "新的上级党组织"},
            date={**DATE, "description": "移动日期，不晚于今天、不早于成立日期"},
            reason={"type": "string", "maxLength": 500}, version={**VERSION, "description": "读取时的 version"}),
        params=[ID])},
    "/orgs/{id}/restore": {"post": op("恢复已撤销的党组织（上级党组织须在用）", "恢复后",
                                      obj(["id", "status", "version"], id=INT, status=STR, version=INT),
                                      obj([], version=OPTIONAL_VERSION), params=[ID], body_required=False)},
    "/orgs/{id}/sort": {"post": op("在同级党组织中排序：上移、下移或指定位置", "新位置",
                                   obj(["position"], id=INT, position=INT, siblings=INT),
                                   obj([], move={"type": "string", "enum": ["up", "down"]},
                                       position={"type": "integer", "minimum": 1}), params=[ID])},
    "/orgs/{id}/history": {"get": op("党组织的变更历史（新建、修改前后值、更名、撤销、单位和奖惩变化；操作人和时间）",
                                     "历史", params=[ID, query_param("page", INT)])},
    "/orgs/{id}/check": {"get": op("校核：必填项缺失、党组织类别与党员人数不符，逐条列出", "校核结果",
                                   obj(["passed", "problems"], passed=BOOL, checked=INT, truncated=BOOL,
                                       problems={"type": "array", "items": PROBLEM}), params=[ID, SUBTREE])},
    "/orgs/{id}/check.xlsx": {"get": download_operation("导出校核结果（Excel）", params=[ID, SUBTREE])},
    **{path: item for kind, (what, schema) in {"units": ("单位信息", UNIT), "sanctions": ("组织奖惩", SANCTION)}.items()
       for path, item in (
        (f"/orgs/{{id}}/{kind}", {"post": op(f"新增一条{what}", "已新增", obj(["id", "version"], id=INT, org_id=INT,
                                                                               version=INT),
                                            schema, params=[ID], status="201")}),
        (f"/orgs/{{id}}/{kind}/{{entry}}", {
            "patch": op(f"修改一条{what}（整条提交）", "修改后", obj(["id", "version"], id=INT, version=INT), schema,
                        params=[ID, ENTRY]),
            "delete": op(f"删除一条{what}", "已删除", obj(["version"], org_id=INT, version=INT),
                         params=[ID, ENTRY, VERSION_QUERY])}))},

}
