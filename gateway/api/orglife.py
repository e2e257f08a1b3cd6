"""组织生活 beyond single records: voiding a record, the yearly plan, what is due (home page), members'
attendance (per organization and year, and a member's history), and the Excel exports of an
organization's meetings of a year and of the subtree's summary."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.org.contract import MEETING_KINDS

from ..auth import require_session
from ..excel.roster import RosterColumn, RosterWriter
from .common import call, check_types, path_id, read_json, record_action
from .exports import download_operation, every_page, workbook_download
from .meetings import KIND, YEAR
from .spec import ID, INT, STR, obj, op, query_param


async def plan(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "orglife_plan", org_id=path_id(request),
                                   year=request.query_params.get("year") or None))


async def save_plan(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"year": (int, str), "items": list, "version": int})
    return JSONResponse(await call(request, session, "org", "save_orglife_plan", org_id=path_id(request), data=data))


async def due(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "orglife_due", org_id=path_id(request)))


async def attendance(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "org", "org_attendance", org_id=path_id(request),
                                   year=params.get("year") or None, kind=params.get("kind") or None))


async def member_meetings(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "org", "member_attendance", member_id=path_id(request),
                                   page=params.get("page", "1"), size=params.get("size", "50")))


MEETING_COLUMNS = [RosterColumn("held_at_text", "时间", 17), RosterColumn("kind_name", "类型", 12),
                   RosterColumn("topic", "主题", 36), RosterColumn("place", "地点", 20),
                   RosterColumn("host", "主持人", 10),
                   RosterColumn("recorder", "记录人", 10), RosterColumn("attended", "出席人数", 9),
                   RosterColumn("absent", "缺席人数", 9), RosterColumn("inflow_attended", "流入党员出席", 12),
                   RosterColumn("state", "状态", 12)]
SUMMARY_COLUMNS = [RosterColumn("name", "类型", 14), RosterColumn("held", "已开展", 9),
                   RosterColumn("required", "应开展", 9), RosterColumn("met", "计入完成率", 11),
                   RosterColumn("completion_text", "完成率", 9)]


ATTENDANCE_COLUMNS = [RosterColumn("group", "类别", 16), RosterColumn("name", "姓名", 14),
                      RosterColumn("attended", "出席次数", 10), RosterColumn("absent", "缺席次数", 10),
                      RosterColumn("rate_text", "出席率", 10)]


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


async def meetings_xlsx(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    year = request.query_params.get("year") or None

    async def pages():
        async for items in every_page(lambda page, size: call(request, session, "org", "list_meetings", org_id=org_id,
                                                              year=year, page=page, size=size)):
            yield [{**m, "held_at_text": m["held_at"].replace("T", " "),
                    "state": f"已作废（{m['void_reason']}）" if m["voided"] else m["status_name"]} for m in items]
    first = await call(request, session, "org", "list_meetings", org_id=org_id, year=year, page=1, size=1)
    writer = RosterWriter(f"{org['name']} {first['year']}年组织生活记录", MEETING_COLUMNS, sheet_name="组织生活记录")
    return await workbook_download(request, session, writer, pages(), f"{org['name']}-{first['year']}年组织生活.xlsx")


async def summary_xlsx(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    summary = await call(request, session, "org", "orglife_summary", org_id=org_id,
                         year=request.query_params.get("year") or None)
    rows = [{**k, "completion_text": _percent(k["completion"])} for k in summary["kinds"].values()
            if k["required"] or k["held"]]
    rows.append({"name": "合计", "held": sum(k["held"] for k in summary["kinds"].values()),
                 "required": summary["required_total"], "met": summary["met_total"],
                 "completion_text": _percent(summary["completion"])})
    title = f"{org['name']}（含下级{summary['organizations']}个党支部）{summary['year']}年组织生活完成情况"
    return await _one_sheet(request, session, RosterWriter(title, SUMMARY_COLUMNS, sheet_name="完成情况"), rows,
                            f"{org['name']}-{summary['year']}年组织生活完成情况.xlsx")


async def _one_sheet(request: Request, session, writer: RosterWriter, rows: list[dict], filename: str):
    """A workbook of rows already at hand (a summary, not pages of a list)."""
    async def pages():
        yield rows
    return await workbook_download(request, session, writer, pages(), filename)


async def attendance_xlsx(request: Request):
    """Members' attendance of a year (one kind if said): the members on the records with their rate,
    a total line, then 流入 members apart (their attendance counts in no rate)."""
    session = await require_session(request)
    params = request.query_params
    found = await call(request, session, "org", "org_attendance", org_id=path_id(request),
                       year=params.get("year") or None, kind=params.get("kind") or None)
    rows = [{**m, "group": "党员", "rate_text": _percent(m["rate"])} for m in found["members"]]
    rows.append({"group": "合计", "name": f"{found['meetings']}次会议", "attended": found["attended"],
                 "absent": found["listed"] - found["attended"], "rate_text": _percent(found["rate"])})
    rows += [{"group": "流入党员（不计入出席率）", "name": i["name"], "attended": i["attended"], "absent": None,
              "rate_text": "—"} for i in found["inflows"]]
    kind = f"（{MEETING_KINDS.name(found['kind'])}）" if found["kind"] else ""
    title = f"{found['org_name']} {found['year']}年组织生活党员出席情况{kind}"
    return await _one_sheet(request, session, RosterWriter(title, ATTENDANCE_COLUMNS, sheet_name="出席情况"), rows,
                            f"{found['org_name']}-{found['year']}年党员出席情况.xlsx")


routes = [
    Route("/orgs/{id}/org-life/attendance.xlsx", attendance_xlsx),
    Route("/meetings/{id}/void", record_action("org", "void_meeting", "meeting_id", {"reason": str}),
          methods=["POST"]),
    Route("/orgs/{id}/org-life/plan", plan, methods=["GET"]),
    Route("/orgs/{id}/org-life/plan", save_plan, methods=["PUT"]),
    Route("/orgs/{id}/org-life/due", due),
    Route("/orgs/{id}/org-life/attendance", attendance),
    Route("/orgs/{id}/meetings.xlsx", meetings_xlsx),
    Route("/orgs/{id}/org-life/summary.xlsx", summary_xlsx),
    Route("/members/{id}/meetings", member_meetings),
]

NULL_STR = {"type": ["string", "null"]}
PLAN_ITEM = obj(["kind", "month"], kind=KIND, month={"type": "integer", "minimum": 1, "maximum": 12},
                planned_on={"type": ["string", "null"], "description": "计划日期 YYYY-MM-DD（可不填）"},
                topic={"type": "string", "description": "计划主题"})
PLAN = obj(["org_id", "year", "saved", "version", "items"], org_id=INT, org_name=STR, year=INT,
           saved={"type": "boolean"}, version=INT, updated_by_name=NULL_STR, updated_at=NULL_STR,
           items={"type": "array", "items": {**PLAN_ITEM, "properties": {
               **PLAN_ITEM["properties"], "kind_name": STR,
               "held": {"type": "boolean", "description": "当月已开展该类型会议（逐项对应）"}}}},
           template={"type": "array", "items": PLAN_ITEM, "description": "尚未制定计划时，按规定频次生成的计划"},
           shortfall={"type": "array", "description": "计划未覆盖的规定周期"}, done=INT, total=INT)
DUE_ITEM = obj(["kind", "label", "organizations"], kind=STR, name=STR, period=STR, year=INT, key=STR, label=STR,
               ends_on=STR, organizations={**INT, "description": "尚未开展的党支部数"})
RATE = {"type": ["number", "null"], "description": "出席率（出席/应出席），无应出席时为 null"}
ATTENDANCE = obj(["org_id", "year", "members"], org_id=INT, org_name=STR, year=INT, kind=NULL_STR, meetings=INT,
                 attended=INT, listed=INT, rate=RATE, members={"type": "array", "items": obj(
                     ["member_id", "name", "attended", "absent", "rate"], member_id=INT, name=STR, attended=INT,
                     absent=INT, listed=INT, rate=RATE)},
                 inflows={"type": "array", "description": "流入党员的出席次数（单独列出，不计入出席率）",
                          "items": obj(["inflow_id", "name", "attended"], inflow_id=INT,
                                       member_id={"type": ["integer", "null"]}, name=STR,
                                       certificate_no=NULL_STR, external={"type": "boolean"}, attended=INT)})
MEMBER_MEETINGS = obj(["member_id", "total", "items"], member_id=INT, total=INT, attended=INT, absent=INT, rate=RATE,
                      page=INT, size=INT, items={"type": "array", "items": obj(
                          ["id", "kind", "held_at", "attended"], id=INT, kind=STR, kind_name=STR, held_at=STR,
                          topic=STR, org_id=INT, org_name=STR, attended={"type": "boolean"}, reason=NULL_STR)})

OPENAPI_PATHS = {
    "/meetings/{id}/void": {"post": op(
        "作废组织生活记录（误录等）：须填写原因，记录和历史保留，不再计入已开展次数，同一时间可重新记录；"
        "已作废的不能修改、签认或再次作废（409）", "已作废",
        obj(["id", "version", "voided"], id=INT, version=INT, voided={"type": "boolean"}),
        obj(["reason"], reason=STR, version=INT), params=[ID])},
    "/orgs/{id}/org-life/plan": {
        "get": op("本组织某年的组织生活计划（各项是否已落实、未覆盖的规定周期；未制定时给出按频次生成的模板）",
                  "计划", PLAN, params=[ID, YEAR]),
        "put": op("保存本组织某年的组织生活计划（整体替换；version 为读取时的版本，新计划可不填）", "已保存",
                  obj(["org_id", "year", "version"], org_id=INT, year=INT, version=INT, total=INT),
                  obj(["year", "items"], year=INT, items={"type": "array", "items": PLAN_ITEM}, version=INT),
                  params=[ID])},
    "/orgs/{id}/org-life/due": {"get": op(
        "组织生活提醒（本组织及下级）：due 为本月/本季度/本年应开展而尚未开展的类型及未开展的党支部数，"
        "behind 为上一个已结束周期未开展的类型及党支部数（按各周期所在年份的频次规则）", "提醒",
        obj(["due", "behind"], org_id=INT, org_name=STR, today=STR, organizations=INT,
            due={"type": "array", "items": DUE_ITEM}, behind={"type": "array", "items": DUE_ITEM}), params=[ID])},
    "/orgs/{id}/org-life/attendance": {"get": op(
        "本组织某年组织生活的党员出席率（不含已作废记录；可按类型）", "出席率", ATTENDANCE,
        params=[ID, YEAR, query_param("kind", KIND)])},
    "/members/{id}/meetings": {"get": op(
        "党员参加组织生活的记录（本账号管理范围内的组织，不含已作废记录，按时间倒序）", "出席记录", MEMBER_MEETINGS,
        params=[ID, query_param("page", INT), query_param("size", INT)])},
    "/orgs/{id}/meetings.xlsx": {"get": download_operation("导出本组织某年的组织生活记录（Excel）", params=[ID, YEAR])},
    "/orgs/{id}/org-life/attendance.xlsx": {"get": download_operation(
        "导出本组织某年组织生活的党员出席情况（Excel；流入党员单独列出，不计入出席率）",
        params=[ID, YEAR, query_param("kind", KIND)])},
    "/orgs/{id}/org-life/summary.xlsx": {"get": download_operation(
        "导出本组织及下级某年组织生活完成情况（Excel）", params=[ID, YEAR])},
}
