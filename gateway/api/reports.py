"""The annual report (党内统计年报) of an organization and year: read, 直统, 汇总, 录改, 报表说明,
校核, 比对, history, 上报 and the parent's 接收/退回, and the Excel download."""
import asyncio
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.stats.contract import COVER_FIELDS

from ..auth import require_session
from ..errors import HttpError
from ..excel.report import report_workbook
from ..excel.roster import QUERY_COLUMNS, RosterColumn, RosterWriter
from ..rpc import RemoteError
from .common import call, check_types, path_id, read_json
from .exports import XLSX, download_operation, every_page, workbook_download
from .imports import FILE_LIMITS, uploaded_rows
from .spec import ID, INT, STR, obj, op, path_param, query_param

YEAR = path_param("year", {"type": "integer", "description": "报告年度：报告期截止于该年的统计报告期截止日（系统设置，"
                                                        "缺省12月31日），自上年该日之次日起算；见返回的 period_end"})


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


async def undo_correction(request: Request):
    session = await require_session(request)
    data = await read_json(request, optional=True)
    check_types(data, {"version": int})
    return JSONResponse(await call(request, session, "stats", "undo_report_correction", **_target(request),
                                   correction_id=request.path_params["correction_id"], version=data.get("version")))


async def fill_cover(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {**{key: str for key in COVER_FIELDS}, "version": int})
    return JSONResponse(await call(request, session, "stats", "fill_report_cover", **_target(request),
                                   cover={key: data.get(key) for key in COVER_FIELDS}, version=data.get("version")))


async def whole_org_attachment(request: Request, session, org_id, year) -> dict:
    """附表 整建制转入/转出情况 with both ends named: the stats service counts by organization id,
    the transfer names its ends (an end outside the caller's scope included, as the transfer
    shows it to those on its route); an end the caller may not see stays unnamed."""
    attachment = await call(request, session, "stats", "whole_org_transfers", org_id=org_id, year=year)

    async def named(item: dict) -> dict:
        try:
            transfer = await call(request, session, "transfer", "get", transfer_id=item["transfer_id"])
        except RemoteError as refused:
            if refused.exc_type not in ("Forbidden", "NotFound"):
                raise
            return {**item, "from_org_name": None, "to_org_name": None}
        return {**item, "from_org_name": transfer["from_org_name"], "to_org_name": transfer["to_org_name"]}
    attachment["items"] = list(await asyncio.gather(*(named(item) for item in attachment["items"])))
    return attachment


async def whole_org_transfers(request: Request):
    session = await require_session(request)
    return JSONResponse(await whole_org_attachment(request, session, **_target(request)))


async def report_xlsx(request: Request):
    session = await require_session(request)
    target = _target(request)
    report = await call(request, session, "stats", "get_report", **target)
    org, attachment = await asyncio.gather(call(request, session, "org", "get_org", org_id=target["org_id"]),
                                           whole_org_attachment(request, session, **target))
    content = await asyncio.to_thread(report_workbook, report, org["name"], attachment)
    filename = f"{org['name']}-{report['year']}年党内统计年报.xlsx"
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote(filename)}"})


# 名单 the audit asks for (members of the subtree, from the member service): JSON and Excel.
NAME_LISTS = {"suspended": "停止党籍", "restored": "恢复党籍", "returned": "找回（其他增加）",
              "older_students": "46岁及以上学生党员"}
NAME_LIST_COLUMNS = [QUERY_COLUMNS[key] for key in ("name", "sex", "birth_date", "id_number", "joined_on", "occupation")
                     ] + [RosterColumn("on", "党籍变动日期／出生日期", 14), QUERY_COLUMNS["org"]]


def _name_list_fetch(request: Request, session):
    org_id, year, kind = path_id(request), request.path_params["year"], request.path_params["kind"]
    return lambda page, size: call(request, session, "member", "report_name_list", org_id=org_id, year=year,
                                   kind=kind, page=page, size=size)


async def name_list(request: Request):
    session = await require_session(request)
    fetch = _name_list_fetch(request, session)
    return JSONResponse(await fetch(request.query_params.get("page", "1"), request.query_params.get("size", "50")))


