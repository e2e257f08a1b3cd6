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
from ..errors import HttpError
from ..excel.roster import RosterColumn, RosterWriter
from ..pdf.transfer_letter import render_letter
from .common import call, check_types, path_id, read_json, record_action
from .exports import download_operation, every_page, workbook_download
from .spec import BOOL, ID, INT, STR, obj, op, path_param, query_param

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
    return record_action("transfer", method, "transfer_id", STEP_TYPES[method])


async def letter_pdf(request: Request):
    session = await require_session(request)
    letter = await call(request, session, "transfer", "letter", transfer_id=path_id(request))
    filename = quote(f"组织关系介绍信-{letter.get('letter_no') or letter['transfer_id']}.pdf")
    pdf = await run_in_threadpool(render_letter, letter)  # drawing it is CPU work: off the event loop
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=utf-8''{filename}",
                             "Cache-Control": "no-store"})


FILTER_KEYS = ("kind", "state", "applied_from", "applied_to")
FILTER_MAX = 50  # a code or a date: anything longer is refused by the service as it is


def list_filters(params) -> dict:
    """The history filters of the query string (转接类型, 状态, 发起日期 from/to); blanks left out."""
    return {key: params[key].strip()[:FILTER_MAX] for key in FILTER_KEYS if params.get(key, "").strip()}


async def work_list(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "transfer", "work_list", org_id=path_id(request),
                                   box=params.get("box", "todo"), page=params.get("page", "1"),
                                   size=params.get("size", "20"), filters=list_filters(params)))


# The histories of the 2017 system, exported to Excel with the filters on screen.
HISTORY_BOXES = {"out": "转出历史", "in": "转入历史", "acted": "审批记录"}
EXPORT_COLUMNS = [RosterColumn("member_name", "党员姓名", 10), RosterColumn("kind_name", "转接类型", 10),
                  RosterColumn("from_org_name", "转出党组织", 28), RosterColumn("to_org_name", "转入党组织", 28),
                  RosterColumn("reason_name", "转接原因", 12), RosterColumn("state_name", "状态", 10),
                  RosterColumn("step", "当前步骤", 24), RosterColumn("contact", "当前步骤联系人", 22),
                  RosterColumn("applied_on", "发起日期", 12), RosterColumn("valid_until", "有效期至", 12),
                  RosterColumn("letter_no", "介绍信编号", 14)]


def export_row(item: dict) -> dict:
    """A work-list item as the sheet shows it: names, not codes; the current step in words."""
    step = item.get("current_step")
    contact = " ".join(part for part in (step.get("contact_person"), step.get("contact_phone")) if part) if step else ""
    return {**item, "step": f"{step['org_name'] or ''} {step['action_name']}" if step else "",
            "contact": contact}


def filters_text(filters: dict) -> str:
    parts = [KINDS.name(filters["kind"]) if filters.get("kind") in KINDS else None,
             STATE_NAMES.get(filters.get("state")),
             "发起于" + "至".join(filters.get(key) or "…" for key in ("applied_from", "applied_to"))
             if filters.get("applied_from") or filters.get("applied_to") else None]
    return "（" + "，".join(part for part in parts if part) + "）" if any(parts) else ""


async def export_histories(request: Request):
    """转出历史, 转入历史, 审批记录 of an organization's subtree as Excel, with the list's filters."""
    session = await require_session(request)
    org_id = path_id(request)
    box = request.query_params.get("box", "")
    if box not in HISTORY_BOXES:
        raise HttpError(400, "validation", "box 应为 out（转出历史）、in（转入历史）或 acted（审批记录）",
                        {"box": "应为 out、in 或 acted"})
    filters = list_filters(request.query_params)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    title = HISTORY_BOXES[box]

    async def fetch(page, size):
        return await call(request, session, "transfer", "work_list", org_id=org_id, box=box, page=page, size=size,
                          filters=filters)

    first = await fetch(1, 1)  # bad filters or scope answer before the download starts
    writer = RosterWriter(f"{org['name']} {title}{filters_text(first['filters'])}", EXPORT_COLUMNS, sheet_name=title)

    async def rows():
        async for items in every_page(fetch):
            yield [export_row(item) for item in items]

    return await workbook_download(request, session, writer, rows(), f"{org['name']}-{title}.xlsx")


