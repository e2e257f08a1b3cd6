"""流动党员: 流出登记, 返回, 失联, 取得联系, 活动证 (PDF, 补发), 流入登记 and its end, an
organization's lists (流出, 流入, 失联, 待确认流入) and their Excel export. Each route is one RPC to
the transfer service, which checks scope, state and version itself (docs/MOBILITY.md)."""
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.transfer.contract import (
    DESTINATION_KINDS,
    DIRECTIONS,
    INFLOW_STATES,
    LOST_REASONS,
    OUTFLOW_REASONS,
    OUTFLOW_STATES,
)

from ..auth import require_session
from ..excel.mobility import MOBILITY_COLUMNS, rows_of
from ..excel.roster import RosterWriter
from ..pdf.mobility_certificate import render_certificate
from ..rpc import RemoteError
from .common import call, check_types, path_id, read_json, record_action
from .exports import download_operation, keyset_pages, workbook_download
from .registration import member_photo_bytes
from .spec import BOOL, DATE, ID, INT, STR, obj, op, query_param

OUTFLOW_TYPES = {"from_date": str, "reason": (str, int), "destination": dict, "to_org_id": int, "to_org_text": str,
                 "expected_return": str, "phone": str}
STEP_TYPES = {
    "return_outflow": {"date": str, "report": str},
    "mark_lost": {"since": str, "reason": (str, int), "note": str},
    "mark_found": {"date": str},
    "reissue_certificate": {"reason": str},
}
FILTER_KEYS = ("q", "state", "reason", "destination_kind", "from", "to")


async def register_outflow(request: Request):
    session = await require_session(request)
    member_id = path_id(request)
    data = await read_json(request)
    check_types(data, OUTFLOW_TYPES)
    return JSONResponse(await call(request, session, "transfer", "register_outflow", member_id=member_id,
                                   data=data), status_code=201)


async def get_outflow(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "transfer", "get_outflow", outflow_id=path_id(request)))


async def check_certificate(request: Request):
    """活动证查验: one per card and year; answers the outflow with the card's 查验 rows."""
    session = await require_session(request)
    outflow_id = path_id(request)
    data = await read_json(request)
    check_types(data, {"year": (int, str), "checked_on": str, "org_text": str, "note": str, "version": int})
    return JSONResponse(await call(request, session, "transfer", "check_certificate", outflow_id=outflow_id,
                                   data=data), status_code=201)


def step_route(method: str):
    return record_action("transfer", method, "outflow_id", STEP_TYPES[method])


async def register_inflow(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    data = await read_json(request)
    check_types(data, {"outflow_id": int, "external": dict, "from_date": str})
    return JSONResponse(await call(request, session, "transfer", "register_inflow", org_id=org_id, data=data),
                        status_code=201)


async def end_inflow(request: Request):
    session = await require_session(request)
    inflow_id = path_id(request)
    data = await read_json(request, optional=True)
    check_types(data, {"date": str, "version": int})
    return JSONResponse(await call(request, session, "transfer", "end_inflow", inflow_id=inflow_id, data=data))


async def get_inflow(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "transfer", "get_inflow", inflow_id=path_id(request)))


async def record_activity(request: Request):
    """活动记录 of a 流入 member, by the inflow organization; answers the inflow."""
    session = await require_session(request)
    inflow_id = path_id(request)
    data = await read_json(request)
    check_types(data, {"date": str, "what": str, "version": int})
    return JSONResponse(await call(request, session, "transfer", "record_activity", inflow_id=inflow_id, data=data),
                        status_code=201)


def filters_of(request: Request) -> dict:
    return {key: request.query_params[key] for key in FILTER_KEYS if request.query_params.get(key)}


async def mobility_list(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "transfer", "mobility_list", org_id=path_id(request),
                                   direction=params.get("direction", "out"), page=params.get("page", "1"),
                                   size=params.get("size", "20"), filters=filters_of(request)))


async def mobility_counts(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "transfer", "mobility_counts", org_id=path_id(request)))


