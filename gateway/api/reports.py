"""The annual report (党内统计年报) of an organization and year: read, 直统, 汇总, 录改, 报表说明,
校核, 比对, history, 上报 and the parent's 接收/退回, and the Excel download."""
import asyncio
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..auth import require_session
from ..excel.report import report_workbook
from .common import call, check_types, path_id, read_json
from .exports import XLSX, download_operation
from .spec import ID, INT, STR, obj, op, path_param

YEAR = path_param("year", {"type": "integer", "description": "报告年度（报告期为该年12月31日）"})


def _target(request: Request) -> dict:
    # The year goes to the service as typed: it answers 年份无效 for anything but a report year.
    return {"org_id": path_id(request), "year": request.path_params["year"]}


def _reader(method: str):
    async def read(request: Request):
        session = await require_session(request)
        return JSONResponse(await call(request, session, "stats", method, **_target(request)))
    return read


def _action(method: str, fields: dict | None = None, optional: bool = True):
    """A POST that changes the report: the body's fields (JSON types checked) go to the service."""
    async def act(request: Request):
        session = await require_session(request)
        data = await read_json(request, optional=optional) if fields is not None else {}
        if fields:
            check_types(data, fields)
        arguments = {name: data.get(name) for name in (fields or {}) if name in data}
        return JSONResponse(await call(request, session, "stats", method, **_target(request), **arguments))
    return act


async def correct(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"table": str, "row": str, "column": str, "reason": str, "version": int})
    correction = {name: data.get(name) for name in ("table", "row", "column", "value", "reason")}
    return JSONResponse(await call(request, session, "stats", "correct_report", **_target(request),
                                   correction=correction, version=data.get("version")))


async def report_xlsx(request: Request):
    session = await require_session(request)
    target = _target(request)
    report = await call(request, session, "stats", "get_report", **target)
    org = await call(request, session, "org", "get_org", org_id=target["org_id"])
    content = await asyncio.to_thread(report_workbook, report, org["name"])
    filename = f"{org['name']}-{report['year']}年党内统计年报.xlsx"
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote(filename)}"})


BASE = "/orgs/{id}/reports/{year}"
routes = [
    # The .xlsx route first: "{year}" alone would also match "2025.xlsx".
    Route(BASE + ".xlsx", report_xlsx),
    Route(BASE, _reader("get_report")),
    Route(BASE + "/checks", _reader("report_checks")),
    Route(BASE + "/comparison", _reader("report_comparison")),
    Route(BASE + "/history", _reader("report_history")),
    Route(BASE + "/generate", _action("generate_report"), methods=["POST"]),
    Route(BASE + "/aggregate", _action("aggregate_report"), methods=["POST"]),
    Route(BASE + "/corrections", correct, methods=["POST"]),
    Route(BASE + "/explanation", _action("explain_report", {"explanation": str, "version": int}, optional=False),
          methods=["POST"]),
    Route(BASE + "/submit", _action("submit_report", {"version": int}), methods=["POST"]),
    Route(BASE + "/accept", _action("accept_report", {"comment": str}), methods=["POST"]),
    Route(BASE + "/return", _action("return_report", {"comment": str}), methods=["POST"]),
]

CELL = obj(["table", "row", "column", "anchor", "label"], table=STR, row=STR, column=STR, anchor=STR, label=STR)
CHECKS = obj(["passed", "errors", "warnings", "failures"], passed={"type": "boolean"}, errors=INT, warnings=INT,
             failures={"type": "array", "items": obj(
                 ["rule", "severity", "message", "cells"], message=STR, cells={"type": "array", "items": CELL},
                 rule={"type": "string", "enum": ["sum", "cross_table", "year_start", "difference", "abnormal"]},
                 severity={"type": "string", "enum": ["error", "warning", "note"],
                           "description": "error 须修正后才能上报；warning 须在报表说明中说明；note 已说明"})})
