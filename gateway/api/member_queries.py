"""综合查询 over members and 固定查询 (an account's saved queries); 批量修改 of the members a query
selects is batch_changes.py."""
import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..auth import require_session
from ..errors import HttpError
from ..excel.roster import QUERY_COLUMNS, RosterWriter, parse_columns
from .common import call, check_types, path_id, read_json
from .exports import PAGE, download_operation, workbook_download
from .spec import ID, INT, STR, obj, op, query_param


async def query_fields(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "query_fields"))


def _query_of(data: dict) -> dict:
    return {key: data[key] for key in ("org_id", "history", "where", "sort") if key in data}


async def run_query(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"org_id": int, "sort": str, "page": int, "size": int})
    return JSONResponse(await call(request, session, "member", "combined_query", query=_query_of(data),
                                   page=data.get("page", 1), size=data.get("size", 50)))


def query_param_json(request: Request) -> dict:
    """A query passed in the URL (downloads are links): `?query=` holding its JSON."""
    try:
        query = json.loads(request.query_params.get("query", ""))
    except ValueError:
        raise HttpError(400, "validation", "query 参数应为查询条件的JSON", {"query": "不是有效的JSON"}) from None
    if not isinstance(query, dict):
        raise HttpError(400, "validation", "query 参数应为JSON对象", {"query": "应为对象"})
    return query


async def query_download(request: Request, session, query: dict, title: str):
    """The members a query selects, with the chosen roster columns, streamed page by page
    through the roster writer (the query is checked by the first page, before any row)."""
    try:
        columns = parse_columns(request.query_params.get("columns"), QUERY_COLUMNS)
    except ValueError as exc:
        raise HttpError(400, "validation", str(exc), {"columns": str(exc)}) from None
    first = await call(request, session, "member", "combined_query_page", query=query, after_id=0, limit=PAGE)
    org = await call(request, session, "org", "get_org", org_id=query["org_id"])
    writer = RosterWriter(f"{org['name']} {title}", [QUERY_COLUMNS[key] for key in columns], sheet_name=title[:31])

    async def pages():
        page = first
        while True:
            yield page["items"]
            if page["next_after_id"] is None:
                return
            page = await call(request, session, "member", "combined_query_page", query=query,
                              after_id=page["next_after_id"], limit=PAGE)

    return await workbook_download(request, session, writer, pages(), f"{org['name']}-{title}.xlsx")


async def query_xlsx(request: Request):
    session = await require_session(request)
    return await query_download(request, session, query_param_json(request), "综合查询结果")


# --- 固定查询 ---

async def list_saved(request: Request):
    session = await require_session(request)
    return JSONResponse({"items": await call(request, session, "member", "list_saved_queries")})


async def save_query(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"name": str})
    if not isinstance(data.get("query"), dict):
        raise HttpError(400, "validation", "query 应为查询条件对象", {"query": "应为对象"})
    saved = await call(request, session, "member", "save_query", name=data.get("name"), query=data["query"])
    return JSONResponse(saved, status_code=201)


async def get_saved(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "get_saved_query", saved_id=path_id(request)))


async def rename_saved(request: Request):
    session = await require_session(request)
    saved_id = path_id(request)
    data = await read_json(request)
    check_types(data, {"name": str})
    return JSONResponse(await call(request, session, "member", "rename_saved_query", saved_id=saved_id,
                                   name=data.get("name")))


async def delete_saved(request: Request):
    session = await require_session(request)
    await call(request, session, "member", "delete_saved_query", saved_id=path_id(request))
    return Response(status_code=204)


async def saved_query_of(request: Request, session) -> dict:
    """The saved query, with `?sort=` when given (a result table's sort links)."""
    saved = await call(request, session, "member", "get_saved_query", saved_id=path_id(request))
    query = dict(saved["query"])
    if request.query_params.get("sort"):
        query["sort"] = request.query_params["sort"]
    return {**saved, "query": query}


async def run_saved(request: Request):
    session = await require_session(request)
    saved = await saved_query_of(request, session)
    result = await call(request, session, "member", "combined_query", query=saved["query"],
                        page=request.query_params.get("page", "1"), size=request.query_params.get("size", "50"))
    return JSONResponse({**result, "saved": {"id": saved["id"], "name": saved["name"]}})


