"""信息集 (services/member/domain/info_sets.py): the member card's repeating info sets (学历学位,
工作岗位, 职务, 技术职务, 民主评议, 奖惩情况, 其他党团信息, 困难党员): add, edit and delete a row. Each
change carries the member `version` last read — the whole card is one record, so a stale version is a
409 and changes nothing — and answers with the whole card, its new version included."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.member.contract import CODE, INFO_SETS, NUMBER, YEAR

from ..auth import require_session
from .common import call, check_types, path_id, read_json
from .members import MEMBER
from .spec import DATE, INT, STR, op, path_param, values

VERSION = {"type": "integer", "description": "读取党员信息时得到的 version；已被他人修改时返回 409，不作任何修改"}


def _types(key: str) -> dict:
    """JSON types of a set's fields: codes may come as numbers, years and numbers as numbers or text."""
    return {"version": int,
            **{f.key: (str, int) if f.kind in (CODE, YEAR, NUMBER) else str for f in INFO_SETS[key].fields}}


async def add_info_row(request: Request, key: str):
    session = await require_session(request)
    member_id = path_id(request)
    data = await read_json(request)
    check_types(data, _types(key))
    card = await call(request, session, "member", "add_info_row", member_id=member_id, info_set=key, data=data)
    return JSONResponse(card, status_code=201)


async def update_info_row(request: Request, key: str):
    session = await require_session(request)
    member_id, row_id = path_id(request), path_id(request, "row_id")
    data = await read_json(request)
    check_types(data, _types(key))
    return JSONResponse(await call(request, session, "member", "update_info_row", member_id=member_id,
                                   info_set=key, row_id=row_id, data=data))


async def delete_info_row(request: Request, key: str):
    """The version comes as `?version=N` (a DELETE body is not for every client)."""
    session = await require_session(request)
    member_id, row_id = path_id(request), path_id(request, "row_id")
    data = {"version": request.query_params.get("version")}
    return JSONResponse(await call(request, session, "member", "delete_info_row", member_id=member_id,
                                   info_set=key, row_id=row_id, data=data))


def _for_set(handler, key: str):
    async def endpoint(request: Request):
        return await handler(request, key)
    return endpoint


# One path per set, so each is documented with its own fields.
routes = [route for key in INFO_SETS for route in (
    Route(f"/members/{{id}}/info/{key}", _for_set(add_info_row, key), methods=["POST"]),
    Route(f"/members/{{id}}/info/{key}/{{row_id}}", _for_set(update_info_row, key), methods=["PATCH"]),
    Route(f"/members/{{id}}/info/{key}/{{row_id}}", _for_set(delete_info_row, key), methods=["DELETE"]),
)]


def _field_schema(item) -> dict:
    if item.kind == CODE:
        return {"type": "string", "enum": values(item.table),
                "description": f"{item.label}（名称或代码）：" + "，".join(f"{c} {n}" for c, n in item.table.items())}
    if item.kind == YEAR:
        return {"type": "integer", "description": f"{item.label}（四位年份）"}
    if item.kind == NUMBER:
        return {"type": "integer", "minimum": 1, "maximum": item.maximum, "description": f"{item.label}（整数）"}
    if item.kind == "date":
        return {**DATE, "description": f"{item.label}（不晚于今天）"}
    return {**STR, "maxLength": item.max_length, "description": item.label}


def row_schema(key: str, with_version: bool, partial: bool = False) -> dict:
    spec = INFO_SETS[key]
    required = [] if partial else [f.key for f in spec.fields if f.required]
    properties = {f.key: _field_schema(f) for f in spec.fields}
    if with_version:
        required, properties = ["version", *required], {"version": VERSION, **properties}
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties,
            "description": f"{spec.label}信息集" + ("：只需提交要修改的项" if partial else "")}


def _nullable(schema: dict) -> dict:
    out = {**schema, "type": [schema["type"], "null"]}
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def stored_row_schema(key: str) -> dict:
    """A row as the card shows it: an optional item left empty is null."""
    schema = row_schema(key, False)
    required = {f.key for f in INFO_SETS[key].fields if f.required}
    properties = {k: v if k in required else _nullable(v) for k, v in schema["properties"].items()}
    return {**schema, "properties": properties, "required": ["id"], "additionalProperties": True}


CARD = {"$ref": "#/components/schemas/MemberCard"}
MEMBER_CARD = {**MEMBER, "properties": {
    **MEMBER["properties"],
    "info_sets": {"type": "object", "description": "各信息集的记录（新的在前）；代码项另有 *_name 名称",
                  "properties": {key: {"type": "array", "items": stored_row_schema(key)} for key in INFO_SETS}},
    "from_info_sets": {"type": "array", "items": {"type": "string", "enum": ["education", "occupation"]},
                       "description": "由信息集确定、不能在基本信息中修改的项"}}}
ROW_ID = path_param("row_id", INT)
VERSION_PARAM = {"name": "version", "in": "query", "required": True, "schema": INT,
                 "description": "读取党员信息时得到的 version"}

OPENAPI_PATHS = {}
for _key, _spec in INFO_SETS.items():
    OPENAPI_PATHS[f"/members/{{id}}/info/{_key}"] = {"post": op(
        f"新增一条{_spec.label}信息（须带读取时的 version）", "修改后的党员信息卡", CARD,
        row_schema(_key, True), params=[path_param("id", INT)], status="201")}
    OPENAPI_PATHS[f"/members/{{id}}/info/{_key}/{{row_id}}"] = {
        "patch": op(f"修改一条{_spec.label}信息", "修改后的党员信息卡", CARD, row_schema(_key, True, partial=True),
                    params=[path_param("id", INT), ROW_ID]),
        "delete": op(f"删除一条{_spec.label}信息", "修改后的党员信息卡", CARD,
                     params=[path_param("id", INT), ROW_ID, VERSION_PARAM])}