TABLE = obj(["key", "name", "title", "columns", "rows", "sums"], key=STR, name=STR, title=STR,
            columns={"type": "array", "items": obj(["key", "label"], key=STR, label=STR,
                                                   group={"type": ["string", "null"]})},
            rows={"type": "array", "items": obj(["key", "label", "cells"], key=STR, label=STR,
                                                cells={"type": "object", "additionalProperties": INT})},
            sums={"type": "array"})
STATUS = {"type": "string", "enum": ["none", "draft", "submitted", "accepted", "returned"],
          "description": "none 未生成（显示的是按当前数据直统的结果）；draft 草稿；submitted 已上报；"
                         "accepted 已接收；returned 已退回"}
SUBORDINATE = obj(["org_id", "name", "status", "submitted"], org_id=INT, name=STR, status=STATUS,
                  status_name=STR, submitted={"type": "boolean"})
REPORT = obj(["org_id", "year", "status", "year_start_total", "year_end_total", "tables", "checks", "actions"],
             org_id=INT, year=INT, period_end={"type": "string", "format": "date"}, status=STATUS, status_name=STR,
             source={"type": ["string", "null"], "enum": ["direct", "aggregated", None]}, version=INT,
             year_start_total={"type": "integer", "description": "表1 上年底党员总数"},
             year_end_total={"type": "integer", "description": "表1 本年底实有党员数"},
             explanation=STR, comment={"type": ["string", "null"]}, tables={"type": "array", "items": TABLE},
             checks=CHECKS, subordinates={"type": "array", "items": SUBORDINATE},
             unsubmitted={"type": "array", "items": SUBORDINATE},
             aggregation={"type": ["object", "null"]}, actions={"type": "object",
                                                                "additionalProperties": {"type": "boolean"}})
PARAMS = [ID, YEAR]
VERSION = {"type": "integer", "description": "读取时的 version（可选；过期则 409）"}


def _post(summary: str, body: dict | None = None, required: bool = False) -> dict:
    return {"post": op(summary, "报表", REPORT, body, params=PARAMS, body_required=required)}


OPENAPI_PATHS = {
    BASE: {"get": op("党内统计年报：已生成的报表，或尚未生成时按当前数据直统的结果；"
                     "含校核结果、可办理的操作、下级上报情况", "报表", REPORT, params=PARAMS)},
    BASE + ".xlsx": {"get": download_operation("导出党内统计年报（Excel，按正式表样，每表一页）", params=PARAMS)},
    BASE + "/checks": {"get": op("校核：各项之和等于合计、表1与表2等总数一致、上年底数等于上年报表年底数、"
                                 "实有数与应有数之差须说明、与上年相比变化异常", "校核结果", CHECKS, params=PARAMS)},
    BASE + "/comparison": {"get": op("比对：本年与上年逐格对照，标出变化", "比对结果", params=PARAMS)},
    BASE + "/history": {"get": op("报表的全部操作记录（生成、录改及原因、说明、上报、接收、退回）", "记录",
                                  obj(["items"], items={"type": "array"}), params=PARAMS)},
    BASE + "/generate": _post("直统：按本组织及下级的党员数据生成报表（已上报的不能重新生成）"),
    BASE + "/aggregate": _post("汇总：本组织直属党员的数据加上各下级已上报的报表；列出尚未上报的下级"),
    BASE + "/corrections": {"post": op("录改：手工修改一个单元格，须说明原因（已上报的报表不能录改）", "报表",
                                       REPORT, obj(
        ["table", "row", "column", "value", "reason"], table=STR, row=STR, column=STR,
        value={"type": "integer", "minimum": 0}, reason=STR, version=VERSION), params=PARAMS)},
    BASE + "/explanation": _post("报表说明：说明实有数与应有数之差、异常变化等", obj(
        ["explanation"], explanation=STR, version=VERSION), required=True),
    BASE + "/submit": _post("上报：校核无错误的报表报送上级党组织（不能重复上报）", obj([], version=VERSION)),
    BASE + "/accept": _post("接收：上级党组织接收已上报的报表（须由管理范围包含上级党组织的账号办理）",
                            obj([], comment=STR)),
    BASE + "/return": _post("退回：上级党组织退回已上报的报表，须填写退回意见", obj(["comment"], comment=STR),
                            required=True),
}