async def mobility_xlsx(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    direction, filters = request.query_params.get("direction", "out"), filters_of(request)
    first = await call(request, session, "transfer", "mobility_list", org_id=org_id, direction=direction,
                       page=1, size=1, filters=filters)  # checks scope, direction and filters first
    org = await call(request, session, "org", "get_org", org_id=org_id)
    title = f"{org['name']} {first['direction_name']}"
    writer = RosterWriter(title, MOBILITY_COLUMNS[direction], sheet_name=first["direction_name"])

    async def pages():
        async for page in keyset_pages(lambda after: call(
                request, session, "transfer", "mobility_export_page", org_id=org_id, direction=direction,
                filters=filters, after_id=after, limit=2000), "next_after_id"):
            yield rows_of(page["items"])

    return await workbook_download(request, session, writer, pages(), f"{title}.xlsx")


async def certificate_pdf(request: Request):
    session = await require_session(request)
    card = await call(request, session, "transfer", "certificate", outflow_id=path_id(request))
    try:
        photo = await member_photo_bytes(request, session, card["member_id"])
    except RemoteError:  # the receiving side does not see the member's photo: the card says 贴照片
        photo = None
    pdf = await run_in_threadpool(render_certificate, card, photo)
    filename = quote(f"流动党员活动证-{card['number']}.pdf")
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=utf-8''{filename}",
                             "Cache-Control": "no-store"})


async def member_mobility(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "transfer", "member_mobility", member_id=path_id(request)))


routes = [
    Route("/members/{id}/outflows", register_outflow, methods=["POST"]),
    Route("/members/{id}/mobility", member_mobility),
    Route("/outflows/{id}", get_outflow),
    Route("/outflows/{id}/return", step_route("return_outflow"), methods=["POST"]),
    Route("/outflows/{id}/lost", step_route("mark_lost"), methods=["POST"]),
    Route("/outflows/{id}/found", step_route("mark_found"), methods=["POST"]),
    Route("/outflows/{id}/certificate", step_route("reissue_certificate"), methods=["POST"]),
    Route("/outflows/{id}/certificate.pdf", certificate_pdf),
    Route("/outflows/{id}/certificate/checks", check_certificate, methods=["POST"]),
    Route("/orgs/{id}/inflows", register_inflow, methods=["POST"]),
    Route("/inflows/{id}", get_inflow),
    Route("/inflows/{id}/activities", record_activity, methods=["POST"]),
    Route("/inflows/{id}/end", end_inflow, methods=["POST"]),
    Route("/orgs/{id}/mobility", mobility_list),
    Route("/orgs/{id}/mobility/counts", mobility_counts),
    Route("/orgs/{id}/mobility.xlsx", mobility_xlsx),
]

# --- OpenAPI ----------------------------------------------------------------------------------

NULLABLE_STR = {"type": ["string", "null"]}
VERSION = {"type": "integer", "description": "读取时得到的 version；已被他人办理时返回 409，不作任何修改"}


def _codes(table) -> dict:
    return {"type": "string", "enum": table.codes() + table.names(),
            "description": "；".join(f"{c} {n}" for c, n in table.items())}


def _named(mapping: dict) -> dict:
    return {"type": "string", "enum": list(mapping), "description": "；".join(f"{k} {n}" for k, n in mapping.items())}


DESTINATION = obj(["text"], code={"type": "string", "pattern": "^[1-9][0-9]{5}$",
                                  "description": "流向地行政区划代码（6位，出国（境）可不填）"},
                  text={"type": "string", "maxLength": 100, "description": "流向地（文字）"},
                  abroad={**BOOL, "description": "出国（境）"})
OUTFLOW_IN = obj(["from_date", "reason", "destination", "phone"], from_date={**DATE, "description": "流出日期"},
                 reason={**_codes(OUTFLOW_REASONS), "description": "流出原因："
                         + "；".join(f"{c} {n}" for c, n in OUTFLOW_REASONS.items())},
                 destination=DESTINATION,
                 to_org_id={"type": "integer", "description": "流入党组织（本系统内，从组织树选择）"},
                 to_org_text={"type": "string", "maxLength": 100, "description": "流入党组织（系统外，手工填写）"},
                 expected_return={**DATE, "description": "预计返回日期"},
                 phone={"type": "string", "maxLength": 30, "description": "联系电话"},
                 certificate={**BOOL, "description": "是否发放流动党员活动证"})