async def name_list_xlsx(request: Request):
    session = await require_session(request)
    fetch = _name_list_fetch(request, session)
    first = await fetch(1, 1)  # refuses a bad year, kind or scope before any file is made
    org = await call(request, session, "org", "get_org", org_id=path_id(request))
    writer = RosterWriter(f"{org['name']} {first['title']}", NAME_LIST_COLUMNS, sheet_name=NAME_LISTS[first["kind"]])
    return await workbook_download(request, session, writer, every_page(fetch), f"{org['name']}-{first['title']}.xlsx")


async def usage(request: Request):
    """报表使用情况 of the organization's subtree: the filters go to the service as typed."""
    session = await require_session(request)
    return JSONResponse(await call(request, session, "stats", "report_usage", **_target(request),
                                   state=request.query_params.get("state"), level=request.query_params.get("level")))


COMMIT_VALUES = {"1": True, "true": True, "0": False, "false": False, "": False}


async def carry_forward(request: Request):
    """导入上年报表: the uploaded .xlsx of last year's report (the official layout) read in a worker
    process as the other imports are; a preview, or with ?commit=1 stored as last year's report."""
    session = await require_session(request)
    commit = COMMIT_VALUES.get(request.query_params.get("commit", "").strip().lower())
    if commit is None:
        raise HttpError(400, "bad_request", "参数 commit 应为 1（导入）或 0（预览）", {"commit": "应为 1 或 0"})
    sheets = await uploaded_rows(request, "report")
    result = await call(request, session, "stats", "import_last_year_report", **_target(request), sheets=sheets,
                        commit=commit)
    return JSONResponse(result, status_code=201 if result["committed"] else 200)


BASE = "/orgs/{id}/reports/{year}"
routes = [
    # The .xlsx route first: "{year}" alone would also match "2025.xlsx".
    Route(BASE + ".xlsx", report_xlsx),
    Route(BASE, _reader("get_report")),
    Route(BASE + "/checks", _reader("report_checks")),
    Route(BASE + "/comparison", _reader("report_comparison")),
    Route(BASE + "/history", _reader("report_history")),
    Route(BASE + "/usage", usage),
    Route(BASE + "/whole-org-transfers", whole_org_transfers),
    Route(BASE + "/name-lists/{kind}.xlsx", name_list_xlsx),
    Route(BASE + "/name-lists/{kind}", name_list),
    Route(BASE + "/generate", _action("generate_report"), methods=["POST"]),
    Route(BASE + "/carry-forward", carry_forward, methods=["POST"]),
    Route(BASE + "/aggregate", _action("aggregate_report"), methods=["POST"]),
    Route(BASE + "/corrections", correct, methods=["POST"]),
    Route(BASE + "/cover", fill_cover, methods=["POST"]),
    Route(BASE + "/corrections/{correction_id}/undo", undo_correction, methods=["POST"]),
    Route(BASE + "/explanation", _action("explain_report", {"explanation": str, "version": int}, optional=False),
          methods=["POST"]),
    Route(BASE + "/submit", _action("submit_report", {"version": int}), methods=["POST"]),
    Route(BASE + "/accept", _action("accept_report", {"comment": str}), methods=["POST"]),
    Route(BASE + "/return", _action("return_report", {"comment": str}), methods=["POST"]),
]

COVER = {key: {"type": ["string", "null"], "description": label} for key, label in COVER_FIELDS.items()}
CELL = obj(["table", "row", "column", "anchor", "label"], table=STR, row=STR, column=STR, anchor=STR, label=STR)
CHECKS = obj(["passed", "errors", "warnings", "failures"], passed={"type": "boolean"}, errors=INT, warnings=INT,
             failures={"type": "array", "items": obj(
                 ["rule", "severity", "message", "cells"], message=STR, cells={"type": "array", "items": CELL},
                 rule={"type": "string", "enum": ["sum", "cross_table", "year_start", "difference", "abnormal",
                                                  "name_list", "older_students"]},
                 list={"type": "string", "enum": list(NAME_LISTS),
                       "description": "须附的名单：GET /orgs/{id}/reports/{year}/name-lists/{list}"},
                 severity={"type": "string", "enum": ["error", "warning", "note"],
                           "description": "error 须修正后才能上报；warning 须在报表说明中说明；note 已说明"})})