# --- 转接原因: the editable code table --------------------------------------------------------

async def list_reasons(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "transfer", "reasons"))


async def add_reason(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"code": (str, int), "name": str})
    return JSONResponse(await call(request, session, "transfer", "add_reason", data=data), status_code=201)


def _code(request: Request) -> str:
    code = request.path_params["code"]
    if len(code) > FILTER_MAX:
        raise HttpError(404, "not_found", "转接原因代码不存在")
    return code


async def change_reason(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"name": str, **VERSION_TYPE})
    return JSONResponse(await call(request, session, "transfer", "change_reason", code=_code(request), data=data))


async def delete_reason(request: Request):
    session = await require_session(request)
    data = await read_json(request, optional=True)
    check_types(data, VERSION_TYPE)
    return JSONResponse(await call(request, session, "transfer", "delete_reason", code=_code(request), data=data))


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
    Route("/orgs/{id}/transfers/export.xlsx", export_histories),
    Route("/transfer-reasons", list_reasons),
    Route("/transfer-reasons", add_reason, methods=["POST"]),
    Route("/transfer-reasons/{code}", change_reason, methods=["PATCH"]),
    Route("/transfer-reasons/{code}", delete_reason, methods=["DELETE"]),
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
    "reason": {"type": "string", "description": "转接原因：代码表 GET /transfer-reasons 中启用的代码或名称（初始："
               + "，".join(f"{c} {n}" for c, n in TRANSFER_REASONS.items()) + "）"},
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
           acted_at=NULLABLE_STR, since=NULLABLE_STR, overdue=BOOL,
           contact_person={**NULLABLE_STR, "description": "办理党组织的联系人（党组织信息卡）"},
           contact_phone={**NULLABLE_STR, "description": "办理党组织的联系电话（党组织信息卡）"})
STATE = {"type": "string", "enum": list(STATE_NAMES),
         "description": "；".join(f"{k} {n}" for k, n in STATE_NAMES.items())}
SUMMARY = dict(id=INT, member_id={"type": ["integer", "null"],
                                  "description": "党员（线下转入在接收前为空，整建制转移为空）"},
               member_name={**STR, "description": "党员姓名；整建制转移为党组织名称"},
               kind={"type": "string", "enum": list(KINDS.codes()),
                     "description": "；".join(f"{k} {n}" for k, n in KINDS.items())}, kind_name=STR,
               from_kind={"type": ["string", "null"], "enum": [*FROM_KINDS.codes(), None],
                          "description": "线下转入的来源（跨省、系统外），其他类型为空"},
               from_kind_name=NULLABLE_STR, from_text={**NULLABLE_STR, "description": "线下转入：开具介绍信的党组织"},
               state=STATE, state_name=STR,
               from_org_id=INT, from_org_name=NULLABLE_STR, to_org_id={"type": ["integer", "null"]},
               to_org_name=NULLABLE_STR, letter_no={**NULLABLE_STR,
                          "description": "介绍信编号：年份+6位序号（线下转入：纸质介绍信的编号）"},
               applied_on=STR, valid_until=NULLABLE_STR, overdue={**BOOL, "description": "介绍信已过有效期"},
               reason=STR, reason_name=STR,
               org_id={"type": ["integer", "null"], "description": "整建制转移的党组织（连同下级和党员）"},
               org_name={**NULLABLE_STR, "description": "整建制转移的党组织名称"},
               member_count={"type": ["integer", "null"], "description": "整建制转移：发起时该组织及下级的党员数"},
               version=INT)
TRANSFER = obj(["id", "member_id", "kind", "state", "from_org_id", "to_org_id", "route", "history", "version"],
               **SUMMARY, dues_paid_to=NULLABLE_STR,
               valid_days={"type": ["integer", "null"]}, phone=NULLABLE_STR, address=NULLABLE_STR,
               postcode=NULLABLE_STR, to_outside={"type": ["object", "null"]},
               route={"type": "array", "items": STEP}, current_step={"oneOf": [STEP, {"type": "null"}]},
               history={"type": "array", "items": {"type": "object"}}, receipt={"type": ["object", "null"]},
               member={"type": "object", "description": "介绍信上的党员信息（发起时的快照；线下转入为录入的党员信息）"},
               actions={"type": "array", "items": {"type": "string", "enum": [
                   "approve", "receive", "record_receipt", "return", "revoke", "reapply", "reroute", "close"]},
                        "description": "本账号现在可以办理的操作"})
