"""Member photos: presigned upload, completion (verification), download links."""
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from ..auth import require_session
from ..errors import HttpError
from .common import call, check_types, read_json
from .spec import ERRORS, INT, STR, obj, op, path_param


async def begin_upload(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"member_id": int, "content_type": str, "size": int})
    upload = await call(request, session, "media", "begin_upload", member_id=data.get("member_id"),
                        content_type=data.get("content_type"), size=data.get("size"))
    return JSONResponse(upload, status_code=201)


async def complete_upload(request: Request):
    session = await require_session(request)
    upload_id = request.path_params["upload_id"]
    return JSONResponse(await call(request, session, "media", "complete_upload", upload_id=upload_id))


async def photo_download(request: Request):
    session = await require_session(request)
    variant = request.path_params["variant"]
    if variant not in ("photo", "thumb"):
        raise HttpError(404, "not_found", "资源不存在")
    url = await call(request, session, "media", "download_url", photo_id=request.path_params["photo_id"],
                     variant=variant)
    return RedirectResponse(url, status_code=302)  # no-store: the link is a credential (security_headers)


routes = [
    Route("/media/uploads", begin_upload, methods=["POST"]),
    Route("/media/uploads/{upload_id}/complete", complete_upload, methods=["POST"]),
    Route("/media/photos/{photo_id}/{variant}", photo_download),
]

OPENAPI_PATHS = {
    "/media/uploads": {"post": op(
        "开始上传党员照片：返回直传对象存储的预签名请求", "预签名请求",
        obj(["upload_id", "url", "fields"], upload_id=STR, url=STR, fields={"type": "object"}, max_bytes=INT),
        obj(["member_id", "content_type", "size"], member_id=INT, size=INT,
            content_type={"type": "string", "enum": ["image/jpeg", "image/png", "image/gif", "image/bmp"]}),
        status="201")},
    "/media/uploads/{upload_id}/complete": {"post": op(
        "完成上传：校验图片内容、去除EXIF、生成缩略图", "照片", params=[path_param("upload_id", STR)])},
    "/media/photos/{photo_id}/{variant}": {"get": {
        "summary": "照片下载（302 跳转到限时链接）", "responses": {"302": {"description": "跳转"}, **ERRORS},
        "parameters": [path_param("photo_id", STR),
                       path_param("variant", {"type": "string", "enum": ["photo", "thumb"]})]}},
}
