"""发展党员 through the JSON API: an applicant's pipeline (read, record a step, 回退 the last one),
a batch of one step for several applicants of an organization, the steps due or overdue in an
organization's subtree, the 工作督查 of histories, a member's development history and the
probation outcome (转正 / 延长预备期 / 取消预备党员资格), and the applicant's 发展纪实 printed (PDF,
Excel). Every rule is the member service's."""
import asyncio
from datetime import date
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.member.contract import PIPELINE_STAGE_NAMES, STEP_FORMS

from ..auth import require_session
from ..excel.development_record import record_workbook
from ..pdf.development_record import TITLE, render_record
from .common import call, check_types, path_id, read_json, record_action
from .exports import XLSX, download_operation, pdf_operation
from .spec import BOOL, DATE, ID, INT, STR, obj, op, query_param

STEP_TYPES = {"step": str, "date": str, "version": int}


async def get_steps(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "get_development", applicant_id=path_id(request)))


async def record_step(request: Request):
    session = await require_session(request)
    applicant_id = path_id(request)
    data = await read_json(request)
    check_types(data, STEP_TYPES)
    return JSONResponse(await call(request, session, "member", "record_step", applicant_id=applicant_id, data=data))


async def record_batch(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    data = await read_json(request)
    check_types(data, {**STEP_TYPES, "items": list})
    return JSONResponse(await call(request, session, "member", "record_batch", org_id=org_id, data=data))


async def due_list(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "member", "development_due", org_id=path_id(request),
                                   page=params.get("page", "1"), size=params.get("size", "50"),
                                   within=params.get("within") or None))


async def supervision(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "member", "development_supervision", org_id=path_id(request),
                                   after_id=params.get("after_id", "0"), limit=params.get("limit", "200")))


async def member_development(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "member_development", member_id=path_id(request)))


async def probation(request: Request):
    session = await require_session(request)
    member_id = path_id(request)
    data = await read_json(request)
    check_types(data, {"outcome": str, "meeting_on": str, "approved_on": str, "months": (int, str), "version": int,
                       "note": str, "actors": str, "entitled": int, "present": int, "written": int, "yes": int})
    return JSONResponse(await call(request, session, "member", "decide_probation", member_id=member_id, data=data))


async def development_record(request: Request, session) -> dict:
    """What the 发展纪实 prints: the applicant (scope checked there first), its pipeline and the
    name of its organization."""
    applicant_id = path_id(request)
    applicant = await call(request, session, "member", "get_applicant", applicant_id=applicant_id)
    development, org = await asyncio.gather(
        call(request, session, "member", "get_development", applicant_id=applicant_id),
        call(request, session, "org", "get_org", org_id=applicant["org_id"]))
    return {"applicant": applicant, "development": development, "org_name": org["name"],
            "printed_on": date.today().isoformat()}


def _download(content: bytes, media_type: str, record: dict, suffix: str, disposition: str) -> Response:
    filename = quote(f"{record['applicant']['name']}-{TITLE}.{suffix}")
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f"{disposition}; filename*=utf-8''{filename}",
                             "Cache-Control": "no-store"})


async def record_pdf(request: Request):
    session = await require_session(request)
    record = await development_record(request, session)
    pdf = await run_in_threadpool(render_record, record)  # drawing is CPU work: off the event loop
    return _download(pdf, "application/pdf", record, "pdf", "inline")


async def record_xlsx(request: Request):
    session = await require_session(request)
    record = await development_record(request, session)
    return _download(await run_in_threadpool(record_workbook, record), XLSX, record, "xlsx", "attachment")


routes = [
    Route("/applicants/{id}/record.pdf", record_pdf),
    Route("/applicants/{id}/record.xlsx", record_xlsx),
    Route("/applicants/{id}/steps", get_steps),
    Route("/applicants/{id}/steps", record_step, methods=["POST"]),
    Route("/applicants/{id}/steps/undo", record_action("member", "undo_step", "applicant_id", {"reason": str}),
          methods=["POST"]),
    Route("/orgs/{id}/applicants/steps", record_batch, methods=["POST"]),
    Route("/orgs/{id}/development/due", due_list),
    Route("/orgs/{id}/development/supervision", supervision),
    Route("/members/{id}/development", member_development),
    Route("/members/{id}/probation", probation, methods=["POST"]),
]