REF = {"$ref": "#/components/schemas/Transfer"}
FILTER_PARAMS = [query_param("kind", {"type": "string", "enum": list(KINDS.codes())}, "转接类型"),
                 query_param("state", STATE, "状态"),
                 query_param("applied_from", {"type": "string", "format": "date"}, "发起日期自（含）"),
                 query_param("applied_to", {"type": "string", "format": "date"}, "发起日期至（含）")]
REASON = obj(["code", "name", "enabled", "used", "version"], code=STR, name=STR, enabled=BOOL,
             used={**INT, "description": "使用该原因的转接数（已使用的代码不能删除）"}, version=INT,
             updated_at=NULLABLE_STR, retired={**BOOL, "description": "已停用（enabled 的反面）"},
             former_names={"type": "array", "items": STR, "description": "曾用名称（更名历史）"})
REASON_CODE = path_param("code", {"type": "string", "pattern": "^[0-9]{2,4}$"})
PREVIEW = obj(["route"], route={"type": "array", "items": STEP}, letter={"type": ["object", "null"]},
              dues_paid_to={"type": ["string", "null"],
                            "description": "党费交至（年月）：未填时取党费服务的记录"})
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
        obj(["items", "total"], items={"type": "array", "items": obj(
            ["id", "state"], **SUMMARY, current_step={"oneOf": [STEP, {"type": "null"}],
                                                      "description": "当前步骤及其办理党组织的联系人"})},
            total=INT, page=INT, size=INT, filters={"type": "object"}),
        params=[ID, query_param("box", {"type": "string", "enum": list(WORK_BOXES)},
                                "；".join(f"{k} {n}" for k, n in WORK_BOXES.items())),
                query_param("page", INT), query_param("size", INT, "每页条数，1到200，默认20"), *FILTER_PARAMS])},
    "/orgs/{id}/transfers/export.xlsx": {"get": download_operation(
        "导出转出历史、转入历史或审批记录（Excel，按筛选条件）",
        params=[ID, query_param("box", {"type": "string", "enum": list(HISTORY_BOXES)},
                                "；".join(f"{k} {n}" for k, n in HISTORY_BOXES.items())), *FILTER_PARAMS])},
    "/transfer-reasons": {
        "get": op("转接原因代码表（含停用的代码及使用次数）", "代码表", obj(
            ["items"], items={"type": "array", "items": REASON}, may_edit={**BOOL, "description": "本账号可维护"},
            revision={**INT, "description": "代码表的修订次数"})),
        "post": op("新增转接原因代码（根党组织具有系统工具维护权限的账号；亦见代码表 API）", "新增的代码", REASON, obj(
            ["code", "name"], code={"type": "string", "pattern": "^[0-9]{2,4}$"},
            name={"type": "string", "maxLength": 20}), status="201")},
    "/transfer-reasons/{code}": {
        "patch": op("转接原因更名、停用或启用", "修改后的代码", REASON, obj(
            [], name={"type": "string", "maxLength": 20}, enabled=BOOL, version=INT), params=[REASON_CODE]),
        "delete": op("删除未被使用的转接原因代码（已使用的只能停用）", "已删除", obj(["code"], code=STR, deleted=BOOL),
                     obj([], version=INT), params=[REASON_CODE], body_required=False)},
    "/orgs/{id}/transfers/counts": {"get": op(
        "本组织及下级的转接待办数", "数量", obj(["todo", "open", "upcoming", "overdue"], todo=INT, open=INT,
                                              upcoming=INT, overdue={**INT, "description": "审批超时的待办"},
                                              no_receipt={**INT, "description": "回执未返回（跨省、系统外）"}),
        params=[ID])},
}
SCHEMAS = {"Transfer": TRANSFER}