TABLE = obj(["key", "name", "title", "columns", "rows", "sums"], key=STR, title=STR,
            name={"type": "string", "description": "表号，如“表1”；省表为“省表1”等（docs/REPORT_TEMPLATES.md）"},
            provincial={"type": "boolean", "description": "省表（排在国表之后；表代号以 p_ 开头）"},
            columns={"type": "array", "items": obj(["key", "label"], key=STR, label=STR,
                                                   group={"type": ["string", "null"]})},
            rows={"type": "array", "items": obj(["key", "label", "cells"], key=STR, label=STR,
                                                cells={"type": "object", "additionalProperties": INT})},
            sums={"type": "array", "description": "校核：每行中 total 列等于 parts 各列之和"},
            row_sums={"type": "array",
                      "description": "校核：每列中 total 行等于 parts 各行之和（表2–4、14、15 按职业分行）"})
STATUS = {"type": "string", "enum": ["none", "draft", "submitted", "accepted", "returned", "imported"],
          "description": "none 未生成（显示的是按当前数据直统的结果）；draft 草稿；submitted 已上报；"
                         "accepted 已接收；returned 已退回；imported 已导入（导入上年报表，只读）"}
SUBORDINATE = obj(["org_id", "name", "status", "submitted"], org_id=INT, name=STR, status=STATUS,
                  status_name=STR, submitted={"type": "boolean"})
REPORT = obj(["org_id", "year", "status", "year_start_total", "year_end_total", "tables", "checks", "actions"],
             org_id=INT, year=INT, period_end={"type": "string", "format": "date"}, status=STATUS, status_name=STR,
             source={"type": ["string", "null"], "enum": ["direct", "aggregated", "imported", None],
                     "description": "direct 直统；aggregated 汇总；imported 导入（导入上年报表）"}, version=INT,
             imported={"type": ["object", "null"], "description": "导入的报表：导入人（by）、导入时间（at）"},
             last_year={"type": "object", "description": "上一年度报表的状态、来源和总数"},
             year_start_total={"type": "integer", "description": "表1 上年底党员总数"},
             year_end_total={"type": "integer", "description": "表1 本年底实有党员数"},
             explanation=STR, comment={"type": ["string", "null"]}, tables={"type": "array", "items": TABLE},
             cover=obj([], **COVER),
             checks=CHECKS, subordinates={"type": "array", "items": SUBORDINATE},
             unsubmitted={"type": "array", "items": SUBORDINATE},
             template_version={"type": ["string", "null"], "description": "生成时所用的报表模板，"
                               "如“2012国表 v1；某省省表 v2”（尚未生成时为当前模板）"},
             aggregation={"type": ["object", "null"]}, actions={"type": "object",
                                                                "additionalProperties": {"type": "boolean"}})
PARAMS = [ID, YEAR]
USAGE_STATES = ["none", "generated", "checked", "submitted", "accepted", "returned"]
USAGE_STATE = {"type": "string", "enum": USAGE_STATES,
               "description": "none 未生成；generated 已生成（直统或汇总），校核未通过；checked 已校核，待上报；"
                              "submitted 已上报，待上级接收；accepted 已接收；returned 已退回"}
USAGE_ITEM = obj(["org_id", "name", "level", "state", "state_name"], org_id=INT, name=STR,
                 type_name={"type": ["string", "null"]}, parent_name={"type": ["string", "null"]},
                 level={"type": "integer", "description": "层级：1 本组织，2 下一级……"}, level_name=STR,
                 state=USAGE_STATE, state_name=STR,
                 source={"type": ["string", "null"], "enum": ["direct", "aggregated", None]},
                 source_name={"type": ["string", "null"]}, comment={"type": ["string", "null"]},
                 updated_at={"type": ["string", "null"]}, submitted_at={"type": ["string", "null"]},
                 decided_at={"type": ["string", "null"]})
USAGE = obj(["org_id", "year", "counts", "total", "levels", "items"], org_id=INT, year=INT, total=INT,
            period_end={"type": "string", "format": "date"},
            state={"type": ["string", "null"]}, level={"type": ["integer", "null"]},
            counts={"type": "array", "items": obj(["state", "state_name", "count"], state=USAGE_STATE,
                                                  state_name=STR, count=INT)},
            levels={"type": "array", "items": obj(["level", "level_name", "count"], level=INT, level_name=STR,
                                                  count=INT)},
            items={"type": "array", "items": USAGE_ITEM})
