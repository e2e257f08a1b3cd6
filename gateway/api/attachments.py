"""组织生活 attachments: the browser asks for presigned PUTs (one, or one per part of a large file),
sends the bytes straight to object storage, resumes after an interruption, then asks to complete
(the media service verifies the content). Downloads are redirects to short-lived signed links,
given only in scope. No file byte passes through the gateway."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from .common import call, check_types, path_id, read_json
from .media import signed_redirect
from .spec import ERRORS, ID, INT, STR, obj, op, path_param

BASE = "/api/v1/attachments"


def with_links(attachment: dict) -> dict:
    """The attachment with the gateway's links (each a redirect to a signed link, scope checked)."""
    links = {"url": f"{BASE}/{attachment['id']}/file"}
    if attachment.get("has_thumbnail"):
        links["thumbnail_url"] = f"{BASE}/{attachment['id']}/thumb"
    return {**attachment, **links}


async def begin_attachment(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"filename": str, "content_type": str, "size": int})
    upload = await call(request, session, "media", "begin_attachment", meeting_id=path_id(request),
                        filename=data.get("filename"), content_type=data.get("content_type"), size=data.get("size"))
    return JSONResponse(upload, status_code=201)


async def meeting_attachments(request: Request):
    session = await require_session(request)
    found = await call(request, session, "media", "meeting_attachments", meeting_id=path_id(request))
    return JSONResponse({**found, "items": [with_links(item) for item in found["items"]]})


async def resume_attachment(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "media", "resume_attachment",
                                   upload_id=request.path_params["upload_id"]))


async def complete_attachment(request: Request):
    session = await require_session(request)
    data = await read_json(request, optional=True)
    check_types(data, {"parts": list})
    kept = await call(request, session, "media", "complete_attachment", upload_id=request.path_params["upload_id"],
                      parts=data.get("parts"))
    return JSONResponse(with_links(kept))


routes = [
    Route("/meetings/{id}/attachments", begin_attachment, methods=["POST"]),
    Route("/meetings/{id}/attachments", meeting_attachments, methods=["GET"]),
    Route("/attachments/{upload_id}/resume", resume_attachment, methods=["POST"]),
    Route("/attachments/{upload_id}/complete", complete_attachment, methods=["POST"]),
    Route("/attachments/{attachment_id}/{variant}",
          signed_redirect("attachment_url", "attachment_id", ("file", "thumb")), methods=["GET"]),
]

PARTS = {"type": "array", "items": obj(["number", "url"], number=INT, url=STR)}
ATTACHMENT = obj(["id", "kind", "url"], id=STR, meeting_id=INT,
                 kind={"type": "string", "enum": ["image", "video", "document"]}, filename=STR, content_type=STR,
                 size=INT, width=INT, height=INT, url=STR, thumbnail_url=STR)
UPLOAD_ID = path_param("upload_id", STR)

OPENAPI_PATHS = {
    "/meetings/{id}/attachments": {
        "post": op("为组织生活记录上传附件（图片≤20MB、视频 MP4/MOV≤500MB、PDF/Word/Excel/PowerPoint≤50MB）："
                   "返回直传对象存储的预签名 PUT；16MB 以下为单个分片，以上为 8MB 分片（最后一片可小），"
                   "每片可重试，中断后可续传", "预签名分片",
                   obj(["upload_id", "parts"], upload_id=STR, parts=PARTS, part_size=INT, method=STR, expires_at=STR),
                   obj(["filename", "content_type", "size"], filename=STR, content_type=STR, size=INT),
                   params=[ID], status="201"),
        "get": op("组织生活记录的附件（链接为限时签名下载的跳转）", "附件列表",
                  obj(["items"], items={"type": "array", "items": ATTACHMENT}), params=[ID])},
    "/attachments/{upload_id}/resume": {"post": op(
        "续传：已收到的分片，及其余分片的新预签名链接", "分片",
        obj(["parts_done", "parts"], parts_done={"type": "array"}, parts=PARTS), params=[UPLOAD_ID])},
    "/attachments/{upload_id}/complete": {"post": op(
        "完成上传：合并分片（未给 parts 时按存储中已收到的分片），按内容校验类型（与声明不符 422）、大小，"
        "图片去除EXIF并生成缩略图；同一上传重复完成得到同一附件", "附件", ATTACHMENT,
        obj([], parts={"type": "array", "items": obj(["number", "etag"], number=INT, etag=STR)}),
        params=[UPLOAD_ID], body_required=False)},
    "/attachments/{attachment_id}/{variant}": {"get": {
        "summary": "附件下载或缩略图（302 跳转到限时签名链接，仅限管理范围内）",
        "responses": {"302": {"description": "跳转"}, **ERRORS},
        "parameters": [path_param("attachment_id", {**STR, "description": "附件编号"}),
                       path_param("variant", {"type": "string", "enum": ["file", "thumb"]})]}},
}
