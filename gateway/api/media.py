"""Uploads (member photos and videos' poster frames; any image owner kind the media service registers): presigned
upload, completion (verification), download links."""
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
    check_types(data, {"member_id": int, "owner_kind": str, "owner_id": (int, str), "content_type": str,
                       "size": int})
    if "owner_kind" in data:  # the general form; {member_id} is the member photo's short form
        owner = {"owner_kind": data.get("owner_kind"), "owner_id": data.get("owner_id")}
    else:
        owner = {"member_id": data.get("member_id")}
    upload = await call(request, session, "media", "begin_upload", content_type=data.get("content_type"),
                        size=data.get("size"), **owner)
    return JSONResponse(upload, status_code=201)


async def complete_upload(request: Request):
    session = await require_session(request)
    upload_id = request.path_params["upload_id"]
    return JSONResponse(await call(request, session, "media", "complete_upload", upload_id=upload_id))


def signed_redirect(method: str, id_name: str, variants: tuple[str, ...]):
    """GET /…/{<id_name>}/{variant}: a 302 to the short-lived signed link `media.<method>` gives
    (after its scope check); the link is a credential, so the answer is no-store (security_headers)."""
    async def endpoint(request: Request):
        session = await require_session(request)
        variant = request.path_params["variant"]
        if variant not in variants:
            raise HttpError(404, "not_found", "资源不存在")
        url = await call(request, session, "media", method, variant=variant,
                         **{id_name: request.path_params[id_name]})
        return RedirectResponse(url, status_code=302)

    endpoint.__name__ = method
    return endpoint


photo_download = signed_redirect("download_url", "photo_id", ("photo", "thumb"))


routes = [
    Route("/media/uploads", begin_upload, methods=["POST"]),
    Route("/media/uploads/{upload_id}/complete", complete_upload, methods=["POST"]),
    Route("/media/photos/{photo_id}/{variant}", photo_download),
]

OPENAPI_PATHS = {
    "/media/uploads": {"post": op(
        "开始上传：返回直传对象存储的预签名请求（党员照片可只给 member_id，等同 owner_kind=member_photo；"
        "video_poster 为视频附件的封面帧，owner_id 为附件编号，由浏览器在上传视频时截取，每个视频一张）",
        "预签名请求",
        obj(["upload_id", "url", "fields"], upload_id=STR, url=STR, fields={"type": "object"}, max_bytes=INT),
        obj(["content_type", "size"], member_id=INT, size=INT,
            owner_kind={"type": "string", "enum": ["member_photo", "video_poster"]},
            owner_id={"oneOf": [INT, STR]},
            content_type={"type": "string", "enum": ["image/jpeg", "image/png", "image/gif", "image/bmp"]}),
        status="201")},
    "/media/uploads/{upload_id}/complete": {"post": op(
        "完成上传：校验图片内容（先查像素数再解码）、去除EXIF、生成缩略图；同一上传并发完成只产生一张照片，"
        "其余得到 409；视频封面成为该视频附件的缩略图（已有封面 409）", "照片",
        obj(["owner_kind", "owner_id", "width", "height"], photo_id=STR, member_id=INT,
            attachment_id={**STR, "description": "视频封面所属的附件"},
            owner_kind=STR, owner_id=STR, width=INT, height=INT),
        params=[path_param("upload_id", STR)])},
    "/media/photos/{photo_id}/{variant}": {"get": {
        "summary": "照片下载（302 跳转到限时链接）", "responses": {"302": {"description": "跳转"}, **ERRORS},
        "parameters": [path_param("photo_id", STR),
                       path_param("variant", {"type": "string", "enum": ["photo", "thumb"]})]}},
}