OUTFLOW = obj(["id", "member_id", "state", "version"], id=INT, member_id=INT, member_name=STR,
              state=_named(OUTFLOW_STATES), state_name=STR, home_org_id=INT, home_org_name=NULLABLE_STR,
              from_date=STR, reason=STR, reason_name=STR, destination=DESTINATION,
              destination_kind=_named(DESTINATION_KINDS), to_org_id={"type": ["integer", "null"]},
              to_org_name=NULLABLE_STR, expected_return=NULLABLE_STR,
              overdue_return={**BOOL, "description": "已过预计返回日期"}, phone=NULLABLE_STR,
              certificate_no={**NULLABLE_STR, "description": "活动证编号：县级党组织代码+6位序号"},
              lost={"type": ["object", "null"], "description": "失联：since、reason、note、found_on、lost_long"},
              returned_on=NULLABLE_STR, return_report=NULLABLE_STR, version=INT,
              history={"type": "array", "items": {"type": "object"}},
              certificates={"type": "array", "items": {"type": "object"},
                            "description": "发放过的活动证（作废的有 voided_on），各有 check_years、"
                                           "checks（已查验年度）、check_due（本年度待查验）"},
              actions={"type": "array", "items": {"type": "string"}, "description": "本账号现在可以办理的操作"},
              participation={"type": "array", "items": {"type": "object"},
                             "description": "各次流入：流入地、活动记录、在流入地交纳的党费（返回时的报告）"})
REF = {"$ref": "#/components/schemas/Outflow"}
INFLOW = obj(["id", "org_id", "state"], id=INT, org_id=INT, org_name=NULLABLE_STR,
             outflow_id={"type": ["integer", "null"]}, member_name=STR, state=_named(INFLOW_STATES), state_name=STR,
             from_date=STR, ended_on=NULLABLE_STR, external={"type": ["object", "null"]},
             home_org_name=NULLABLE_STR, certificate_no=NULLABLE_STR, version=INT)
DUES_THERE = obj(["count", "total", "months"], inflow_id=INT, count=INT,
                 total={"type": "string", "description": "在流入地交纳的党费合计（元）"},
                 months={"type": "array", "items": obj(["month", "amount"], month=STR, amount=STR,
                                                       paid_on=STR)})
PARTICIPATION = {**INFLOW, "properties": {
    **INFLOW["properties"],
    "activities": {"type": "array", "items": obj(["date", "what"], id=INT, date=STR, what=STR,
                                                 recorded_by=NULLABLE_STR),
                   "description": "活动记录（流入党组织登记）"},
    "dues": {"oneOf": [DUES_THERE, {"type": "null"}], "description": "在流入地交纳的党费（党费服务）"},
    "dues_known": {**BOOL, "description": "false：党费服务暂时不能回答"}}}
INFLOW_VIEW = {**PARTICIPATION, "properties": {
    **PARTICIPATION["properties"], "member_id": {"type": ["integer", "null"]},
    "history": {"type": "array", "items": {"type": "object"}},
    "actions": {"type": "array", "items": {"type": "string"}, "description": "本账号现在可以办理的操作"}}}
EXTERNAL = obj(["name", "id_number", "home_org_text"], name={"type": "string", "maxLength": 50},
               id_number={"type": "string", "description": "公民身份号码"},
               home_org_text={"type": "string", "maxLength": 100, "description": "流出地党组织"},
               certificate_no={"type": "string", "maxLength": 40, "description": "活动证编号"})
LIST_PARAMS = [ID, query_param("direction", _named(DIRECTIONS), "；".join(f"{k} {n}" for k, n in DIRECTIONS.items())),
               query_param("q", STR, "姓名包含"),
               query_param("state", STR, "状态（流出：out/lost/returned/closed/all；流入：in/ended/all）"),
               query_param("reason", STR, "流出原因"), query_param("destination_kind", _named(DESTINATION_KINDS)),
               query_param("from", DATE, "流出（流入）日期自"), query_param("to", DATE, "流出（流入）日期至")]


def _step(summary: str, body: dict) -> dict:
    body = {**body, "properties": {**body["properties"], "version": VERSION}}
    return {"post": op(summary, "办理后的流出登记", REF, body, params=[ID], body_required=False)}


def _pdf_op(summary: str) -> dict:
    operation = op(summary, "PDF 文件", params=[ID])
    operation["responses"]["200"]["content"] = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    return operation


