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


ORG_APPLY_TYPES = {"to_parent_id": int, "reason": str, "valid_days": int, "phone": str, "address": str,
                   "postcode": str, "sender_phone": str, "sender_fax": str}


async def apply_org(request: Request):
    """整建制转移 of the organization with its subtree and members."""
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, ORG_APPLY_TYPES)
    return JSONResponse(await call(request, session, "transfer", "apply_org", org_id=path_id(request), data=data),
                        status_code=201)


async def preview_org(request: Request):
    """The route and the letter a 整建制转移 would give, without writing anything."""
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, ORG_APPLY_TYPES)
    return JSONResponse(await call(request, session, "transfer", "preview_org", org_id=path_id(request), data=data))


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
    Route("/orgs/{id}/transfers", apply_org, methods=["POST"]),
    Route("/orgs/{id}/transfers/preview", preview_org, methods=["POST"]),
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
SUMMARY = dict(id=INT, member_id={"type": ["integer", "null"], "description": "党员（整建制转移为空）"},
               member_name={**STR, "description": "党员姓名；整建制转移为党组织名称"},
               kind={"type": "string", "enum": list(KINDS.codes()),
                     "description": "；".join(f"{k} {n}" for k, n in KINDS.items())},
               kind_name=STR, state=STATE, state_name=STR,
               from_org_id=INT, from_org_name=NULLABLE_STR, to_org_id={"type": ["integer", "null"]},
               to_org_name=NULLABLE_STR, letter_no={**NULLABLE_STR, "description": "介绍信编号：年份+6位序号"},
               applied_on=STR, valid_until=NULLABLE_STR, overdue={**BOOL, "description": "介绍信已过有效期"},
               org_id={"type": ["integer", "null"], "description": "整建制转移的党组织（连同下级和党员）"},
               org_name={**NULLABLE_STR, "description": "整建制转移的党组织名称"},
               member_count={"type": ["integer", "null"], "description": "整建制转移：发起时该组织及下级的党员数"},
               version=INT)
TRANSFER = obj(["id", "member_id", "kind", "state", "from_org_id", "to_org_id", "route", "history", "version"],
               **SUMMARY, reason=STR, reason_name=STR, dues_paid_to=NULLABLE_STR,
               valid_days={"type": ["integer", "null"]}, phone=NULLABLE_STR, address=NULLABLE_STR,
               postcode=NULLABLE_STR, to_outside={"type": ["object", "null"]},
               route={"type": "array", "items": STEP}, current_step={"oneOf": [STEP, {"type": "null"}]},
               history={"type": "array", "items": {"type": "object"}}, receipt={"type": ["object", "null"]},
               actions={"type": "array", "items": {"type": "string", "enum": [
                   "approve", "receive", "record_receipt", "return", "revoke", "reapply", "reroute", "close"]},
                        "description": "本账号现在可以办理的操作"})
REF = {"$ref": "#/components/schemas/Transfer"}
PREVIEW = obj(["route"], route={"type": "array", "items": STEP}, letter={"type": ["object", "null"]})
ORG_APPLY_IN = obj(
    ["to_parent_id", "reason"],
    to_parent_id={"type": "integer", "description": "新的上级党组织（本系统内在用、非党支部、不在本组织之下）"},
    reason={"type": "string", "maxLength": 500, "description": "整建制转移原因，如：行政区划调整"},
    **{key: LETTER_IN[key] for key in ("valid_days", "phone", "address", "postcode")},
    sender_phone={"type": "string", "maxLength": 30, "description": "基层党委联系电话"},
    sender_fax={"type": "string", "maxLength": 30, "description": "传真"})
ORG_PREVIEW = obj(["route", "member_count"], route={"type": "array", "items": STEP}, org_id=INT, org_name=STR,
                  from_org_id=INT, from_org_name=STR, to_org_id=INT, to_org_name=STR, member_count=INT,
                  counted={**BOOL, "description": "是否计入统计的整建制转入/转出（同一基层党委内的转移不计）"},
                  letter={"type": "object"})


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
    "/orgs/{id}/transfers/preview": {"post": op(
        "整建制转移发起前预览：路径、党员数和介绍信内容（不保存）", "路径和介绍信", ORG_PREVIEW, ORG_APPLY_IN,
        params=[ID])},
    "/orgs/{id}/transfers": {"post": op(
        "发起整建制转移：本组织连同下级组织和党员转到新的上级党组织之下（审批路径同省内转接；接收后组织移动，"
        "党员随组织转移；办理期间其党员不能单独转出，本组织不能移动或撤销）", "已发起的整建制转移（kind whole_org）",
        REF, ORG_APPLY_IN, params=[ID], status="201"), "get": op(
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
