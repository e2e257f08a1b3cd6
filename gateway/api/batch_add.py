"""批量添加 (services/member/batch_add.py, domain/batch_add.py): one work post, 民主评议 grade or training to many
members of a subtree — preview (who gets it, who is refused and why), commit, and undo of the whole batch."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.member.contract import BATCH_SETS, INFO_SETS

from ..auth import require_session
from .common import call, check_types, path_id, read_json
from .info_sets import row_schema
from .spec import ID, INT, STR, obj, op, path_param

BATCH_TYPES = {"info_set": str, "values": dict, "member_ids": list}


async def _batch(request: Request, method: str, status: int):
    session = await require_session(request)
    org_id = path_id(request)
    data = await read_json(request)
    check_types(data, BATCH_TYPES)
    return JSONResponse(await call(request, session, "member", method, org_id=org_id, data=data), status_code=status)


async def preview_batch_add(request: Request):
    return await _batch(request, "preview_batch_add", 200)


async def commit_batch_add(request: Request):
    return await _batch(request, "commit_batch_add", 201)


async def undo_batch_add(request: Request):
    session = await require_session(request)
    undone = await call(request, session, "member", "undo_batch_add", batch_id=request.path_params["batch_id"])
    return JSONResponse(undone)


routes = [
    Route("/orgs/{id}/batches/preview", preview_batch_add, methods=["POST"]),
    Route("/orgs/{id}/batches", commit_batch_add, methods=["POST"]),
    Route("/batches/{batch_id}/undo", undo_batch_add, methods=["POST"]),
]

BATCH_IN = {"type": "object", "required": ["info_set", "values", "member_ids"], "properties": {
    "info_set": {"type": "string", "enum": list(BATCH_SETS), "description": "、".join(
        INFO_SETS[key].label for key in BATCH_SETS)},
    "values": {"oneOf": [row_schema(key, False) for key in BATCH_SETS],
               "description": "要添加的一条信息（字段同该信息集）"},
    "member_ids": {"type": "array", "items": INT, "maxItems": 500, "description": "本组织及下级的党员编号"}}}
ENTRY = obj(["member_id", "name"], member_id=INT, name=STR,
            reason={"type": "string", "description": "不能添加的原因（如该年度已有民主评议结果）"})
DECIDED = {"info_set": STR, "values": {"type": "object"}, "accepted": {"type": "array", "items": ENTRY},
           "refused": {"type": "array", "items": ENTRY}}

OPENAPI_PATHS = {
    "/orgs/{id}/batches/preview": {"post": op("批量添加预览：哪些党员将添加、哪些不能添加及原因（不写入）", "预览",
                                              obj(["accepted", "refused"], **DECIDED), BATCH_IN, params=[ID])},
    "/orgs/{id}/batches": {"post": op("批量添加工作岗位或民主评议信息（每名党员记一次变动）", "已添加",
                                      obj(["id", "accepted", "refused"], id={"type": ["string", "null"],
                                                                             "description": "批次编号，用于撤销"},
                                          **DECIDED), BATCH_IN, params=[ID], status="201")},
    "/batches/{batch_id}/undo": {"post": op(
        "撤销整批批量添加；批量添加后有党员信息又有变动时拒绝（409）并列出这些党员", "已撤销",
        obj(["id", "undone"], id=STR, info_set=STR, label=STR, undone=INT),
        params=[path_param("batch_id", STR)])},
}
