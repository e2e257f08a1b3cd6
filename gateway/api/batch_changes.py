"""批量修改 (services/member/batch_changes.py): one field set to one value for every member a 综合查询
selects — preview, save, the account's recent batches, and undo of a whole batch."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from ..errors import HttpError
from .common import call, check_types, path_id, read_json
from .member_queries import QUERY
from .spec import BOOL, ID, INT, STR, obj, op

BATCH_CHANGE_TYPES = {"field": str, "expected": int}


async def _batch_change_body(request: Request) -> dict:
    data = await read_json(request)
    check_types(data, BATCH_CHANGE_TYPES)
    if not isinstance(data.get("query"), dict):
        raise HttpError(400, "validation", "query 应为查询条件对象", {"query": "应为对象"})
    return data


async def preview_batch_change(request: Request):
    session = await require_session(request)
    data = await _batch_change_body(request)
    return JSONResponse(await call(request, session, "member", "preview_batch_change", data=data))


async def save_batch_change(request: Request):
    session = await require_session(request)
    data = await _batch_change_body(request)
    return JSONResponse(await call(request, session, "member", "save_batch_change", data=data), status_code=201)


async def list_batch_changes(request: Request):
    session = await require_session(request)
    return JSONResponse({"items": await call(request, session, "member", "list_batch_changes")})


async def get_batch_change(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "get_batch_change", batch_id=path_id(request)))


async def undo_batch_change(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "undo_batch_change", batch_id=path_id(request)))


routes = [
    Route("/member-batches", list_batch_changes),
    Route("/member-batches", save_batch_change, methods=["POST"]),
    Route("/member-batches/preview", preview_batch_change, methods=["POST"]),
    Route("/member-batches/{id}", get_batch_change),
    Route("/member-batches/{id}/undo", undo_batch_change, methods=["POST"]),
]

BATCH_IN = obj(["query", "field", "value"], query=QUERY,
               field={"type": "string", "enum": ["ethnicity", "native_place", "education", "occupation"],
                                            "description": "民族、籍贯、学历、工作岗位"},
               value={"type": "string", "description": "新值（代码或名称）"},
               expected={"type": "integer", "description": "预览得到的修改人数；查询结果已变化时返回 409"})
BATCH = obj(["id", "field", "value", "changed", "undone"], id=INT, field=STR, field_label=STR, value=STR,
            value_name=STR, changed=INT, skipped={"type": "array"}, undone=BOOL, items={"type": "array"})

OPENAPI_PATHS = {
    "/member-batches": {
        "get": op("本账号的批量修改记录（最近50次）", "列表", obj(["items"], items={"type": "array", "items": BATCH})),
        "post": op("批量修改：对查询出的党员设置一个信息项（每人记录修改前后，可整批撤销）", "批量修改记录", BATCH,
                   BATCH_IN, status="201")},
    "/member-batches/preview": {"post": op("批量修改预览：每名党员的原值和新值，以及不能修改的原因", "预览",
                                           obj(["total", "changes", "items"], total=INT, changes=INT, unchanged=INT,
                                               problems=INT, items={"type": "array"}), BATCH_IN)},
    "/member-batches/{id}": {"get": op("批量修改记录及每名党员的修改", "批量修改记录", BATCH, params=[ID])},
    "/member-batches/{id}/undo": {"post": op("撤销整批修改（其中有党员在此后又被修改时拒绝，不作任何修改）",
                                             "撤销后的记录", BATCH, params=[ID], body_required=False)},
}
