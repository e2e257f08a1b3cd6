"""组织关系转接: 发起 (with a preview), the transfer, its steps (审批, 退回, 接收, 回执), 撤销,
重新发起, 路径变更 and 异常办结, an organization's work lists and counts, and the 介绍信 PDF.
Each route is one RPC to the transfer service, which checks scope, state and version itself."""
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.transfer.contract import (
    DEFAULT_VALID_DAYS,
    FROM_KINDS,
    KINDS,
    MAX_VALID_DAYS,
    MEMBER_KINDS,
    STATE_NAMES,
    TRANSFER_REASONS,
    WORK_BOXES,
)

from ..auth import require_session
from ..pdf.transfer_letter import render_letter
from .common import call, check_types, path_id, read_json
from .spec import BOOL, ID, INT, STR, obj, op, query_param

APPLY_TYPES = {"member_id": int, "kind": str, "to_org_id": int, "to_outside": dict, "reason": (str, int),
               "dues_paid_to": str, "valid_days": int, "phone": str, "address": str, "postcode": str}
VERSION_TYPE = {"version": int}
# What each step command reads besides `version`.
STEP_TYPES = {
    "approve": {"opinion": str},
    "return_transfer": {"reason": str},
    "receive": {"date": str, "assign_to_org_id": int},
    "revoke": {"reason": str},
    "reroute": {"to_org_id": int},
    "close": {"reason": str},
    "record_receipt": {"date": str, "handler": str, "phone": str},
    "reapply": {key: APPLY_TYPES[key] for key in ("reason", "dues_paid_to", "valid_days", "phone", "address",
                                                  "postcode")},
}


async def apply(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, APPLY_TYPES)
    return JSONResponse(await call(request, session, "transfer", "apply", data=data), status_code=201)


async def preview(request: Request):
    """The route and the letter a 发起 would give, without writing anything."""
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, APPLY_TYPES)
    return JSONResponse(await call(request, session, "transfer", "preview", data=data))


async def get_transfer(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "transfer", "get", transfer_id=path_id(request)))


def step_route(method: str):
    async def endpoint(request: Request):
        session = await require_session(request)
        transfer_id = path_id(request)
        data = await read_json(request, optional=True)
        check_types(data, {**STEP_TYPES[method], **VERSION_TYPE})
        return JSONResponse(await call(request, session, "transfer", method, transfer_id=transfer_id, data=data))

    endpoint.__name__ = method
    return endpoint


async def letter_pdf(request: Request):
    session = await require_session(request)
    letter = await call(request, session, "transfer", "letter", transfer_id=path_id(request))
    filename = quote(f"组织关系介绍信-{letter.get('letter_no') or letter['transfer_id']}.pdf")
    pdf = await run_in_threadpool(render_letter, letter)  # drawing it is CPU work: off the event loop
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=utf-8''{filename}",
                             "Cache-Control": "no-store"})


async def work_list(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "transfer", "work_list", org_id=path_id(request),
                                   box=params.get("box", "todo"), page=params.get("page", "1"),
                                   size=params.get("size", "20")))


async def counts(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "transfer", "counts", org_id=path_id(request)))


routes = [
    Route("/transfers", apply, methods=["POST"]),
    Route("/transfers/preview", preview, methods=["POST"]),
    Route("/transfers/{id}", get_transfer),
    Route("/transfers/{id}/approve", step_route("approve"), methods=["POST"]),
    Route("/transfers/{id}/return", step_route("return_transfer"), methods=["POST"]),
    Route("/transfers/{id}/receive", step_route("receive"), methods=["POST"]),
    Route("/transfers/{id}/receipt", step_route("record_receipt"), methods=["POST"]),
    Route("/transfers/{id}/revoke", step_route("revoke"), methods=["POST"]),
    Route("/transfers/{id}/reapply", step_route("reapply"), methods=["POST"]),
    Route("/transfers/{id}/reroute", step_route("reroute"), methods=["POST"]),
    Route("/transfers/{id}/close", step_route("close"), methods=["POST"]),
    Route("/transfers/{id}/letter.pdf", letter_pdf),
    Route("/orgs/{id}/transfers", work_list),
    Route("/orgs/{id}/transfers/counts", counts),
]

# --- OpenAPI ----------------------------------------------------------------------------------

