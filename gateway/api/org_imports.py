"""Organization import from the 党组织采集表 (services/org/imports.py, domain/import_rows.py): the
template, an upload with every row's problems, and the commit of the valid rows (parents first)."""
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import require_session
from ..excel.template import org_template
from .exports import XLSX, download_operation
from .imports import ERRORS_LIST, FILE_LIMITS, IMPORT_ID, import_endpoints
from .spec import BOOL, INT, STR, obj, op


async def org_import_template(request: Request):
    await require_session(request)
    return Response(org_template(), media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote('党组织采集表.xlsx')}"})


create_org_import, get_org_import, commit_org_import = import_endpoints("org")

routes = [
    Route("/imports/orgs/template.xlsx", org_import_template),
    Route("/imports/orgs", create_org_import, methods=["POST"]),
    Route("/imports/orgs/{id}", get_org_import),
    Route("/imports/orgs/{id}/commit", commit_org_import, methods=["POST"]),
]

OPENAPI_PATHS = {
    "/imports/orgs/template.xlsx": {"get": download_operation(
        "下载党组织采集表模板（中文表头、必填列标红、类别、隶属关系和单位信息下拉；"
        "填写单位性质类别则同时建立一条单位信息）")},
    "/imports/orgs": {"post": {
        **op("上传党组织采集表，返回预览：每行的问题（行号按表格编号）", "预览",
             obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST), status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/orgs/{id}": {"get": op("党组织导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/orgs/{id}/commit": {"post": op(
        "按表格顺序写入预览中的有效行（上级在前）；all_or_nothing 为 true 时只要有错误行就不写入", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
}
