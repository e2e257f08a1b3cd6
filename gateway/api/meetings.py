"""组织生活: meeting records of an organization (record, read, change, sign), its list of a year and
the subtree's year summary (held versus required per kind)."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.org.contract import MEETING_KINDS

from ..auth import require_session
from .common import call, check_types, path_id, read_json, record_action
from .spec import DATE, ID, INT, STR, obj, op, query_param, values

FIELD_TYPES = {"kind": (str, int), "held_at": str, "place": str, "host": str, "recorder": str, "topic": str,
               "content": str, "decisions": str, "speaker": str, "lecture_title": str, "attendees": list,
               "absentees": list, "inflows": list, "nonvoting": (list, str), "reason": str, "version": int}


async def record_meeting(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, FIELD_TYPES)
    created = await call(request, session, "org", "record_meeting", org_id=path_id(request), data=data)
    return JSONResponse(created, status_code=201)


async def org_meetings(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "org", "list_meetings", org_id=path_id(request),
                                   year=params.get("year") or None, kind=params.get("kind") or None,
                                   page=params.get("page", "1"), size=params.get("size", "50")))


async def get_meeting(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "get_meeting", meeting_id=path_id(request)))


async def change_meeting(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, FIELD_TYPES)
    return JSONResponse(await call(request, session, "org", "change_meeting", meeting_id=path_id(request), data=data))


async def orglife_summary(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "orglife_summary", org_id=path_id(request),
                                   year=request.query_params.get("year") or None))


async def meeting_inflows(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "meeting_inflows", org_id=path_id(request),
                                   on=request.query_params.get("on") or None))


async def inflow_meetings(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "org", "inflow_meetings", inflow_id=path_id(request),
                                   page=params.get("page", "1"), size=params.get("size", "50")))


routes = [
    Route("/orgs/{id}/meetings", record_meeting, methods=["POST"]),
    Route("/orgs/{id}/meetings", org_meetings, methods=["GET"]),
    Route("/orgs/{id}/org-life/summary", orglife_summary),
    Route("/orgs/{id}/meeting-inflows", meeting_inflows),
    Route("/inflows/{id}/meetings", inflow_meetings),
    Route("/meetings/{id}", get_meeting, methods=["GET"]),
    Route("/meetings/{id}", change_meeting, methods=["PATCH"]),
    Route("/meetings/{id}/sign", record_action("org", "sign_meeting", "meeting_id", {"role": str}), methods=["POST"]),
]

KIND = {"type": "string", "enum": values(MEETING_KINDS), "description": "组织生活类型（名称或代码）"}
PEOPLE = {"type": "array", "items": INT, "description": "出席党员编号（须在会议当日本组织党员名册中）"}
ABSENTEES = {"type": "array", "items": obj(["member_id", "reason"], member_id=INT, reason=STR)}
DATETIME = {"type": "string", "description": "会议开始时间（当地时间）YYYY-MM-DDTHH:MM，不能晚于当前"}
MEETING_FIELDS = dict(
    kind=KIND, held_at=DATETIME, place=STR, host=STR, recorder=STR, topic=STR,
    content={"type": ["string", "null"], "description": "会议内容（纯文本，保留换行）"},
    decisions={"type": ["string", "null"]},
    speaker={"type": ["string", "null"], "description": "授课人（党课必填）"},
    lecture_title={"type": ["string", "null"], "description": "党课题目（党课必填）"},
    attendees=PEOPLE, absentees=ABSENTEES,
    inflows={"type": "array", "items": INT,
             "description": "出席的流入党员（流入记录编号，须在会议当日本组织流入党员名单中；"
                            "单独记录，不计入本组织党员出席率）"},
    nonvoting={"type": "array", "items": STR, "description": "列席人员姓名"})
MEETING_IN = obj(["kind", "held_at", "place", "host", "recorder", "topic", "attendees"], **MEETING_FIELDS)
CHANGE_IN = obj([], **MEETING_FIELDS, version=INT,
                reason={"type": "string", "description": "修改原因（已签认锁定的记录必填）"})
SUMMARY_ITEM = {"type": "object", "required": ["held", "required"], "properties": {
    "name": STR, "held": INT, "required": INT, "met": {**INT, "description": "按组织逐一计、不超过应开展数的已开展数"},
    "completion": {"type": ["number", "null"]},
    "attended": {**INT, "description": "记录中出席的党员人次"},
    "listed": {**INT, "description": "记录中出席与缺席的党员人次"},
    "attendance": {"type": ["number", "null"],
                   "description": "出席率 attended/listed（无记录时为 null；流入党员不计入）"}}}
MEETING = obj(["id", "org_id", "kind", "held_at", "status", "version"], id=INT, org_id=INT, org_name=STR,
              kind=STR, kind_name=STR, held_at=STR, year=INT, status={"type": "string", "enum": ["draft", "locked"]},
              status_name=STR, version=INT, attendees={"type": "array"}, absentees={"type": "array"},
              inflows={"type": "array", "items": obj(["inflow_id", "name"], inflow_id=INT,
                                                     member_id={"type": ["integer", "null"]}, name=STR,
                                                     certificate_no={"type": ["string", "null"]},
                                                     external={"type": "boolean"})},
              signatures={"type": "object"}, history={"type": "array"}, **{
                  key: MEETING_FIELDS[key] for key in ("place", "host", "recorder", "topic", "content", "decisions",
                                                       "speaker", "lecture_title", "nonvoting")})
SCHEMAS = {"Meeting": MEETING}
INFLOW_ITEM = obj(["inflow_id", "org_id", "name", "state", "from_date"], inflow_id=INT, org_id=INT,
                  member_id={"type": ["integer", "null"], "description": "本系统内流入的党员编号；系统外流入为空"},
                  name=STR, certificate_no={"type": ["string", "null"], "description": "流动党员活动证编号"},
                  external={"type": "boolean"}, state=STR, from_date=STR, ended_on={"type": ["string", "null"]})
ATTENDED_ITEM = obj(["id", "kind", "held_at", "org_id"], id=INT, kind=STR, kind_name=STR, held_at=STR, topic=STR,
                    org_id=INT, org_name=STR)
YEAR = query_param("year", INT, "年份（默认本年）")

OPENAPI_PATHS = {
    "/orgs/{id}/meetings": {
        "post": op("记录一次组织生活（三会一课等）：出席、缺席人员须在会议当日本组织党员名册中；"
                   "未来的会议不能记为已召开；同一组织同类会议同一时间只能记录一次（409）",
                   "已记录", obj(["id", "version"], id=INT, version=INT),
                   MEETING_IN, params=[ID], status="201"),
        "get": op("本组织某年的组织生活记录（按时间倒序，分页；每条含名册党员出席 attended、缺席 absent 人数，"
                  "另列流入党员出席人数 inflow_attended）", "列表", params=[
            ID, YEAR, query_param("kind", KIND), query_param("page", INT), query_param("size", INT)])},
    "/orgs/{id}/org-life/summary": {"get": op(
        "本组织及下级某年组织生活完成情况：各类型已开展与应开展次数"
        "（频次规则按年份取版本，仅对党支部、联合党支部计应开展），"
        "completion 为按组织逐类不超过应开展数累计的完成率；attendance 为党员出席率（随每条记录增量累计）", "完成情况",
        obj(["kinds", "completion"], kinds={"type": "object", "additionalProperties": SUMMARY_ITEM},
            completion={"type": ["number", "null"]}, organizations=INT, year=INT, attended=INT, listed=INT,
            attendance={"type": ["number", "null"]}), params=[ID, YEAR])},
    "/orgs/{id}/meeting-inflows": {"get": op(
        "出席人员可选的流入党员：某日（默认今天）已流入本组织及下级党组织且尚未离开的流入党员"
        "（系统外流入的以姓名和活动证编号标识）", "流入党员名单",
        obj(["org_id", "on", "items"], org_id=INT, on=STR, items={"type": "array", "items": INFLOW_ITEM}),
        params=[ID, query_param("on", DATE, "日期 YYYY-MM-DD（默认今天）")])},
    "/inflows/{id}/meetings": {"get": op(
        "流入党员在流入地参加的组织生活（未作废的记录），按时间倒序：流入地只见本账号管理范围内党组织的会议；"
        "党员所在（流出）党组织见全部，作为返回报告的内容（in_scope 为 false 的会议记录本身不可打开）", "参加的会议",
        obj(["inflow_id", "total", "items"], inflow_id=INT, total=INT, page=INT, size=INT,
            items={"type": "array", "items": {**ATTENDED_ITEM, "properties": {
                **ATTENDED_ITEM["properties"], "in_scope": {"type": "boolean",
                                                            "description": "本账号可打开该会议记录"}}}}),
        params=[ID, query_param("page", INT), query_param("size", INT)])},
    "/meetings/{id}": {
        "get": op("组织生活记录（含出席、缺席、签认和修改历史）", "记录", {"$ref": "#/components/schemas/Meeting"},
                  params=[ID]),
        "patch": op("修改组织生活记录（只传要改的字段）；已签认锁定的记录须填写修改原因（否则 422），修改留痕",
                    "已修改",
                    obj(["id", "version"], id=INT, version=INT), CHANGE_IN, params=[ID])},
    "/meetings/{id}/sign": {"post": op("主持人或记录人签认；两人都签认后记录锁定", "已签认",
                                       obj(["id", "status"], id=INT, version=INT, status=STR),
                                       obj(["role"], role={"type": "string", "enum": ["host", "recorder"]},
                                           version=INT), params=[ID])},
}

