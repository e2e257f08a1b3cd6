"""Members: create and read (with the photo's links)."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.shared.codes import ETHNICITIES, MEMBER_CATEGORIES

from ..auth import require_session
from .common import call, check_types, path_id, read_json
from .spec import DATE, ID, INT, STR, obj, op, query_param, values


async def create_member(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"org_id": int, "name": str, "id_number": str, "ethnicity": (str, int),
                       "category": (str, int), "joined_on": str})
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


routes = [
    Route("/members", search_members, methods=["GET"]),
    Route("/members", create_member, methods=["POST"]),
    Route("/members/{id}", get_member),
]

MEMBER_IN = obj(["org_id", "name", "id_number", "ethnicity", "category", "joined_on"],
                org_id=INT, name=STR, id_number={"type": "string", "description": "18位公民身份号码（GB 11643）"},
                ethnicity={"type": "string", "enum": values(ETHNICITIES),
                           "description": "民族（GB/T 3304 名称或代码）"},
                category={"type": "string", "enum": values(MEMBER_CATEGORIES)}, joined_on=DATE)

OPENAPI_PATHS = {
    "/members": {
        "post": op("新建党员", "已创建", obj(["id"], id=INT), MEMBER_IN, status="201"),
        "get": op("快速查询本账号管理范围内的党员：姓名、姓名拼音首字母或公民身份号码的开头", "分页结果",
                  obj(["total", "page", "size", "items"], total=INT, page=INT, size=INT, items={"type": "array"}),
                  params=[query_param("q", STR, "如 张、zs、110105"), query_param("page", INT),
                          query_param("size", INT)])},
    "/members/{id}": {"get": op("党员信息（含照片链接）", "党员", params=[ID])},
}
