"""批量修改 of organizations (services/org/batch_changes.py, domain/batch_changes.py): the organizations of a
subtree that conditions find get one item set — preview, save, the record, and undo while unchanged."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from .common import call, path_id, read_json
from .spec import ID, INT, STR, obj, op, path_param


async def preview_batch_change(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    return JSONResponse(await call(request, session, "org", "preview_batch_change", org_id=path_id(request), data=data))


async def save_batch_change(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    saved = await call(request, session, "org", "save_batch_change", org_id=path_id(request), data=data)
    return JSONResponse(saved, status_code=201)


async def get_batch_change(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "get_batch_change", batch_id=request.path_params["id"]))


async def undo_batch_change(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "undo_batch_change", batch_id=request.path_params["id"]))


routes = [
    Route("/orgs/{id}/batch/preview", preview_batch_change, methods=["POST"]),
    Route("/orgs/{id}/batch", save_batch_change, methods=["POST"]),
    Route("/org-batches/{id}", get_batch_change),
    Route("/org-batches/{id}/undo", undo_batch_change, methods=["POST"]),
]

NULL_STR = {"type": ["string", "null"]}
CONDITION = obj(["field", "op"], field={"type": "string", "description": "组织情况信息项，如 type、affiliation"},
                op={"type": "string", "enum": ["eq", "ne", "contains", "empty", "not_empty"]},
                value={"description": "eq/ne/contains 时必填（代码项可用名称或代码）"})
BATCH_IN = obj(["field"], conditions={"type": "array", "items": CONDITION, "maxItems": 10},
               field={"type": "string", "description": "要修改的信息项（名称、代码除外）"},
               value={"description": "新值；为空表示清空（系统必填项不能清空）"},
               org_ids={"type": "array", "items": INT,
                        "description": "保存时可带预览结果中的党组织，结果已变化则返回 409"})
BATCH_CHANGE = obj(["id", "name", "old", "new"], id=INT, name=STR, code=STR, old={}, new={}, old_name=NULL_STR,
                   new_name=NULL_STR)
BATCH = obj(["id", "field", "status", "items"], id=STR, org_id=INT, field=STR, field_label=STR, changed=INT,
            status={"type": "string", "enum": ["saved", "undone"]}, items={"type": "array", "items": BATCH_CHANGE})
BATCH_ID = path_param("id", STR)

OPENAPI_PATHS = {
    "/orgs/{id}/batch/preview": {"post": op("批量修改预览：本组织及下级中符合条件的党组织及修改前后的值", "预览",
                                            obj(["changes", "problems"], matched=INT,
                                                changes={"type": "array", "items": BATCH_CHANGE},
                                                problems={"type": "array"}), BATCH_IN, params=[ID])},
    "/orgs/{id}/batch": {"post": op("批量修改保存（每个党组织一个 org_updated 事件）", "已保存", BATCH, BATCH_IN,
                                    params=[ID], status="201")},
    "/org-batches/{id}": {"get": op("批量修改记录", "记录", BATCH, params=[BATCH_ID])},
    "/org-batches/{id}/undo": {"post": op("撤销批量修改（其中的党组织之后未被修改时）", "已撤销", BATCH,
                                          params=[BATCH_ID])},
}