OPENAPI_PATHS = {
    "/members/{id}/outflows": {"post": op("流出登记（一名党员同时只能有一条未结束的流出；转接中的党员不能登记）",
                                          "流出登记", REF, OUTFLOW_IN, params=[ID], status="201")},
    "/members/{id}/mobility": {"get": op("党员的流动情况：当前流出和历次流出", "流动情况", obj(
        ["history"], current={"oneOf": [REF, {"type": "null"}]}, history={"type": "array", "items": REF}),
        params=[ID])},
    "/outflows/{id}": {"get": op("流出登记详情：活动证、流入地、办理记录", "流出登记", REF, params=[ID])},
    "/outflows/{id}/return": _step("返回：流出结束（日期和外出期间情况报告）", obj(
        ["date", "report"], date={**DATE, "description": "返回日期"},
        report={"type": "string", "maxLength": 1000, "description": "外出期间情况报告"})),
    "/outflows/{id}/lost": _step("登记失联", obj(
        ["since", "reason"], since={**DATE, "description": "失联日期（最后一次参加组织生活或交纳党费）"},
        reason={**_codes(LOST_REASONS), "description": "失联原因：" + "；".join(
            f"{c} {n}" for c, n in LOST_REASONS.items())},
        note={"type": "string", "maxLength": 500, "description": "说明（原因为“其他”时必填）"})),
    "/outflows/{id}/found": _step("经查找取得联系", obj(["date"], date={**DATE, "description": "取得联系日期"})),
    "/outflows/{id}/certificate": _step("发放或补发活动证（补发时原编号作废）", obj(
        [], reason={"type": "string", "maxLength": 500, "description": "补发原因，默认“遗失补发”"})),
    "/outflows/{id}/certificate/checks": {"post": op(
        "活动证年度查验（与民主评议一并进行；每本活动证每年一次，未发证、已作废或非流出中的不能查验）",
        "查验后的流出登记",
        REF, obj(["year", "checked_on"], year={**INT, "description": "查验年度（活动证的查验栏年度之一，不晚于今年）"},
                 checked_on={**DATE, "description": "查验日期（在查验年度内）"},
                 org_text={"type": "string", "maxLength": 100, "description": "查验党组织，默认流出党员所在党组织"},
                 note={"type": "string", "maxLength": 500, "description": "查验情况"}, version=VERSION),
        params=[ID], status="201")},
    "/outflows/{id}/certificate.pdf": {"get": _pdf_op(
        "流动党员活动证（PDF：党员信息、照片、发证党委、有效期、年度查验栏）")},
    "/orgs/{id}/inflows": {"post": op("流入登记：确认本系统内流向本组织的党员，或登记系统外流入的党员", "流入登记",
                                      INFLOW, obj(["from_date"], outflow_id=INT, external=EXTERNAL,
                                                  from_date={**DATE, "description": "流入日期"}),
                                      params=[ID], status="201")},
    "/inflows/{id}": {"get": op("流入登记详情：流入党员、活动记录、在流入地交纳的党费（流入地和所在党组织可见）",
                                "流入登记", INFLOW_VIEW, params=[ID])},
    "/inflows/{id}/activities": {"post": op("登记流入党员的活动记录（流入党组织，流入期间；日期在流入日期至今天之间）",
                                            "流入登记", INFLOW_VIEW, obj(
                                                ["date", "what"], date={**DATE, "description": "活动日期"},
                                                what={"type": "string", "maxLength": 200, "description": "参加的活动"},
                                                version=VERSION), params=[ID], status="201")},
    "/inflows/{id}/end": {"post": op("流入党员离开本组织", "流入登记", INFLOW, obj(
        ["date"], date={**DATE, "description": "离开日期"}, version=VERSION), params=[ID])},
    "/orgs/{id}/mobility": {"get": op("本组织及下级的流动党员列表（流出、流入、失联、待确认流入）", "列表", obj(
        ["items", "total"], items={"type": "array", "items": {"type": "object"}}, total=INT, page=INT, size=INT),
        params=[*LIST_PARAMS, query_param("page", INT), query_param("size", INT, "每页条数，1到200，默认20")])},
    "/orgs/{id}/mobility/counts": {"get": op("本组织及下级的流动党员数", "数量", obj(
        ["out", "lost", "in", "pending"], out=INT, lost=INT, lost_long={**INT, "description": "失联满6个月"},
        pending={**INT, "description": "待确认流入"}, overdue_return={**INT, "description": "超过预计返回日期"},
        check_due={**INT, "description": "本年度活动证待查验"}, **{"in": INT}), params=[ID])},
    "/orgs/{id}/mobility.xlsx": {"get": download_operation("导出流动党员列表（Excel，筛选条件同列表）",
                                                           params=LIST_PARAMS)},
}
SCHEMAS = {"Outflow": OUTFLOW}