KIND = path_param("kind", {"type": "string", "enum": list(NAME_LISTS), "description": "名单类别"})
VERSION = {"type": "integer", "description": "读取时的 version（可选；过期则 409）"}


def _post(summary: str, body: dict | None = None, required: bool = False) -> dict:
    return {"post": op(summary, "报表", REPORT, body, params=PARAMS, body_required=required)}


OPENAPI_PATHS = {
    BASE: {"get": op("党内统计年报：已生成的报表，或尚未生成时按当前数据直统的结果；"
                     "全部表（国表在前，省表在后），每表的行、列按正式表样命名；"
                     "含所用报表模板版本、校核结果、可办理的操作、下级上报情况", "报表", REPORT, params=PARAMS)},
    BASE + ".xlsx": {"get": download_operation("导出党内统计年报（Excel，按正式表样，每表一页）", params=PARAMS)},
    BASE + "/checks": {"get": op("校核：各项之和等于合计、表1与表2等总数一致、上年底数等于上年报表年底数、"
                                 "实有数与应有数之差须说明、与上年相比变化异常", "校核结果", CHECKS, params=PARAMS)},
    BASE + "/comparison": {"get": op("比对：本年与上年逐格对照，标出变化", "比对结果", params=PARAMS)},
    BASE + "/usage": {"get": op(
        "报表使用情况：本组织及下级各党组织该年度报表的状态（未生成、已生成未通过校核、已校核待上报、已上报、已接收、"
        "已退回），各状态的数量，可按状态和层级筛选", "报表使用情况", USAGE,
        params=[*PARAMS, query_param("state", USAGE_STATE, "只列出该状态的党组织"),
                query_param("level", {"type": "integer", "minimum": 1}, "只统计和列出该层级（1 本组织，2 下一级）")])},
    BASE + "/history": {"get": op("报表的全部操作记录（生成、录改及原因、说明、上报、接收、退回）", "记录",
                                  obj(["items"], items={"type": "array"}), params=PARAMS)},
    BASE + "/name-lists/{kind}": {"get": op(
        "校核所需名单：本组织及下级在报告年度内停止党籍（suspended）、恢复党籍（restored）、"
        "找回计入其他增加（returned）的党员，"
        "或年底时46岁及以上的学生党员（older_students）；分页", "名单",
        obj(["kind", "title", "year", "total", "page", "size", "items"], kind=STR, title=STR, year=INT, total=INT,
            page=INT, size=INT, items={"type": "array"}),
        params=[*PARAMS, KIND, query_param("page", INT), query_param("size", INT)])},
    BASE + "/whole-org-transfers": {"get": op(
        "附表 整建制转入/转出情况：报告年度内本组织及下级（转出或转入一端）的整建制转移，"
        "转移的党组织、随转党员数、生效（接收）日期、方向（out 转出，in 转入，both 两端均在本组织内）",
        "整建制转移情况", obj(["items", "out_members", "in_members"], year=INT, items={"type": "array", "items": obj(
            ["transfer_id", "org_name", "members", "effective_on", "direction", "from_org_name", "to_org_name"],
            transfer_id=INT, org_id=INT, org_name=STR, members=INT, effective_on=STR, from_org_id=INT, to_org_id=INT,
            from_org_name={"type": ["string", "null"], "description": "原上级党组织（调出方）；无权查看时为 null"},
            to_org_name={"type": ["string", "null"], "description": "新的上级党组织（接收方）；无权查看时为 null"},
            direction={"type": "string", "enum": ["out", "in", "both"]})}, out_members=INT, in_members=INT),
        params=PARAMS)},
    BASE + "/name-lists/{kind}.xlsx": {"get": download_operation("导出校核所需名单（Excel）", params=[*PARAMS, KIND])},
    BASE + "/carry-forward": {"post": {
        **op("导入上年报表（首年结转）：上传原系统导出的上一年度党内统计年报（.xlsx，正式表样：每表一个工作表，"
             "第1行表名，第2行填报单位/报告期，第3–4行表头（列组在上、列名在下），第5行起数据，A列为项目）。"
             "不带 commit 为预览，不写入；commit=1 且无错误时存为本组织上一年度的报表（来源“导入”，只读），"
             "本年表1「上年底党员总数」取其「本年底实有党员数」。上一年度已有在 PMIS 中直统或汇总的报表、"
             "或本年报表已上报时 409；再次导入替换上次导入的报表", "预览（commit=1 时 201：已导入）",
             obj(["year", "imported_year", "committed", "read", "errors", "warnings", "year_end_total"],
                 org_id=INT, year=INT, imported_year={"type": "integer", "description": "导入的年度（year − 1）"},
                 committed={"type": "boolean"},
                 read={"type": "array", "description": "读到的表：key、表名、标题、工作表、识别的单元格数",
                       "items": obj(["key", "name", "title", "sheet", "cells"], key=STR, name=STR, title=STR,
                                    sheet=STR, cells=INT)},
                 errors={"type": "array", "description": "错误（有错误时不能导入）：工作表、行、列、说明",
                         "items": obj(["message"], sheet={"type": ["string", "null"]},
                                      row={"type": ["integer", "null"]}, column={"type": ["string", "null"]},
                                      message=STR)},
                 warnings={"type": "array", "description": "提示（PMIS 不统计的表和列被忽略，缺少的列按0计）"},
                 checks={"type": "array", "items": STR,
                         "description": "上年报表自身按 PMIS 校核规则的错误（不影响导入，导入后照样列出）"},
                 year_end_total={"type": ["integer", "null"],
                                 "description": "表1「本年底实有党员数」：本年「上年底党员总数」"},
                 tables={"type": "array", "items": TABLE, "description": "预览时：读到的各表"},
                 report={**REPORT, "description": "导入后：上一年度的报表"}),
             params=[*PARAMS, query_param("commit", {"type": "string", "enum": ["0", "1"],
                                                     "description": "1：确认导入；省略或 0：仅预览"})]),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    BASE + "/generate": _post("直统：按本组织及下级的党员数据生成报表（已上报的不能重新生成）"),
    BASE + "/aggregate": _post("汇总：本组织直属党员的数据加上各下级已上报的报表；列出尚未上报的下级"),
    BASE + "/corrections": {"post": op("录改：手工修改一个单元格，须说明原因（已上报的报表不能录改）", "报表",
                                       REPORT, obj(
        ["table", "row", "column", "value", "reason"], table=STR, row=STR, column=STR,
        value={"type": "integer", "minimum": 0}, reason=STR, version=VERSION), params=PARAMS)},
    BASE + "/explanation": _post("报表说明：说明实有数与应有数之差、异常变化等", obj(
        ["explanation"], explanation=STR, version=VERSION), required=True),
    BASE + "/corrections/{correction_id}/undo": {"post": op(
        "撤销录改：把一条录改的单元格恢复为录改前的数值（此后该单元格又有改动或报表重新生成过的不能撤销），记入操作记录",
        "报表", REPORT, obj([], version=VERSION), params=[*PARAMS, path_param("correction_id", {
            "type": "integer", "description": "录改记录编号（操作记录中的 id）"})], body_required=False)},
    BASE + "/cover": _post("报表封面：单位负责人、统计负责人、填报人、联系电话、报出日期（均可留空；已上报的不能修改）",
                           obj([], **COVER, version=VERSION), required=True),
    BASE + "/submit": _post("上报：校核无错误的报表报送上级党组织（不能重复上报）", obj([], version=VERSION)),
    BASE + "/accept": _post("接收：上级党组织接收已上报的报表（须由管理范围包含上级党组织的账号办理）",
                            obj([], comment=STR)),
    BASE + "/return": _post("退回：上级党组织退回已上报的报表，须填写退回意见", obj(["comment"], comment=STR),
                            required=True),
}
# 导入上年报表 answers 201 once committed, with the same body as its preview.
_carry = OPENAPI_PATHS[BASE + "/carry-forward"]["post"]["responses"]
_carry["201"] = {**_carry["200"], "description": "已导入（commit=1）"}