NULLABLE_STR = {"type": ["string", "null"]}
VERSION = {"type": "integer", "description": "读取转接时得到的 version；已被他人办理时返回 409，不作任何修改"}
OUTSIDE = obj(["party_committee"], province={"type": "string", "maxLength": 100, "description": "转入省份（跨省必填）"},
              party_committee={"type": "string", "maxLength": 100, "description": "接收党委"},
              branch={"type": "string", "maxLength": 100, "description": "接收党支部"})
LETTER_IN = {
    "reason": {"type": "string", "enum": TRANSFER_REASONS.codes() + TRANSFER_REASONS.names(),
               "description": "转接原因：" + "，".join(f"{c} {n}" for c, n in TRANSFER_REASONS.items())},
    "dues_paid_to": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "description": "党费交至年月，如 2026-11"},
    "valid_days": {"type": "integer", "minimum": 1, "maximum": MAX_VALID_DAYS,
                   "description": "介绍信有效期（天），默认：" + "，".join(
                       f"{KINDS.name(k)} {d}" for k, d in DEFAULT_VALID_DAYS.items())},
    "phone": {"type": "string", "maxLength": 30, "description": "党员联系电话"},
    "address": {"type": "string", "maxLength": 200, "description": "党员原所在基层党委通讯地址"},
    "postcode": {"type": "string", "pattern": "^[0-9]{6}$", "description": "邮政编码"},
}
APPLY_IN = obj(["member_id", "kind", "reason"], member_id=INT,
               kind={"type": "string", "enum": list(MEMBER_KINDS),
                     "description": "；".join(f"{k} {KINDS.name(k)}" for k in MEMBER_KINDS)},
               to_org_id={"type": "integer", "description": "接收党组织（省内、支部间）"},
               to_outside={**OUTSIDE, "description": "接收方（跨省、系统外，手工填写）"}, **LETTER_IN)
STEP = obj(["seq", "org_id", "action", "state"], seq=INT, org_id=INT, org_name=NULLABLE_STR,
           action={"type": "string", "enum": ["approve", "receive"]}, action_name=STR,
           side={"type": "string", "enum": ["send", "receive"]},
           state={"type": "string", "enum": ["waiting", "current", "done", "returned", "skipped"]}, state_name=STR,
           handler={**NULLABLE_STR, "description": "经办账号"}, handler_name=NULLABLE_STR, opinion=NULLABLE_STR,
           acted_at=NULLABLE_STR, since=NULLABLE_STR, overdue=BOOL)
STATE = {"type": "string", "enum": list(STATE_NAMES),
         "description": "；".join(f"{k} {n}" for k, n in STATE_NAMES.items())}
SUMMARY = dict(id=INT, member_id={"type": ["integer", "null"], "description": "线下转入在接收前为空"},
               member_name=STR, kind={"type": "string", "enum": list(KINDS.codes())}, kind_name=STR,
               from_kind={"type": ["string", "null"], "enum": [*FROM_KINDS.codes(), None],
                          "description": "线下转入的来源（跨省、系统外），其他类型为空"},
               from_kind_name=NULLABLE_STR, from_text={**NULLABLE_STR, "description": "线下转入：开具介绍信的党组织"},
               state=STATE, state_name=STR,
               from_org_id=INT, from_org_name=NULLABLE_STR, to_org_id={"type": ["integer", "null"]},
               to_org_name=NULLABLE_STR, letter_no={**NULLABLE_STR,
                          "description": "介绍信编号：年份+6位序号（线下转入：纸质介绍信的编号）"},
               applied_on=STR, valid_until=NULLABLE_STR, overdue={**BOOL, "description": "介绍信已过有效期"},
               version=INT)
TRANSFER = obj(["id", "member_id", "kind", "state", "from_org_id", "to_org_id", "route", "history", "version"],
               **SUMMARY, reason=STR, reason_name=STR, dues_paid_to=NULLABLE_STR,
               valid_days={"type": ["integer", "null"]}, phone=NULLABLE_STR, address=NULLABLE_STR,
               postcode=NULLABLE_STR, to_outside={"type": ["object", "null"]},
               route={"type": "array", "items": STEP}, current_step={"oneOf": [STEP, {"type": "null"}]},
               history={"type": "array", "items": {"type": "object"}}, receipt={"type": ["object", "null"]},
               member={"type": "object", "description": "介绍信上的党员信息（发起时的快照；线下转入为录入的党员信息）"},
               actions={"type": "array", "items": {"type": "string", "enum": [
                   "approve", "receive", "record_receipt", "return", "revoke", "reapply", "reroute", "close"]},
                        "description": "本账号现在可以办理的操作"})
