"""Members: create, read (with the photo's links), search, change, status changes (leave, 找回, 回退) and
the card's history; the repeating info sets are info_sets.py."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.shared.codes import CLERK_LEAVE_KINDS, EDUCATION, ETHNICITIES, MEMBER_CATEGORIES, OCCUPATIONS

from ..auth import require_session
from .common import call, check_types, path_id, read_json
from .spec import BOOL, DATE, ID, INT, STR, obj, op, query_param, values


async def create_member(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"org_id": int, **MEMBER_TYPES})
    created = await call(request, session, "member", "create_member", data=data)
    return JSONResponse(created, status_code=201)


async def get_member(request: Request):
    session = await require_session(request)
    member_id = path_id(request)
    member = await call(request, session, "member", "get_member", member_id=member_id)
    photo = await call(request, session, "media", "member_photo", member_id=member_id)
    if photo:
        base = f"/api/v1/media/photos/{photo['photo_id']}"
        photo.update(photo_url=f"{base}/photo", thumb_url=f"{base}/thumb")
    member["photo"] = photo
    return JSONResponse(member)


async def search_members(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "member", "quick_search", q=params.get("q", ""),
                                   page=params.get("page", "1"), size=params.get("size", "20")))


MEMBER_TYPES = {"name": str, "id_number": str, "ethnicity": (str, int), "category": (str, int), "joined_on": str,
                "former_name": str, "native_place": str, "education": (str, int), "occupation": (str, int),
                "full_on": str, "branch_joined_on": str, "phone": str, "address": str}
STATUS_TYPES = {"kind": (str, int), "date": str, "reason": str, "version": int}


async def update_member(request: Request):
    """Basic information, with the `version` last read: a stale one is a 409 and changes nothing."""
    session = await require_session(request)
    member_id = path_id(request)
    data = await read_json(request)
    check_types(data, {"version": int, **MEMBER_TYPES})
    return JSONResponse(await call(request, session, "member", "update_member", member_id=member_id, data=data))


async def _status_change(request: Request, method: str, optional_body: bool):
    session = await require_session(request)
    member_id = path_id(request)
    data = await read_json(request, optional=optional_body)
    check_types(data, STATUS_TYPES)
    return JSONResponse(await call(request, session, "member", method, member_id=member_id, data=data))


async def leave_member(request: Request):
    return await _status_change(request, "leave_member", optional_body=False)


async def restore_member(request: Request):
    return await _status_change(request, "restore_member", optional_body=True)


async def undo_status_change(request: Request):
    return await _status_change(request, "undo_status_change", optional_body=True)


async def member_history(request: Request):
    """The readable history of the member's card: basic information and info-set rows."""
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "member_history", member_id=path_id(request),
                                   page=request.query_params.get("page", "1")))


routes = [
    Route("/members", search_members, methods=["GET"]),
    Route("/members", create_member, methods=["POST"]),
    Route("/members/{id}", get_member),
    Route("/members/{id}", update_member, methods=["PATCH"]),
    Route("/members/{id}/leave", leave_member, methods=["POST"]),
    Route("/members/{id}/restore", restore_member, methods=["POST"]),
    Route("/members/{id}/status/undo", undo_status_change, methods=["POST"]),
    Route("/members/{id}/history", member_history),
]

MEMBER_IN = obj(["org_id", "name", "id_number", "ethnicity", "category", "joined_on"],
                org_id=INT, name=STR, id_number={"type": "string", "description": "18位公民身份号码（GB 11643）"},
                ethnicity={"type": "string", "enum": values(ETHNICITIES),
                           "description": "民族（GB/T 3304 名称或代码）"},
                category={"type": "string", "enum": values(MEMBER_CATEGORIES)}, joined_on=DATE)

OPTIONAL_BASIC = {
    "former_name": {"type": ["string", "null"], "maxLength": 50, "description": "曾用名"},
    "native_place": {"type": ["string", "null"], "maxLength": 50, "description": "籍贯（必填项，缺少时校核提示）"},
    "education": {"type": ["string", "null"], "enum": values(EDUCATION) + [None],
                  "description": "学历；有学历学位信息时由其确定（最高学历），不能在此修改"},
    "occupation": {"type": ["string", "null"], "enum": values(OCCUPATIONS) + [None],
                   "description": "工作岗位；有工作岗位信息时由其确定（当前岗位），不能在此修改"},
    "full_on": {"type": ["string", "null"], "format": "date",
                "description": "转正日期：仅正式党员，不早于入党日期，不晚于今天"},
    "branch_joined_on": {"type": ["string", "null"], "format": "date", "description": "进入支部日期"},
    "phone": {"type": ["string", "null"], "maxLength": 30, "description": "联系电话"},
    "address": {"type": ["string", "null"], "maxLength": 200, "description": "家庭住址"},
}
MEMBER_IN["properties"].update(OPTIONAL_BASIC)

VERSION = {"type": "integer", "description": "读取党员信息时得到的 version；已被他人修改时返回 409，不作任何修改"}
MEMBER_CHANGES = {
    "type": "object", "required": ["version"], "additionalProperties": False,
    "description": "只需提交要修改的项；性别和出生日期由公民身份号码确定；所在党组织须办理组织关系转接",
    "properties": {"version": VERSION, "name": STR, "id_number": MEMBER_IN["properties"]["id_number"],
                   "ethnicity": MEMBER_IN["properties"]["ethnicity"], "category": MEMBER_IN["properties"]["category"],
                   "joined_on": DATE, **OPTIONAL_BASIC},
}
KIND = {"type": "string", "enum": values(CLERK_LEAVE_KINDS),
        "description": "减少类型（名称或代码）："
        + "，".join(f"{code} {name}" for code, name in CLERK_LEAVE_KINDS.items())
        + "。死亡；出党：开除党籍、劝退除名（劝而不退除名，简称“除名”）、自行脱党除名、退党除名、"
          "取消预备党员资格（仅限预备党员）；停止党籍。组织关系转出（40）须通过组织关系转接办理"}