# --- OpenAPI ------------------------------------------------------------------------------------
STEP_NAMES = list(STEP_FORMS)
STEP = {"type": "string", "enum": STEP_NAMES,
        "description": "发展步骤（英文名）：" + "，".join(f"{name} {form['label']}"
                                                      for name, form in STEP_FORMS.items())}
KINDS = {"text": STR, "int": INT, "date": DATE, "bool": BOOL,
         "people": {"type": "array", "maxItems": 10, "items": obj(
             ["name"], member_id={**INT, "description": "党员编号：姓名、类别和是否在册从党员名册取得"}, name=STR,
             category={"type": "string", "enum": ["01", "02"],
                       "description": "无 member_id 时：01 正式党员，02 预备党员"},
             status={"type": "string", "enum": ["active", "left"]})}}


def _field_schemas() -> dict:
    """Every step field once, with the steps that take it."""
    fields: dict = {}
    for name, form in STEP_FORMS.items():
        for field in form["fields"]:
            entry = fields.setdefault(field["name"],
                                      {**KINDS[field["kind"]], "description": field["label"], "steps": []})
            entry["steps"].append(name)
    return {key: {**{k: v for k, v in value.items() if k != "steps"},
                  "description": f"{value['description']}（{', '.join(value['steps'])}）"}
            for key, value in fields.items()}


STEP_IN = {"type": "object", "required": ["step", "date"], "properties": {
    "step": STEP, "date": {**DATE, "description": "办理日期（转正、延长、取消为上级党委审批日期）；不晚于今天"},
    "version": {**INT, "description": "可选：读取时的 version"}, **_field_schemas()},
    "description": "各步骤的字段见 /applicants/{id}/steps 的 next[].fields；未列出的字段被拒绝"}
STAGE = {"type": "string", "enum": list(PIPELINE_STAGE_NAMES),
         "description": "，".join(f"{key} {name}" for key, name in PIPELINE_STAGE_NAMES.items())}
DUE = obj(["step", "label", "due_on", "overdue"], step=STEP, label=STR, due_on={"type": ["string", "null"]},
          not_before={"type": ["string", "null"]}, overdue=BOOL)
RECORDED = obj(["id", "step", "date", "undone"], id=INT, step=STEP, label=STR, date=DATE, fields={"type": "object"},
               shown={"type": "array"}, actor_name=STR, at=STR, undone=BOOL, undo_reason={"type": ["string", "null"]},
               batch_id={"type": ["string", "null"]}, imported={**BOOL, "description": "从发展纪实采集表导入的"})
PIPELINE = obj(["stage", "steps", "due"], applicant_id=INT, stage=STAGE, stage_name=STR,
               stopped={"type": ["string", "null"], "description": "政审或预审不合格时停止发展的原因"},
               member_id={"type": ["integer", "null"], "description": "审批（approval）后创建的预备党员"},
               joined_on={"type": ["string", "null"]}, probation_ends={"type": ["string", "null"]},
               steps={"type": "array", "items": RECORDED, "description": "已办理的步骤（含已回退的）"},
               due={"type": "array", "items": DUE, "description": "应办理的步骤及期限"},
               next={"type": "array", "description": "现在可以办理的步骤及其字段"}, version=INT)
REF = {"$ref": "#/components/schemas/Development"}
ITEMS = {"type": "array", "maxItems": 200, "items": {"type": "object", "required": ["applicant_id"],
                                                      "properties": {"applicant_id": INT},
                                                      "description": "每人自己的字段（如各自的表决票数）"}}
PROBATION_IN = obj(["outcome", "meeting_on", "approved_on"],
                   outcome={"type": "string", "enum": ["confirm", "extend", "cancel"],
                            "description": "confirm 按期转为正式党员，extend 延长预备期，cancel 取消预备党员资格"},
                   meeting_on={**DATE, "description": "支部大会日期（转正、延长须在预备期满之后）"},
                   approved_on={**DATE, "description": "上级党委审批日期（支部大会后3个月内）"},
                   months={**INT, "description": "延长的月数（6–12，只能延长一次）"},
                   entitled=INT, present=INT, written=INT, yes=INT, note=STR, actors=STR,
                   version={**INT, "description": "可选：读取时的 version"})

