"""Organizations: create, read, children, members, subtree statistics."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.shared.codes import ORG_TYPES

from ..auth import require_session
from .common import call, check_types, children_with_counts, history_flag, path_id, read_json
from .org_cards import CARD_ITEMS
from .spec import BOOL, COUNTS, ID, INT, STR, obj, op, query_param, values


async def create_org(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"name": str, "code": str, "type": (str, int), "parent_id": int})
    created = await call(request, session, "org", "create_org", data=data)
    return JSONResponse(created, status_code=201)


async def get_org(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "get_org", org_id=path_id(request)))


async def org_children(request: Request):
    session = await require_session(request)
    return JSONResponse({"items": await children_with_counts(request, session, path_id(request),
                                                             history_flag(request))})


async def org_members(request: Request):
    session = await require_session(request)
    page = request.query_params.get("page", "1")
    size = request.query_params.get("size", "50")
    return JSONResponse(await call(request, session, "member", "list_members", org_id=path_id(request),
                                   page=page, size=size, history=history_flag(request)))


async def org_stats(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "stats", "subtree_stats", org_id=path_id(request)))


async def org_reconcile(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "stats", "reconcile", org_id=path_id(request)))


routes = [
    Route("/orgs", create_org, methods=["POST"]),
    Route("/orgs/{id}", get_org),
    Route("/orgs/{id}/children", org_children),
    Route("/orgs/{id}/members", org_members),
    Route("/orgs/{id}/stats", org_stats),
    Route("/orgs/{id}/stats/reconcile", org_reconcile, methods=["POST"]),
]

ORG = obj(["id", "name", "code", "type", "path"], id=INT, name=STR, code=STR, type=STR, type_name=STR, path=STR,
          parent_id={"type": ["integer", "null"]}, can_have_children=BOOL,
          in_transit=obj(["leaving", "coming"], leaving={**INT, "description": "正在转出（转接未办结）的党员数"},
                         coming={**INT, "description": "以本组织为接收党组织的未办结转接数"}))
ORG_IN = obj(["name", "code", "type", "parent_id"], name=STR, code=STR, parent_id=INT,
             type={"type": "string", "enum": values(ORG_TYPES), "description": "党组织类别（名称或代码）"},
             **{key: item for key, item in CARD_ITEMS.items() if key not in ("code", "type")})

OPENAPI_PATHS = {
    "/orgs": {"post": op("新建党组织", "已创建", obj(["id"], id=INT, path=STR), ORG_IN, status="201")},
    "/orgs/{id}": {"get": op("党组织信息", "党组织", ORG, params=[ID])},
    "/orgs/{id}/children": {"get": op("下级党组织（含党员数），按排序；history=1 时为已撤销的下级党组织", "列表",
                                      params=[ID, query_param("history", {"type": "string", "enum": ["0", "1"]},
                                                              "1：历史（已撤销）党组织")])},
    "/orgs/{id}/members": {"get": op("本组织党员（分页）：默认为在册党员，history=1 时为历史党员（含减少类型和日期）",
                                     "列表", params=[ID, query_param("page", INT), query_param("size", INT),
                                                   query_param("history", {"type": "string", "enum": ["0", "1"]},
                                                               "1：历史党员（已减少），按离开日期从近到远")])},
    "/orgs/{id}/stats": {"get": op("本组织及下级的党员统计", "统计", obj(
        ["members"], members=obj(["total", "by_sex", "by_category"], total=INT, by_sex=COUNTS,
                                 by_category=COUNTS)), params=[ID])},
    "/orgs/{id}/stats/reconcile": {"post": op("按党员数据重新统计并列出与计数器的差异", "差异列表",
                                              obj(["differences"], differences={"type": "array"},
                                                  total_differences=INT), params=[ID])},
}
