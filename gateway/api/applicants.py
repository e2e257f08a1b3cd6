"""入党申请人: add, read, edit, delete and 找回, an organization's list (subtree, filtered, sorted,
paged), its Excel export, and the 入党申请人采集表 template and import (the member import's
three endpoints, imports.import_endpoints). Every check is the member service's."""
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.member.contract import APPLICANT_IMPORT_COLUMNS, STAGE_NAMES, STAGES
from services.shared.codes import EDUCATION, ETHNICITIES, OCCUPATIONS

from ..auth import require_session
from ..excel.roster import APPLICANT_COLUMNS, RosterWriter
from ..excel.template import applicant_template
from .common import call, check_types, history_flag, path_id, read_json
from .exports import XLSX, download_operation, every_page, workbook_download
from .imports import ERRORS_LIST, FILE_LIMITS, IMPORT_ID, import_endpoints
from .spec import BOOL, DATE, ID, INT, STR, obj, op, query_param, values

TYPES = {"org_id": int, "name": str, "id_number": str, "ethnicity": (str, int), "applied_on": str,
         "education": (str, int), "occupation": (str, int), "version": int, "reason": str}


async def create_applicant(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, TYPES)
    return JSONResponse(await call(request, session, "member", "create_applicant", data=data), status_code=201)


async def get_applicant(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "get_applicant", applicant_id=path_id(request)))


async def update_applicant(request: Request):
    session = await require_session(request)
    applicant_id = path_id(request)
    data = await read_json(request)
    check_types(data, TYPES)
    return JSONResponse(await call(request, session, "member", "update_applicant", applicant_id=applicant_id,
                                   data=data))


async def _reasoned(request: Request, method: str):
    session = await require_session(request)
    applicant_id = path_id(request)
    data = await read_json(request, optional=True)
    check_types(data, TYPES)
    return JSONResponse(await call(request, session, "member", method, applicant_id=applicant_id, data=data))


async def delete_applicant(request: Request):
    return await _reasoned(request, "delete_applicant")


async def restore_applicant(request: Request):
    return await _reasoned(request, "restore_applicant")


def list_params(request: Request) -> dict:
    """The list's filters from the query string (?stage=&q=&sort=&deleted=1), as the service takes them."""
    params = request.query_params
    return {"stage": params.get("stage") or None, "q": params.get("q") or None, "sort": params.get("sort") or "name",
            "deleted": history_flag(request, "deleted")}