OPENAPI_PATHS = {
    "/applicants/{id}/record.pdf": {"get": pdf_operation(
        "打印发展纪实（A4 PDF）：基本情况，按发展阶段列出每个步骤的日期、办理情况（谈话人、培养联系人、入党介绍人、"
        "表决票数、审查结论等）和录入人（回退的步骤注明原因），以及待办步骤和期限", params=[ID])},
    "/applicants/{id}/record.xlsx": {"get": download_operation("导出发展纪实（Excel），内容同 PDF", params=[ID])},
    "/applicants/{id}/steps": {
        "get": op("入党申请人的发展纪实：阶段、已办理步骤、应办理步骤及期限、可办理步骤", "发展纪实", REF, params=[ID]),
        "post": {**op("办理一个发展步骤；不符合规定（顺序、时间、介绍人、表决等）返回 422 和原因；"
                      "审批（approval）由支部的上级党委办理，同时创建预备党员（member_id）",
                      "办理后的发展纪实", REF, STEP_IN, params=[ID]),
                 "x-step-names": STEP_NAMES}},
    "/applicants/{id}/steps/undo": {"post": op(
        "回退最后一个步骤（须填原因；审批、转正、取消后不能回退）", "回退后的发展纪实", REF,
        obj(["reason"], reason={"type": "string", "maxLength": 500}, version=INT), params=[ID])},
    "/orgs/{id}/applicants/steps": {"post": op(
        "批量办理同一步骤（如集中培训、支部大会）：全部通过才写入，否则返回 422 并列出每个不通过的人及原因",
        "办理结果", obj(["batch_id", "count", "items"], batch_id=STR, step=STEP, count=INT,
                     items={"type": "array", "items": obj(["applicant_id", "stage"], applicant_id=INT, name=STR,
                                                          stage=STAGE, member_id={"type": ["integer", "null"]})}),
        {**STEP_IN, "required": ["step", "date", "items"],
         "properties": {**STEP_IN["properties"], "items": ITEMS}}, params=[ID])},
    "/orgs/{id}/development/due": {"get": op(
        "本组织及下级的发展党员提醒：期限在 within 天内或已超期的步骤，最紧急的在前", "分页结果",
        obj(["total", "overdue", "items"], total=INT, overdue=INT, page=INT, size=INT, within=INT,
            items={"type": "array"}),
        params=[ID, query_param("within", INT, "天数0–366，缺省按本组织系统设置（30）"), query_param("page", INT),
                query_param("size", INT)])},
    "/orgs/{id}/development/supervision": {"get": op(
        "发展党员工作督查：发展纪实中顺序颠倒、时间不足、介绍人不是正式党员、表决未过半数等问题（导入的历史）",
        "一页结果", obj(["items", "next_after_id"], items={"type": "array"},
                      next_after_id={"type": ["integer", "null"]}),
        params=[ID, query_param("after_id", INT, "上一页的 next_after_id"), query_param("limit", INT, "1–500")])},
    "/members/{id}/development": {"get": op(
        "党员的发展纪实（在本系统发展的）和预备期处理记录", "发展纪实",
        obj(["member_id", "development", "decisions"], member_id=INT, development={"oneOf": [REF, {"type": "null"}]},
            decisions={"type": "array"}), params=[ID])},
    "/members/{id}/probation": {"post": op(
        "预备党员转正、延长预备期或取消预备党员资格（支部大会决议和上级党委审批；由支部的上级党委办理）",
        "处理后的党员", obj(["member_id", "category", "status"], member_id=INT, category=STR, status=STR,
                        full_on={"type": ["string", "null"]}, left_on={"type": ["string", "null"]},
                        probation_extended_months=INT, version=INT),
        PROBATION_IN, params=[ID])},
}
SCHEMAS = {"Development": PIPELINE}
