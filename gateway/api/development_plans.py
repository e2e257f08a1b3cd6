"""发展党员, part two: an organization's annual development plan versus what happened (read, keep,
Excel printout) and the import of development histories kept on paper (发展纪实采集表: template,
upload with preview, commit). Every rule is the member service's."""
from datetime import date
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.member.contract import DEVELOPMENT_IMPORT_COLUMNS, IMPORT_STEPS

from ..auth import require_session
from ..excel.development_plan import TITLE, plan_workbook
from ..excel.template import development_template
from .common import call, check_types, path_id, read_json
from .exports import XLSX, download_operation
from .imports import ERRORS_LIST, FILE_LIMITS, IMPORT_ID, import_endpoints
from .spec import ID, INT, STR, obj, op, path_param


def _where(request: Request) -> dict:
    # The year goes to the service as typed: it answers 400 for anything but a plan year.
    return {"org_id": path_id(request), "year": request.path_params["year"]}


async def get_plan(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "development_plan", **_where(request)))


async def save_plan(request: Request):
    session = await require_session(request)
    where = _where(request)
    data = await read_json(request)
    check_types(data, {"members": int, "activists": int, "candidates": int, "named": list, "note": str,
                       "version": int})
    return JSONResponse(await call(request, session, "member", "save_development_plan", **where, data=data))


async def plan_xlsx(request: Request):
    session = await require_session(request)
    report = await call(request, session, "member", "development_plan", **_where(request))
    content = await run_in_threadpool(plan_workbook, report, date.today().isoformat())
    filename = quote(f"{report['org_name']}-{report['year']}年{TITLE}.xlsx")
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{filename}",
                             "Cache-Control": "no-store"})


async def import_template(request: Request):
    await require_session(request)
    return Response(development_template(), media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote('发展纪实采集表.xlsx')}"})


create_import, get_import, commit_import = import_endpoints("member", "development")

PLAN_PATH = "/orgs/{id}/development/plans/{year}"
routes = [
    Route(PLAN_PATH + ".xlsx", plan_xlsx),  # first: "{year}" alone would also match "2025.xlsx"
    Route(PLAN_PATH, get_plan),
    Route(PLAN_PATH, save_plan, methods=["PUT"]),
    Route("/imports/development/template.xlsx", import_template),
    Route("/imports/development", create_import, methods=["POST"]),
    Route("/imports/development/{id}", get_import),
    Route("/imports/development/{id}/commit", commit_import, methods=["POST"]),
]

# --- OpenAPI ------------------------------------------------------------------------------------
YEAR = path_param("year", {"type": "integer", "description": "计划年度（2000年至明年）"})
COUNT = {"type": "integer", "minimum": 0, "maximum": 100000}
NULLABLE_INT = {"type": ["integer", "null"]}
PLANNED = obj(["members", "activists", "candidates"], members={**COUNT, "description": "计划发展党员数"},
              activists={**COUNT, "description": "计划确定入党积极分子数"},
              candidates={**COUNT, "description": "计划确定发展对象数"})
ACTUAL = obj(["applied", "activists", "candidates", "members"],
             applied={**INT, "description": "本年申请入党人数（按申请日期）"},
             activists={**INT, "description": "本年确定为入党积极分子的人数"},
             candidates={**INT, "description": "本年列为发展对象的人数"},
             members={**INT, "description": "本年发展党员数（已审批的，按接收的支部大会日期）"})
PLAN_IN = obj(["members", "activists", "candidates"], **PLANNED["properties"],
              named={"type": "array", "maxItems": 200, "items": INT,
                     "description": "可选：列入计划的入党申请人编号（本组织及下级、未删除）"},
              note={"type": "string", "maxLength": 500, "description": "说明"},
              version={**INT, "description": "修改已有计划时可带读取时的 version；已被他人修改返回 409"})
PLAN = obj(["org_id", "year", "members", "activists", "candidates", "named", "version"], org_id=INT, year=INT,
           **PLANNED["properties"], named={"type": "array", "items": INT}, note=STR, version=INT, updated_by=STR,
           updated_at=STR)
ROW = obj(["org_id", "name", "plan", "actual"], org_id=INT, name=STR, depth=INT,
          plan={"oneOf": [PLANNED, {"type": "null"}], "description": "该组织的计划；null 为未制定"},
          actual={**ACTUAL, "description": "该组织（含下级）本年实际"},
          completion={**NULLABLE_INT, "description": "发展党员完成率（%）"})
REPORT = obj(["org_id", "org_name", "year", "plan", "rows", "total", "named"], org_id=INT, org_name=STR, year=INT,
             plan={"oneOf": [PLAN, {"type": "null"}], "description": "本组织自己的计划"},
             named={"type": "array", "items": obj(
                 ["applicant_id", "name", "outcome"], applicant_id=INT, name=STR, stage=STR, stage_name=STR,
                 joined_on={"type": ["string", "null"]}, developed={"type": "boolean"}, outcome=STR)},
             rows={"type": "array", "items": ROW},
             total=obj(["plan", "actual"],
                       plan={"oneOf": [PLANNED, {"type": "null"}],
                             "description": "本组织的计划，没有时为下级最上层计划之和"},
                       actual=ACTUAL, planned_by=INT, completion=NULLABLE_INT),
             planned={"type": "array"}, actual_labels={"type": "array"})

OPENAPI_PATHS = {
    PLAN_PATH: {
        "get": op("发展党员计划执行情况：本组织及下级各组织的年度发展计划与本年实际（申请入党、确定积极分子、"
                  "列为发展对象、发展党员）及合计，本组织计划列入的人员的发展情况",
                  "计划与实际", REPORT, params=[ID, YEAR]),
        "put": op("制定或修改本组织的年度发展计划", "保存后的计划", PLAN, PLAN_IN, params=[ID, YEAR])},
    PLAN_PATH + ".xlsx": {"get": download_operation(
        "导出发展党员计划执行情况（Excel，A4 横向）", params=[ID, YEAR])},
    "/imports/development/template.xlsx": {"get": download_operation(
        "下载发展纪实采集表模板（" + "、".join(c.header for c in DEVELOPMENT_IMPORT_COLUMNS) + "）；可导入的步骤："
        + "、".join(IMPORT_STEPS.names()))},
    "/imports/development": {"post": {
        **op("上传发展纪实采集表（纸质办理过的发展步骤），返回预览：每行的问题；顺序颠倒、时间不足的不拒绝，"
             "写入后由发展党员工作督查列出", "预览",
             obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST,
                 notes={"type": "array"}), status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/development/{id}": {"get": op("发展纪实导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/development/{id}/commit": {"post": op(
        "写入预览中的有效行（各人的步骤按日期排在已记录的步骤之后，发展阶段随之更新）；"
        "all_or_nothing 为 true 时只要有错误行就不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing={"type": "boolean"}), params=[IMPORT_ID])},
}
