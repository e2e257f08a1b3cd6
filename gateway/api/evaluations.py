"""民主评议情况: a branch's record of a year's 民主评议党员 (dates; counts from the members' grades) and the
subtree's list of the selected organization and its next level (docs/ORGLIFE.md)."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from .common import call, check_types, path_id, read_json
from .meetings import YEAR
from .spec import BOOL, ID, INT, STR, obj, op


async def get_evaluation(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "get_evaluation", org_id=path_id(request),
                                   year=request.query_params.get("year") or None))


async def save_evaluation(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"year": (int, str), "started_on": str, "ended_on": str, "note": str, "version": int})
    return JSONResponse(await call(request, session, "org", "save_evaluation", org_id=path_id(request), data=data))


async def overview(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "evaluation_overview", org_id=path_id(request),
                                   year=request.query_params.get("year") or None))


routes = [
    Route("/orgs/{id}/evaluation", get_evaluation, methods=["GET"]),
    Route("/orgs/{id}/evaluation", save_evaluation, methods=["PUT"]),
    Route("/orgs/{id}/evaluations", overview),
]

NULL_STR = {"type": ["string", "null"]}
GRADES = {"type": "array", "description": "各评议结果的人数（优秀、合格、基本合格、不合格）",
          "items": obj(["code", "name", "count"], code=STR, name=STR, count=INT)}
COUNTS = dict(expected={**INT, "description": "应参评人数：评议年度末（本年为今天）在本组织名册上、"
                                               "入党满全年的党员及已有评议结果的党员"},
              participated={**INT, "description": "实参评人数：其中已有本年度评议结果的党员"}, grades=GRADES,
              excellent_limit={**INT, "description": "优秀人数上限（实参评人数的三分之一）"},
              excellent_over={**BOOL, "description": "优秀超过实参评人数的三分之一"},
              warnings={"type": "array", "items": STR})
RECORD = {"type": ["object", "null"], "description": "支部填写的民主评议情况；尚未填写时为 null",
          "properties": dict(started_on=STR, ended_on=NULL_STR, note=NULL_STR, version=INT, updated_by_name=STR,
                             updated_at=STR)}
EVALUATION = obj(["org_id", "year", "record", "status", "expected", "participated", "grades", "members"],
                 org_id=INT, org_name=STR, year=INT, on={**STR, "description": "名册日期（评议年度的12月31日或今天）"},
                 record=RECORD, status={"type": "string", "enum": ["none", "open", "done"]}, status_name=STR,
                 **COUNTS, capped={**BOOL, "description": "党员过多，名单只列出一部分"},
                 members={"type": "array", "items": obj(
                     ["member_id", "name", "grade", "expected"], member_id=INT, name=STR, org_id=INT,
                     category=NULL_STR,
                     grade=NULL_STR, grade_name=NULL_STR, expected=BOOL)},
                 meetings={"type": "array", "description": "本年度的民主评议党员会议记录",
                           "items": obj(["id", "held_at", "topic"], id=INT, held_at=STR, topic=STR)})
OVERVIEW_ITEM = obj(["org_id", "name", "level", "branches", "recorded", "done", "status"],
                    org_id=INT, name=STR, type=STR, type_name=STR,
                    level={"type": "string", "enum": ["self", "child"], "description": "self 为所选组织（含全部下级）"},
                    branches={**INT, "description": "党支部（联合党支部）数"},
                    recorded={**INT, "description": "已填写的支部数"},
                    done={**INT, "description": "已结束评议的支部数"},
                    status={"type": ["string", "null"], "enum": ["none", "open", "done", None]}, status_name=STR,
                    **COUNTS)

OPENAPI_PATHS = {
    "/orgs/{id}/evaluation": {
        "get": op("党支部某年度的民主评议情况：开展和结束日期、应参评和实参评人数、"
                  "各评议结果人数（由党员民主评议信息集的评议结果统计）、党员名单及本年度民主评议党员会议",
                  "民主评议情况", EVALUATION, params=[ID, YEAR]),
        "put": op("保存党支部某年度的民主评议情况（开展日期必填；填写结束日期即结束评议："
                  "须已有党员的评议结果，且优秀不超过实参评人数的三分之一，否则 422）", "已保存",
                  obj(["org_id", "year", "version", "status"], org_id=INT, year=INT, version=INT, status=STR,
                      status_name=STR),
                  obj(["year", "started_on"], year=INT, started_on={**STR, "description": "开展日期 YYYY-MM-DD"},
                      ended_on={**STR, "description": "结束日期 YYYY-MM-DD（可不填）"}, note=STR,
                      version={**INT, "description": "读取时的版本号（新填写可不填）"}), params=[ID])},
    "/orgs/{id}/evaluations": {"get": op(
        "民主评议情况列表：所选组织（含全部下级）及其下一级组织的支部数、已填写和已结束的支部数、状态与人数", "列表",
        obj(["org_id", "year", "items"], org_id=INT, org_name=STR, year=INT, on=STR, branch=BOOL,
            items={"type": "array", "items": OVERVIEW_ITEM}), params=[ID, YEAR])},
}