LEAVE_IN = obj(["kind", "date"], kind=KIND,
               date={**DATE, "description": "不晚于今天，不早于入党日期"},
               reason={"type": "string", "maxLength": 500, "description": "原因；出党必填"},
               version={**VERSION, "description": "可选：读取时的 version，已过期则返回 409"})
RESTORE_IN = obj([], date={**DATE, "description": "找回日期，默认今天；不早于离开日期"},
                 reason={"type": "string", "maxLength": 500}, version=LEAVE_IN["properties"]["version"])
UNDO_IN = obj([], version=LEAVE_IN["properties"]["version"])
STATUS_CHANGE = obj(["id", "action", "from_status", "to_status", "date", "undone"], id=INT,
                    action={"type": "string", "enum": ["leave", "restore"]}, action_name=STR, from_status=STR,
                    to_status=STR, kind={"type": ["string", "null"]}, kind_name={"type": ["string", "null"]},
                    date=DATE, reason={"type": ["string", "null"]}, actor=STR, actor_name=STR, at=STR,
                    undone=BOOL)
MEMBER = obj(["id", "org_id", "name", "id_number", "status", "version"], id=INT, org_id=INT, name=STR, id_number=STR,
             sex=STR, birth_date=DATE, ethnicity=STR, category=STR, joined_on=DATE, version=INT,
             status={"type": "string", "enum": ["active", "left"], "description": "active 在册；left 历史"},
             status_name=STR, leave_kind={"type": ["string", "null"]}, leave_kind_name={"type": ["string", "null"]},
             leave_group={"type": ["string", "null"], "description": "死亡、出党、停止党籍或转出"},
             left_on={"type": ["string", "null"], "format": "date"}, leave_reason={"type": ["string", "null"]},
             status_changes={"type": "array", "items": STATUS_CHANGE},
             **OPTIONAL_BASIC, education_name={"type": ["string", "null"]},
             occupation_name={"type": ["string", "null"]},
             actions=obj([], leave=BOOL, restore=BOOL, restore_refused={"type": ["string", "null"]}, undo=BOOL,
                         undo_label={"type": ["string", "null"]}),
             in_transit={"type": ["object", "null"], "required": ["transfer_id", "whole_org"],
                         "properties": {"transfer_id": INT, "whole_org": {
                             **BOOL, "description": "true：所在党组织（或其上级）正在整建制转移，党员随组织转移"}},
                         "description": "转出中：正在办理的组织关系转接（未接收、未撤销）；否则为 null"})

CARD = {"$ref": "#/components/schemas/MemberCard"}  # MEMBER with its info sets (info_sets.py)

CHANGE = obj(["field", "label", "old", "new"], field=STR, label=STR, old={}, new={},
             old_name={"type": ["string", "null"], "description": "修改前的值（代码显示为名称）"},
             new_name={"type": ["string", "null"], "description": "修改后的值（代码显示为名称）"})
HISTORY_LINE = obj(["action", "action_name", "changes", "actor_name", "at"], id=INT, action=STR, action_name=STR,
                   info_set={"type": ["string", "null"]}, changes={"type": "array", "items": CHANGE},
                   version=INT, actor=STR, actor_name=STR, at=STR)
OPENAPI_PATHS = {
    "/members": {
        "post": op("新建党员", "已创建", obj(["id"], id=INT), MEMBER_IN, status="201"),
        "get": op("快速查询本账号管理范围内的党员：姓名、姓名拼音首字母或公民身份号码的开头", "分页结果",
                  obj(["total", "more", "page", "size", "items"], total=INT, page=INT, size=INT,
                      more={"type": "boolean", "description": "为 true 时实际结果超过 total（计数到 1000 为止）"},
                      items={"type": "array"}),
                  params=[query_param("q", STR, "如 张、zs、110105"), query_param("page", INT),
                          query_param("size", INT)])},
    "/members/{id}": {
        "get": op("党员信息卡：基本信息、各信息集、照片链接、党籍变动和当前可办理的变动", "党员", CARD, params=[ID]),
        "patch": op("修改党员基本信息（须带读取时的 version）", "修改后的党员", CARD, MEMBER_CHANGES, params=[ID])},
    "/members/{id}/leave": {"post": op("党员减少：死亡、出党或停止党籍，转入历史党员", "转入历史后的党员", MEMBER,
                                       LEAVE_IN, params=[ID])},
    "/members/{id}/restore": {"post": op(
        "找回：确曾离开的历史党员经组织认定回到党员队伍，计入年报增加（停止党籍、取消预备党员资格后为恢复党籍，"
        "死亡后为其他）；开除党籍和除名的不能找回；误录的减少请用回退",
        "找回后的党员", MEMBER, RESTORE_IN, params=[ID], body_required=False)},
    "/members/{id}/status/undo": {"post": op(
        "回退：更正误录，撤销最后一次党籍变动（减少或找回），年报中不留任何记录", "回退后的党员", MEMBER,
        UNDO_IN, params=[ID], body_required=False)},
    "/members/{id}/history": {"get": op(
        "党员信息的变更历史（基本信息和各信息集：修改前后的值、操作人和时间，最新的在前）", "历史",
        obj(["total", "page", "size", "items"], member_id=INT, total=INT, page=INT, size=INT,
            items={"type": "array", "items": HISTORY_LINE}),
        params=[ID, query_param("page", INT)])},
}