async def org_applicants(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    return JSONResponse(await call(request, session, "member", "list_applicants", org_id=org_id,
                                   page=request.query_params.get("page", "1"),
                                   size=request.query_params.get("size", "50"), **list_params(request)))


async def applicant_roster(request: Request):
    """The list as shown (same filters and order), every page, to Excel."""
    session = await require_session(request)
    org_id = path_id(request)
    filters = list_params(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    title = f"{org['name']} {'已删除的' if filters['deleted'] else ''}入党申请人名册"
    writer = RosterWriter(title, APPLICANT_COLUMNS, sheet_name="入党申请人名册")
    pages = every_page(lambda page, size: call(request, session, "member", "list_applicants", org_id=org_id,
                                               page=page, size=size, **filters))
    return await workbook_download(request, session, writer, pages, f"{org['name']}-入党申请人名册.xlsx")


async def applicant_import_template(request: Request):
    await require_session(request)
    return Response(applicant_template(), media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote('入党申请人采集表.xlsx')}"})


create_import, get_import, commit_import = import_endpoints("member", "applicant")

routes = [
    Route("/applicants", create_applicant, methods=["POST"]),
    Route("/applicants/{id}", get_applicant),
    Route("/applicants/{id}", update_applicant, methods=["PATCH"]),
    Route("/applicants/{id}", delete_applicant, methods=["DELETE"]),
    Route("/applicants/{id}/restore", restore_applicant, methods=["POST"]),
    Route("/orgs/{id}/applicants", org_applicants),
    Route("/orgs/{id}/applicants.xlsx", applicant_roster),
    Route("/imports/applicants/template.xlsx", applicant_import_template),
    Route("/imports/applicants", create_import, methods=["POST"]),
    Route("/imports/applicants/{id}", get_import),
    Route("/imports/applicants/{id}/commit", commit_import, methods=["POST"]),
]

STAGE = {"type": "string", "enum": list(STAGES),
         "description": "发展阶段：" + "，".join(f"{key} {name}" for key, name in STAGE_NAMES.items())
         + "；新增时为 applicant，其余由发展党员流程设置"}
ID_NUMBER = {"type": "string", "description": "18位公民身份号码（GB 11643，与党员相同的校验）；性别和出生日期由此确定；"
             "已登记为入党申请人（含已删除的）或在册党员的，返回 409"}
FIELDS = {
    "name": {"type": "string", "maxLength": 50}, "id_number": ID_NUMBER,
    "ethnicity": {"type": "string", "enum": values(ETHNICITIES), "description": "民族（名称或代码）"},
    "applied_on": {**DATE, "description": "申请入党日期：不晚于今天，申请时须年满18周岁"},
    "education": {"type": ["string", "null"], "enum": values(EDUCATION) + [None], "description": "学历"},
    "occupation": {"type": ["string", "null"], "enum": values(OCCUPATIONS) + [None], "description": "工作岗位"},
}
APPLICANT_IN = obj(["org_id", "name", "id_number", "ethnicity", "applied_on"],
                   org_id={**INT, "description": "所在党组织（须在本账号管理范围内、未撤销）"}, **FIELDS)
VERSION = {"type": "integer", "description": "读取时得到的 version；已被他人修改时返回 409，不作任何修改"}
APPLICANT_CHANGES = {"type": "object", "required": ["version"], "additionalProperties": False,
                     "description": "只需提交要修改的项；所在党组织须办理组织关系转接，发展阶段由发展党员流程确定",
                     "properties": {"version": VERSION, **FIELDS}}
REASONED = obj([], version={**VERSION, "description": "可选：读取时的 version"},
               reason={"type": "string", "maxLength": 200, "description": "原因（可选）"})
APPLICANT = obj(["id", "org_id", "name", "id_number", "stage", "deleted", "version"],
                id=INT, org_id=INT, org_path=STR, name=STR, id_number=STR, sex=STR, sex_name=STR, birth_date=DATE,
                ethnicity=STR, ethnicity_name=STR, education={"type": ["string", "null"]},
                education_name={"type": ["string", "null"]}, occupation={"type": ["string", "null"]},
                occupation_name={"type": ["string", "null"]}, applied_on=DATE, stage=STAGE, stage_name=STR,
                deleted={**BOOL, "description": "已删除（可找回）"}, deleted_at={"type": ["string", "null"]},
                deleted_reason={"type": ["string", "null"]}, version=INT)
SORT = {"type": "string", "enum": ["name", "-name", "applied_on", "-applied_on", "birth_date", "-birth_date"],
        "description": "排序：姓名（拼音）、申请日期或出生日期，前加 - 为倒序；缺省 name"}
LIST_PARAMS = [ID, query_param("stage", STAGE), query_param("q", STR, "姓名、姓名拼音首字母或公民身份号码的开头"),
               query_param("sort", SORT),
               query_param("deleted", {"type": "string", "enum": ["0", "1"]},
                           "1：只列已删除的（供找回），按删除时间倒序")]
REF = {"$ref": "#/components/schemas/Applicant"}

OPENAPI_PATHS = {
    "/applicants": {"post": op("新增入党申请人", "已创建", obj(["id", "stage"], id=INT, stage=STAGE), APPLICANT_IN,
                               status="201")},
    "/applicants/{id}": {
        "get": op("入党申请人信息", "入党申请人", REF, params=[ID]),
        "patch": op("修改入党申请人信息（须带读取时的 version）", "修改后的入党申请人", REF, APPLICANT_CHANGES,
                    params=[ID]),
        "delete": op("删除入党申请人（保留记录，可找回）", "删除后的入党申请人", REF, REASONED, params=[ID],
                     body_required=False)},
    "/applicants/{id}/restore": {"post": op("找回已删除的入党申请人（原党组织须在用）", "找回后的入党申请人", REF,
                                            obj([], version=REASONED["properties"]["version"]), params=[ID],
                                            body_required=False)},
    "/orgs/{id}/applicants": {"get": op(
        "本组织及下级的入党申请人：按发展阶段筛选、快速查询、排序、分页", "分页结果",
        obj(["total", "page", "size", "items"], total=INT, page=INT, size=INT, sort=STR, deleted=BOOL,
            items={"type": "array", "items": REF}),
        params=[*LIST_PARAMS, query_param("page", INT), query_param("size", INT, "每页条数，1–200")])},
    "/orgs/{id}/applicants.xlsx": {"get": download_operation("导出入党申请人名册（与列表相同的筛选和顺序）",
                                                             params=LIST_PARAMS)},
    "/imports/applicants/template.xlsx": {"get": download_operation(
        "下载入党申请人采集表模板（" + "、".join(c.header for c in APPLICANT_IMPORT_COLUMNS) + "）")},
    "/imports/applicants": {"post": {
        **op("上传入党申请人采集表，返回预览：每行的问题（行号按表格编号）", "预览",
             obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST), status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/applicants/{id}": {"get": op("入党申请人导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/applicants/{id}/commit": {"post": op(
        "写入预览中的有效行；all_or_nothing 为 true 时只要有错误行就不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
}
SCHEMAS = {"Applicant": APPLICANT}