async def saved_xlsx(request: Request):
    session = await require_session(request)
    saved = await saved_query_of(request, session)
    return await query_download(request, session, saved["query"], saved["name"])


routes = [
    Route("/member-queries/fields", query_fields),
    Route("/member-queries", run_query, methods=["POST"]),
    Route("/member-queries/members.xlsx", query_xlsx),
    Route("/saved-queries", list_saved),
    Route("/saved-queries", save_query, methods=["POST"]),
    Route("/saved-queries/{id}", get_saved),
    Route("/saved-queries/{id}", rename_saved, methods=["PATCH"]),
    Route("/saved-queries/{id}", delete_saved, methods=["DELETE"]),
    Route("/saved-queries/{id}/members", run_saved),
    Route("/saved-queries/{id}/members.xlsx", saved_xlsx),
]

CONDITION = obj(["field", "operator"], field={"type": "string", "description": "查询项（见 /member-queries/fields）"},
                operator={"type": "string", "enum": ["eq", "ne", "contains", "starts", "gt", "lt", "between", "empty",
                                                     "not_empty"],
                          "description": "等于、不等于、包含、开头是、大于（晚于）、小于（早于）、介于、为空、不为空；"
                                         "可用的运算符取决于查询项的类型"},
                value={"description": "文本、代码（或名称）、日期 YYYY-MM-DD 或整数；"
                                      "介于为 [起, 止]；为空/不为空不需要"})
GROUP = obj(["conditions"], join={"type": "string", "enum": ["and", "or"], "description": "并且 / 或者"},
            conditions={"type": "array", "items": CONDITION})
WHERE = obj([], join=GROUP["properties"]["join"],
            conditions={"type": "array", "items": {"oneOf": [CONDITION, GROUP]},
                        "description": "条件或条件组（只支持一层括号），最多30个条件"})
QUERY = obj(["org_id"], org_id={"type": "integer", "description": "查询范围：本账号管理范围内的党组织（含下级）"},
            history={"type": "boolean", "description": "true 时包括历史党员"}, where=WHERE,
            sort={"type": "string", "description": "排序：name、birth_date、joined_on、id_number、org、left_on，"
                                                   "前加 - 为倒序"})
RESULTS = obj(["total", "page", "size", "items"], total=INT, page=INT, size=INT, query=QUERY, description=STR,
              items={"type": "array"})
SAVED = obj(["id", "name", "query"], id=INT, name=STR, query=QUERY, description=STR)
COLUMNS = query_param("columns", {"type": "string"}, "逗号分隔的列：" + "、".join(
    f"{c.key}（{c.header}）" for c in QUERY_COLUMNS.values()) + "；缺省为全部")

OPENAPI_PATHS = {
    "/member-queries/fields": {"get": op("综合查询可用的查询项（类型、运算符、代码表）和可批量修改的信息项", "查询项",
                                         obj(["fields"], fields={"type": "array"}, batch_fields={"type": "array"}))},
    "/member-queries": {"post": op("综合查询：在本账号管理范围内的党组织（含下级）中按条件查询党员，分页、排序",
                                   "分页结果", RESULTS, {**QUERY, "properties": {**QUERY["properties"], "page": INT,
                                                                      "size": INT}})},
    "/member-queries/members.xlsx": {"get": download_operation("导出综合查询结果（Excel，可选列）", params=[
        query_param("query", {"type": "string"}, "查询条件的JSON（同 POST /member-queries）"), COLUMNS])},
    "/saved-queries": {
        "get": op("本账号的固定查询", "列表", obj(["items"], items={"type": "array", "items": SAVED})),
        "post": op("保存为固定查询（名称在本账号内唯一）", "已保存", SAVED,
                   obj(["name", "query"], name=STR, query=QUERY), status="201")},
    "/saved-queries/{id}": {
        "get": op("固定查询", "固定查询", SAVED, params=[ID]),
        "patch": op("重命名固定查询", "固定查询", SAVED, obj(["name"], name=STR), params=[ID]),
        "delete": op("删除固定查询", "已删除", params=[ID], status="204")},
    "/saved-queries/{id}/members": {"get": op("执行固定查询", "分页结果", RESULTS, params=[
        ID, query_param("page", INT), query_param("size", INT), query_param("sort", STR)])},
    "/saved-queries/{id}/members.xlsx": {"get": download_operation("导出固定查询结果（Excel）", params=[ID, COLUMNS])},
}
