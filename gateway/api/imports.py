"""Member import from the collection sheet: upload → preview with every row's problems →
commit the valid rows (or nothing, when asked)."""
import asyncio

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from ..errors import HttpError
from ..excel.reader import SheetError, read_member_rows
from .common import call, read_json
from .spec import BOOL, INT, STR, obj, op, path_param

MAX_FILE_BYTES = 20 * 1024 * 1024
IMPORT_TIMEOUT = 180  # seconds: 100,000 rows are checked or written in one call


async def uploaded_file(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_FILE_BYTES:
        raise HttpError(413, "too_large", "文件过大（上限 20 MB）")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise HttpError(400, "bad_file", "请以 multipart/form-data 上传文件（字段名 file）")
    try:
        form = await request.form(max_files=1, max_fields=10)
    except MultiPartException as exc:
        raise HttpError(400, "bad_file", f"上传的表单有误：{exc}") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise HttpError(400, "bad_file", "请选择要导入的 Excel 文件（字段名 file）", {"file": "必填"})
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise HttpError(413, "too_large", "文件过大（上限 20 MB）")
    content = await upload.read()
    if not content:
        raise HttpError(400, "bad_file", "上传的文件是空的", {"file": "空文件"})
    return content


def import_endpoints(service: str, read_rows):
    """The three endpoints of a collection-sheet import handled by `service` (its create_import,
    get_import and commit_import RPCs), the sheet read by `read_rows`."""
    async def create(request: Request):
        session = await require_session(request)
        content = await uploaded_file(request)
        try:
            rows = await asyncio.to_thread(read_rows, content)
        except SheetError as exc:
            raise HttpError(400, "bad_file", exc.message, {"file": exc.message}) from None
        preview = await call(request, session, service, "create_import", rows=rows, timeout=IMPORT_TIMEOUT)
        return JSONResponse(preview, status_code=201)

    async def get(request: Request):
        session = await require_session(request)
        return JSONResponse(await call(request, session, service, "get_import", import_id=request.path_params["id"]))

    async def commit(request: Request):
        session = await require_session(request)
        options = await read_json(request, optional=True)
        return JSONResponse(await call(request, session, service, "commit_import", import_id=request.path_params["id"],
                                       all_or_nothing=options.get("all_or_nothing", False), timeout=IMPORT_TIMEOUT))

    return create, get, commit


create_member_import, get_import, commit_import = import_endpoints("member", read_member_rows)


routes = [
    Route("/imports/members", create_member_import, methods=["POST"]),
    Route("/imports/{id}", get_import),
    Route("/imports/{id}/commit", commit_import, methods=["POST"]),
]

ERRORS_LIST = {"type": "array", "items": obj(["row", "field", "message"], row=INT, field=STR, message=STR)}
IMPORT_ID = path_param("id", STR)

OPENAPI_PATHS = {
    "/imports/members": {"post": {
        **op("上传党员采集表，返回预览：每行的问题（行号按表格编号）", "预览",
             obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST), status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": ".xlsx，上限 20 MB"})}}}}},
    "/imports/{id}": {"get": op("导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/{id}/commit": {"post": op(
        "写入预览中的有效行；all_or_nothing 为 true 时只要有错误行就不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
}
