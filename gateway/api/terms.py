"""换届选举: an organization's terms (届次) and committee (班子成员) — 换届 with its election, 届中
调整 (补选, 指派, 离任), the higher level's 批复 and 延期换届, the subtree's terms due or overdue (and
its Excel), the home page's reminder and a member's current posts."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.org.contract import MIDTERM_HOWS, POSTS
from services.org.contract import TERM_METHODS as METHODS

from ..auth import require_session
from ..excel.roster import RosterColumn, RosterWriter
from .common import call, check_types, path_id, read_json
from .exports import download_operation, every_page, workbook_download
from .spec import DATE, ID, INT, STR, obj, op, path_param, query_param, values

TERM_TYPES = {"elected_on": str, "method": (str, int), "term_years": (int, str), "approved_on": str,
              "approval_no": str, "election": dict, "members": list}  # record_failed: the service reads it


async def open_term(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, TERM_TYPES)
    created = await call(request, session, "org", "open_term", org_id=path_id(request), data=data)
    return JSONResponse(created, status_code=201)


async def org_terms(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "org_terms", org_id=path_id(request)))


def _due_args(request: Request) -> dict:
    params = request.query_params
    return {"within_days": params.get("within_days") or None, "kind": params.get("kind", "due")}


async def terms_due(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "org", "terms_due", org_id=path_id(request), **_due_args(request),
                                   page=params.get("page", "1"), size=params.get("size", "50")))


async def terms_reminder(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "terms_reminder", org_id=path_id(request)))


async def add_member(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"member_id": (int, str), "post": (str, int), "since": str, "how": (str, int)})
    added = await call(request, session, "org", "add_committee_member", term_id=path_id(request), data=data)
    return JSONResponse(added, status_code=201)


async def leave_member(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"date": str, "reason": str})
    return JSONResponse(await call(request, session, "org", "leave_committee_member", term_id=path_id(request),
                                   row_id=path_id(request, "row_id"), data=data))


async def approve(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"approved_on": str, "approval_no": str, "postponed_to": str, "version": int})
    return JSONResponse(await call(request, session, "org", "approve_term", term_id=path_id(request), data=data))


async def correct(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"elected_on": str, "term_years": (int, str), "approved_on": str, "approval_no": str,
                       "reason": str, "version": int})
    return JSONResponse(await call(request, session, "org", "correct_term", term_id=path_id(request), data=data))


async def member_posts(request: Request):
    session = await require_session(request)
    member_id = path_id(request)
    await call(request, session, "member", "get_member", member_id=member_id)  # 404/403 as the member card
    return JSONResponse(await call(request, session, "org", "member_posts", member_id=member_id))


DUE_COLUMNS = [RosterColumn("name", "党组织名称", 36), RosterColumn("code", "党组织代码", 16),
               RosterColumn("type_name", "党组织类别", 10), RosterColumn("number", "届次", 6),
               RosterColumn("elected_on", "选举日期", 12), RosterColumn("due_on", "届满（延期）日期", 14),
               RosterColumn("state", "状态", 24)]
NONE_COLUMNS = [RosterColumn("name", "党组织名称", 36), RosterColumn("code", "党组织代码", 16),
                RosterColumn("type_name", "党组织类别", 10)]


async def terms_due_xlsx(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    args = _due_args(request)
    first = await call(request, session, "org", "terms_due", org_id=org_id, **args, page=1, size=1)  # 400/403 first
    none = first["kind"] == "none"
    title = "未选举产生班子的党组织" if none else f"任期已届满或{first['within_days']}天内届满的党组织"

    async def pages():
        async for items in every_page(lambda page, size: call(request, session, "org", "terms_due", org_id=org_id,
                                                              **args, page=page, size=size)):
            yield [{**item, "state": "" if none else (f"已超期{-item['days_left']}天" if item["overdue"]
                                                      else f"还有{item['days_left']}天")} for item in items]
    writer = RosterWriter(f"{first['org_name']} {title}", NONE_COLUMNS if none else DUE_COLUMNS, sheet_name="换届提醒")
    return await workbook_download(request, session, writer, pages(), f"{first['org_name']}-换届提醒.xlsx")


COMMITTEE_COLUMNS = [RosterColumn("org_name", "党组织名称", 36), RosterColumn("org_code", "党组织代码", 16),
                     RosterColumn("number", "届次", 6), RosterColumn("post_name", "职务", 10),
                     RosterColumn("name", "姓名", 10), RosterColumn("how_name", "任职方式", 8),
                     RosterColumn("since", "任职日期", 12), RosterColumn("due_on", "届满日期", 12)]


async def committees_xlsx(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    pages = every_page(lambda page, size: call(request, session, "org", "committees_page", org_id=org_id,
                                               page=page, size=size))
    writer = RosterWriter(f"{org['name']} 班子成员（含下级）", COMMITTEE_COLUMNS, sheet_name="班子成员")
    return await workbook_download(request, session, writer, pages, f"{org['name']}-班子成员.xlsx")


routes = [
    Route("/orgs/{id}/terms", open_term, methods=["POST"]),
    Route("/orgs/{id}/terms", org_terms, methods=["GET"]),
    Route("/orgs/{id}/terms/due", terms_due),
    Route("/orgs/{id}/terms/due.xlsx", terms_due_xlsx),
    Route("/orgs/{id}/terms/reminder", terms_reminder),
    Route("/orgs/{id}/committees.xlsx", committees_xlsx),
    Route("/terms/{id}/members", add_member, methods=["POST"]),
    Route("/terms/{id}/members/{row_id}/leave", leave_member, methods=["POST"]),
    Route("/terms/{id}/approval", approve, methods=["POST"]),
    Route("/terms/{id}/correction", correct, methods=["POST"]),
    Route("/members/{id}/posts", member_posts),
]

NULL_STR = {"type": ["string", "null"]}
NULL_DATE = {"type": ["string", "null"], "description": "YYYY-MM-DD"}
NULL_INT = {"type": ["integer", "null"]}
POST = {"type": "string", "enum": values(POSTS), "description": "职务（名称或代码）"}
CANDIDATE = obj(["member_id", "votes"], member_id=INT, votes=INT,
                post={**POST, "description": "当选后担任的职务（默认委员）"})
ELECTION_IN = obj(["entitled", "present", "seats", "candidates"],
                  entitled={**INT, "description": "应到正式党员（代表）人数"},
                  present={**INT, "description": "实到人数（须超过应到的五分之四）"},
                  seats={**INT, "description": "应选名额（候选人须多于名额的20%）"},
                  candidates={"type": "array", "items": CANDIDATE,
                              "description": "候选人及得票（得票须超过实到人数的半数）"})
TERM_IN = obj(["elected_on", "method"], elected_on=DATE,
              method={"type": "string", "enum": values(METHODS), "description": "产生方式"},
              term_years={**NULL_INT,
                          "description": "任期（年），默认按党组织类别：党委5年，总支、支部3年，村、社区5年"},
              approved_on=NULL_DATE, approval_no=NULL_STR, election={**ELECTION_IN, "type": ["object", "null"]},
              members={"type": ["array", "null"], "items": obj(["member_id"], member_id=INT, post=POST),
                       "description": "上级指派（或未录入选举情况的往届）的班子成员"},
              record_failed={"type": "boolean", "description": "true：选举不符合规定（未成功）时仅作记录"
                                                                "（201，failed 为 true，reasons 为原因），"
                                                                "不换届；符合规定的 422"})
MEMBER = obj(["id", "member_id", "name", "post", "how", "since"], id=INT, member_id=INT, name=STR, post=STR,
             post_name=STR, how=STR, how_name=STR, since=STR, left_on=NULL_STR, leave_reason=NULL_STR)
TERM = obj(["id", "number", "method", "elected_on", "members"], id=INT, org_id=INT, number=INT, method=STR,
           method_name=STR, elected={"type": "boolean"}, elected_on=STR, term_years=NULL_INT, expires_on=NULL_STR,
           postponed_to=NULL_STR, due_on=NULL_STR, days_left=NULL_INT, approved_on=NULL_STR, approval_no=NULL_STR,
           election={"type": ["object", "null"]}, warnings={"type": "array", "items": STR}, closed_on=NULL_STR,
           version=INT, created_by_name=STR, members={"type": "array", "items": MEMBER},
           corrections={"type": "array", "items": obj(
               ["changes", "reason"], id=INT, reason=STR, actor_name=STR, at=STR,
               changes={"type": "array", "items": obj(["field", "label"], field=STR, label=STR,
                                                      old={"type": ["string", "integer", "null"]},
                                                      new={"type": ["string", "integer", "null"]})})})
NULL_TERM = {**TERM, "type": ["object", "null"]}
DUE_ITEM = obj(["id", "name"], id=INT, name=STR, code=STR, type=STR, type_name=STR, term_id=INT, number=INT,
               elected_on=STR, expires_on=NULL_STR, postponed_to=NULL_STR, due_on=STR, days_left=INT,
               overdue={"type": "boolean"})
FAILED = obj(["id", "held_on", "reasons"], id=INT, held_on=STR, method=STR, method_name=STR,
             election={"type": "object"}, reasons={"type": "array", "items": STR}, created_by_name=STR)
SCHEMAS = {"Term": TERM}
ROW_ID = path_param("row_id", INT)

OPENAPI_PATHS = {
    "/orgs/{id}/terms": {
        "post": op("换届：关闭本届（全体成员当日离任），开启新一届。选举的须填选举情况：实到须超过应到的五分之四，"
                   "候选人须多于应选名额的20%，得票超过实到人数半数者当选；候选人须为当日本组织的正式党员；"
                   "班子构成按支部工作条例校验（正式党员不足7人只设书记、副书记）。"
                   "不符合规定 422（error.message 为原因），"
                   "或 record_failed 为 true 时记录为未成功的选举（201，不换届）；"
                   "临时党支部等不进行换届选举，只能上级指派", "已换届",
                   obj(["id", "number", "expires_on", "members"], id=INT, failed={"type": "boolean"}, number=NULL_INT,
                       version=INT, elected_on=STR, expires_on=NULL_STR, warnings={"type": "array", "items": STR},
                       reasons={"type": "array", "items": STR, "description": "未成功的选举的原因（failed 为 true）"},
                       members={"type": "array", "items": MEMBER}), TERM_IN, params=[ID], status="201"),
        "get": op("本组织的班子届次：current 为本届（含成员，离任的在后），history 为往届，"
                  "failed_elections 为记录在案的未成功的选举", "届次",
                  obj(["current", "history"], org_id=INT, org_name=STR, org_type=STR, org_type_name=STR,
                      has_elections={"type": "boolean"}, default_years=NULL_INT, current=NULL_TERM,
                      history={"type": "array", "items": TERM},
                      failed_elections={"type": "array", "items": FAILED}), params=[ID])},
    "/orgs/{id}/terms/due": {"get": op(
        "本组织及下级中任期已届满（overdue）或 within_days 天内届满的党组织（按届满日期，延期换届的按延期日期）；"
        "kind=none 列出没有选举产生的班子的党组织（不提醒）", "列表",
        obj(["total", "items"], org_id=INT, org_name=STR, kind=STR, within_days=INT, today=STR, total=INT, overdue=INT,
            without_committee=INT, page=INT, size=INT, items={"type": "array", "items": DUE_ITEM}),
        params=[ID, query_param("within_days", INT, "天数（缺省按本组织系统设置，180）"),
                query_param("kind", {"type": "string", "enum": ["due", "none"]}),
                query_param("page", INT), query_param("size", INT)])},
    "/orgs/{id}/terms/due.xlsx": {"get": download_operation(
        "导出本组织及下级换届提醒（Excel）", params=[ID, query_param("within_days", INT),
                                       query_param("kind", {"type": "string", "enum": ["due", "none"]})])},
    "/orgs/{id}/committees.xlsx": {"get": download_operation(
        "导出本组织及下级现任班子成员（Excel：党组织、届次、职务、姓名、任职方式、任职日期、届满日期）", params=[ID])},
    "/orgs/{id}/terms/reminder": {"get": op(
        "换届提醒：本组织届满前30天（未选举产生的班子不提醒），下级党组织6个月内届满或已超期的个数", "提醒",
        obj(["own", "subordinates_due"], org_id=INT,
            own={"type": ["object", "null"], "properties": {"term_id": INT, "number": INT, "due_on": STR,
                                                            "days_left": INT, "overdue": {"type": "boolean"}}},
            subordinates_due=INT, subordinates_overdue=INT, within_days=INT), params=[ID])},
    "/terms/{id}/members": {"post": op(
        "届中调整：补选或指派班子成员（须为任职当日本组织的正式党员；选举产生的任职日期不早于本届开始；"
        "一个班子只能有一名书记）", "已增加", {**MEMBER, "properties": {
            **MEMBER["properties"], "term_id": INT, "version": INT, "warnings": {"type": "array", "items": STR}}},
        obj(["member_id", "post", "since", "how"], member_id=INT, post=POST, since=DATE,
            how={"type": "string", "enum": values(MIDTERM_HOWS)}), params=[ID], status="201")},
    "/terms/{id}/members/{row_id}/leave": {"post": op(
        "班子成员离任（日期不早于任职、不晚于今天；须填原因）；已离任的 409", "已离任",
        {**MEMBER, "properties": {**MEMBER["properties"], "term_id": INT, "version": INT}},
        obj(["date", "reason"], date=DATE, reason=STR), params=[ID, ROW_ID])},
    "/terms/{id}/approval": {"post": op(
        "上级党组织录入届次的批复（日期、文号），可同时批准延期换届（postponed_to，不超过届满后1年）；"
        "本组织自己的账号不能录入（403）", "已录入",
        obj(["id", "version"], id=INT, version=INT, approved_on=STR, approval_no=STR, postponed_to=NULL_STR),
        obj(["approved_on", "approval_no"], approved_on=DATE, approval_no=STR, postponed_to=DATE, version=INT),
        params=[ID])},
    "/terms/{id}/correction": {"post": op(
        "更正届次：选举（指派）日期、任期、批复日期或文号（只填要更正的），须填原因；重新校验任期、届满与延期、"
        "与上下届及成员任职日期的先后；更正选举日期时随届产生的成员任职日期和上一届的结束日期一并更正。"
        "批复由上级党组织更正（本组织账号 403）；不符合规定 422；版本过期 409", "已更正",
        obj(["id", "version", "changes"], id=INT, version=INT, elected_on=STR, expires_on=NULL_STR,
            changes={"type": "array", "items": {"type": "object"}}),
        obj(["reason"], elected_on=DATE, term_years=INT, approved_on=DATE, approval_no=STR, reason=STR, version=INT),
        params=[ID])},
    "/members/{id}/posts": {"get": op(
        "党员现任的班子职务（本账号管理范围内的党组织）", "职务",
        obj(["member_id", "items"], member_id=INT, items={"type": "array", "items": {**MEMBER, "properties": {
            **MEMBER["properties"], "term_id": INT, "number": INT, "org_id": INT, "org_name": STR}}}), params=[ID])},
}