REF = {"$ref": "#/components/schemas/Transfer"}
PREVIEW = obj(["route"], route={"type": "array", "items": STEP}, letter={"type": ["object", "null"]})


def _step_op(summary: str, body: dict) -> dict:
    body = {**body, "properties": {**body["properties"], "version": VERSION}}
    return {"post": op(summary, "办理后的转接", REF, body, params=[ID], body_required=False)}


def _pdf_op(summary: str) -> dict:
    operation = op(summary, "PDF 文件", params=[ID])
    operation["responses"]["200"]["content"] = {"application/pdf": {"schema": {"type": "string",
                                                                             "format": "binary"}}}
    return operation


OPENAPI_PATHS = {
    "/transfers": {"post": op("发起组织关系转接（省内、跨省、系统外、支部间）", "已发起的转接", REF, APPLY_IN,
                              status="201")},
    "/transfers/preview": {"post": op("发起前预览：转接路径和介绍信内容（不保存）", "路径和介绍信", PREVIEW,
                                      APPLY_IN)},
    "/transfers/{id}": {"get": op("转接详情：路径各步骤、办理记录、本账号可办理的操作", "转接", REF, params=[ID])},
    "/transfers/{id}/approve": _step_op("审批（当前步骤为本组织的审批）", obj(
        [], opinion={"type": "string", "maxLength": 500, "description": "审批意见"})),
    "/transfers/{id}/return": _step_op("退回发起方（须填写原因）", obj(
        ["reason"], reason={"type": "string", "maxLength": 500, "description": "退回原因"})),
    "/transfers/{id}/receive": _step_op("接收（组织关系于接收日期转入）", obj(
        [], date={"type": "string", "format": "date", "description": "接收日期，默认今天"},
        assign_to_org_id={"type": "integer", "description": "接收的党委同时编入的下级党组织（可选）"})),
    "/transfers/{id}/receipt": _step_op("登记纸质回执（跨省、系统外）", obj(
        ["handler"], date={"type": "string", "format": "date", "description": "回执日期，默认今天"},
        handler={"type": "string", "maxLength": 50, "description": "经办人"},
        phone={"type": "string", "maxLength": 30, "description": "联系电话"})),
    "/transfers/{id}/revoke": _step_op("撤销（发起方，接收方办理之前）", obj(
        ["reason"], reason={"type": "string", "maxLength": 500, "description": "撤销原因"})),
    "/transfers/{id}/reroute": _step_op("路径变更：发起方改选接收党组织（转出方已办理的审批保留）", obj(
        ["to_org_id"], to_org_id={"type": "integer", "description": "新的接收党组织"})),
    "/transfers/{id}/close": _step_op("异常办结（转出和接收双方共同的上级党组织，须填写原因）", obj(
        ["reason"], reason={"type": "string", "maxLength": 500, "description": "异常办结原因"})),
    "/transfers/{id}/reapply": _step_op("重新发起（退回或超期之后；可修改介绍信各项，编号不变）", obj([], **LETTER_IN)),
    "/transfers/{id}/letter.pdf": {"get": _pdf_op("组织关系介绍信：存根、介绍信、回执联（A4 PDF）")},
    "/orgs/{id}/transfers": {"get": op(
        "本组织及下级的转接工作列表", "列表",
        obj(["items", "total"], items={"type": "array", "items": obj(["id", "state"], **SUMMARY)}, total=INT,
            page=INT, size=INT),
        params=[ID, query_param("box", {"type": "string", "enum": list(WORK_BOXES)},
                                "；".join(f"{k} {n}" for k, n in WORK_BOXES.items())),
                query_param("page", INT), query_param("size", INT, "每页条数，1到200，默认20")])},
    "/orgs/{id}/transfers/counts": {"get": op(
        "本组织及下级的转接待办数", "数量", obj(["todo", "open", "upcoming", "overdue"], todo=INT, open=INT,
                                              upcoming=INT, overdue={**INT, "description": "审批超时的待办"},
                                              no_receipt={**INT, "description": "回执未返回（跨省、系统外）"}),
        params=[ID])},
}
SCHEMAS = {"Transfer": TRANSFER}
