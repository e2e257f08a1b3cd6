"""Member import from the collection sheet: upload → preview with every row's problems →
commit the valid rows (or nothing, when asked)."""
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from ..errors import HttpError
from ..excel.safe_read import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, SheetError, check_archive
from ..excel.worker import read_in_worker
from .common import call, read_json
from .spec import BOOL, INT, STR, obj, op, path_param

TOO_LARGE = f"文件过大（上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）"
IMPORT_TIMEOUT = 180  # seconds: 100,000 rows are checked or written in one call


async def uploaded_file(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_FILE_BYTES:
        raise HttpError(413, "too_large", TOO_LARGE)
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
        raise HttpError(413, "too_large", TOO_LARGE)
    content = await upload.read()
    if not content:
        raise HttpError(400, "bad_file", "上传的文件是空的", {"file": "空文件"})
    return content


def sheet_http_error(exc: SheetError) -> HttpError:
    return HttpError(exc.status, "too_large" if exc.status == 413 else "bad_file", exc.message, {"file": exc.message})


async def uploaded_rows(request: Request, kind: str) -> list[dict]:
    """The rows of the uploaded `kind` collection sheet: the zip's directory checked here (cheap,
    nothing inflated), the sheet read in a worker process with memory and time limits."""
    return await read_upload(await uploaded_file(request), kind)


async def read_upload(content: bytes, kind: str) -> list[dict]:
    """uploaded_rows for a file already taken from the form (a page's form reads its CSRF field too)."""
    try:
        check_archive(content, SHEETS[kind])
        return await read_in_worker(kind, content)
    except SheetError as exc:
        raise sheet_http_error(exc) from None


SHEETS = {"member": "党员采集表", "org": "党组织采集表", "applicant": "入党申请人采集表",
          "development": "发展纪实采集表", "dues_base": "党费基数表", "dues_payment": "党费交纳记录表",
          "history": "党籍变动历史表", "outflow": "流出党员采集表", "inflow": "流入党员采集表",
          "term": "换届采集表", "meeting": "组织生活采集表", "meeting_file": "组织生活附件清单",
          "info": "党员信息集采集表", "sanction": "组织奖惩采集表", "report": "党内统计年报"}


def import_endpoints(service: str, kind: str | None = None):
    """The three endpoints of a collection-sheet import handled by `service`: the `kind` sheet of
    SHEETS (the service's own by default) through its create_import, get_import and commit_import
    RPCs — for another sheet of the service, create_<kind>_import and so on."""
    kind = kind or service
    infix = "" if kind == service else f"{kind}_"

    async def create(request: Request):
        session = await require_session(request)
        rows = await uploaded_rows(request, kind)
        preview = await call(request, session, service, f"create_{infix}import", rows=rows, timeout=IMPORT_TIMEOUT)
        return JSONResponse(preview, status_code=201)

    async def get(request: Request):
        session = await require_session(request)
        return JSONResponse(await call(request, session, service, f"get_{infix}import",
                                       import_id=request.path_params["id"]))

    async def commit(request: Request):
        session = await require_session(request)
        options = await read_json(request, optional=True)
        return JSONResponse(await call(request, session, service, f"commit_{infix}import",
                                       import_id=request.path_params["id"],
                                       all_or_nothing=options.get("all_or_nothing", False), timeout=IMPORT_TIMEOUT))

    return create, get, commit


create_member_import, get_import, commit_import = import_endpoints("member")


routes = [
    Route("/imports/members", create_member_import, methods=["POST"]),
    Route("/imports/{id}", get_import),
    Route("/imports/{id}/commit", commit_import, methods=["POST"]),
]

ERRORS_LIST = {"type": "array", "items": obj(["row", "field", "message"], row=INT, field=STR, message=STR)}
IMPORT_ID = path_param("id", STR)
FILE_LIMITS = (f".xlsx，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB，最多 {MAX_ROWS} 行数据、{MAX_COLUMNS} 列；"
               "超限 413，不是有效的 .xlsx 400")

OPENAPI_PATHS = {
    "/imports/members": {"post": {
        **op("上传党员采集表，返回预览：每行的问题（行号按表格编号）", "预览",
             obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST), status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/{id}": {"get": op("导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/{id}/commit": {"post": op(
        "写入预览中的有效行；all_or_nothing 为 true 时只要有错误行就不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
}
