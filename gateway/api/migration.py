"""数据迁移 (初始化, issue 16; docs/MIGRATION.md): bringing a province's data in from the official
system's Excel exports. Every kind is an ordinary import of its own service (upload → preview →
commit, services/shared/sheet_imports.py); this module adds the kinds that are new here — the
党费交纳记录表 (months paid before PMIS) — and, for every kind, the import's report as Excel (what was
written, every refused row with its reason). The list of kinds the 数据迁移 page shows is KINDS."""
from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.shared.rights import READ, refusal

from ..auth import require_session
from ..errors import HttpError
from ..excel.import_report import import_report
from ..excel.template import (
    dues_payment_template,
    history_template,
    inflow_template,
    info_template,
    meeting_file_template,
    meeting_template,
    outflow_template,
    sanction_template,
    term_template,
)
from .common import call, path_id, read_json
from .exports import XLSX, download_operation
from .imports import ERRORS_LIST, FILE_LIMITS, IMPORT_ID, IMPORT_TIMEOUT, import_endpoints, uploaded_rows
from .spec import BOOL, ID, INT, STR, obj, op, path_param


@dataclass(frozen=True)
class Kind:
    """One importable kind: its sheet, the API name its report is asked by, the service and RPC that
    answer its import, whether it is imported per organization (the 党费 sheets) and what a row is."""
    key: str
    sheet: str
    module: str  # the right it needs (MODULES of services/shared/rights.py)
    service: str
    get_rpc: str
    template: str  # the template's URL ({org} for a prefilled per-organization one)
    page: str  # the upload page's URL; {org} is the organization
    what: str
    per_org: bool = False


KINDS = (
    Kind("orgs", "党组织采集表", "daily", "org", "get_import", "/api/v1/imports/orgs/template.xlsx",
         "/orgs/{org}/org-import", "党组织（上级写在下级之前）"),
    Kind("sanctions", "组织奖惩采集表", "daily", "org", "get_sanction_import",
         "/api/v1/imports/sanctions/template.xlsx", "/orgs/{org}/sanction-import",
         "党组织卡片的组织奖惩：奖励和惩处的名称、批准日期、批准机关及其级别（须先导入党组织）"),
    Kind("members", "党员采集表", "daily", "member", "get_import", "/api/v1/imports/members/template.xlsx",
         "/orgs/{org}/import", "在册党员的基本信息（入党日期、转正日期等）"),
    Kind("member-history", "党籍变动历史表", "daily", "member", "get_history_import",
         "/api/v1/imports/member-history/template.xlsx", "/orgs/{org}/history-import",
         "迁移前的党籍变动：入党、转正、转入/转出、减少及其日期（须先导入党员）"),
    Kind("member-info", "党员信息集采集表", "daily", "member", "get_info_import",
         "/api/v1/imports/member-info/template.xlsx", "/orgs/{org}/info-import",
         "党员信息卡各信息集的历史：学历学位、工作岗位、职务、技术职务、民主评议、培训情况、奖惩情况、其他党团信息、困难党员"
         "（一个信息集一个工作表；须先导入党员）"),
    Kind("applicants", "入党申请人采集表", "development", "member", "get_applicant_import",
         "/api/v1/imports/applicants/template.xlsx", "/orgs/{org}/applicant-import", "入党申请人"),
    Kind("development", "发展纪实采集表", "development", "member", "get_development_import",
         "/api/v1/imports/development/template.xlsx", "/orgs/{org}/development-import", "纸质材料中已办理的发展步骤"),
    Kind("dues-bases", "党费基数表", "dues", "dues", "get_base_import", "/api/v1/orgs/{org}/dues/bases/template.xlsx",
         "/orgs/{org}/dues/bases/import",
         "党员的党费基数（按党组织：支部或其上级，一张表可含下级各支部；模板按支部名册预填）", per_org=True),
    Kind("dues-payments", "党费交纳记录表", "dues", "dues", "get_payment_import",
         "/api/v1/imports/dues-payments/template.xlsx", "/orgs/{org}/dues/payments/import",
         "迁移前已交纳的党费（每行一个月；按党组织：支部或其上级，一张表可含下级各支部），使党费交至和欠交从第一天起正确",
         per_org=True),
    Kind("outflows", "流出党员采集表", "mobility", "transfer", "get_outflow_import",
         "/api/v1/imports/outflows/template.xlsx", "/orgs/{org}/outflow-import",
         "迁移时在外流动的党员：流出日期、流向地、流入党组织、联系电话（须先导入党员）"),
    Kind("inflows", "流入党员采集表", "mobility", "transfer", "get_inflow_import",
         "/api/v1/imports/inflows/template.xlsx", "/orgs/{org}/inflow-import",
         "迁移时从本系统外流入各党组织的党员：流入党组织、原所在党组织、活动证编号、流入日期（已离开的含离开日期）"),
    Kind("terms", "换届采集表", "terms", "org", "get_term_import", "/api/v1/imports/terms/template.xlsx",
         "/orgs/{org}/term-import",
         "各党组织的届次（选举日期、产生方式、任期、批复）及班子成员和职务，可含选举情况（应到、实到、应选名额、候选人得票）"
         "（须先导入党员）"),
    Kind("meetings", "组织生活采集表", "orglife", "org", "get_meeting_import", "/api/v1/imports/meetings/template.xlsx",
         "/orgs/{org}/meeting-import", "三会一课等组织生活记录：类型、时间、主题、出席和缺席党员（须先导入党员）"),
    Kind("meeting-files", "组织生活附件清单", "orglife", "media", "get_meeting_file_import",
         "/api/v1/imports/meeting-files/template.xlsx", "/orgs/{org}/meeting-file-import",
         "已录入或已导入的会议的附件（照片、视频、文档）：清单每行一个文件，上传时选择这些文件（须先导入组织生活）"),
)
BY_KEY = {kind.key: kind for kind in KINDS}
# What the official system exports that cannot be imported yet (shown on the page, docs/MIGRATION.md).
NOT_YET: tuple[tuple[str, str], ...] = ()


def template_download(make, filename: str):
    """The endpoint that downloads the template `make()` builds, as `filename`, to any signed-in account."""
    disposition = f"attachment; filename*=utf-8''{quote(filename)}"

    async def download(request: Request):
        await require_session(request)
        return Response(make(), media_type=XLSX, headers={"Content-Disposition": disposition})

    return download


history_import_template = template_download(history_template, "党籍变动历史表.xlsx")
create_history_import, get_history_import, commit_history_import = import_endpoints("member", "history")
info_import_template = template_download(info_template, "党员信息集采集表.xlsx")
sanction_import_template = template_download(sanction_template, "组织奖惩采集表.xlsx")
create_sanction_import, get_sanction_import, commit_sanction_import = import_endpoints("org", "sanction")
create_info_import, get_info_import, commit_info_import = import_endpoints("member", "info")


outflow_import_template = template_download(outflow_template, "流出党员采集表.xlsx")
create_outflow_import, get_outflow_import, commit_outflow_import = import_endpoints("transfer", "outflow")
inflow_import_template = template_download(inflow_template, "流入党员采集表.xlsx")
create_inflow_import, get_inflow_import, commit_inflow_import = import_endpoints("transfer", "inflow")


term_import_template = template_download(term_template, "换届采集表.xlsx")
create_term_import, get_term_import, commit_term_import = import_endpoints("org", "term")


meeting_import_template = template_download(meeting_template, "组织生活采集表.xlsx")
create_meeting_import, get_meeting_import, commit_meeting_import = import_endpoints("org", "meeting")
meeting_file_import_template = template_download(meeting_file_template, "组织生活附件清单.xlsx")
create_meeting_file_import, get_meeting_file_import, _ = import_endpoints("media", "meeting_file")


async def commit_meeting_file_import(request: Request):
    """What the browser sent of the manifest's files ({results: [{row, attachment_id | message}]}), recorded."""
    session = await require_session(request)
    options = await read_json(request, optional=True)
    return JSONResponse(await call(request, session, "media", "commit_meeting_file_import",
                                   import_id=request.path_params["id"], results=options.get("results", []),
                                   all_or_nothing=options.get("all_or_nothing", False), timeout=IMPORT_TIMEOUT))


dues_payment_import_template = template_download(dues_payment_template, "党费交纳记录表.xlsx")
async def create_payment_import(request: Request):
    """An uploaded 党费交纳记录表 for the organization, read as every sheet is, previewed by the dues service."""
    session = await require_session(request)
    org_id = path_id(request)
    rows = await uploaded_rows(request, "dues_payment")
    return JSONResponse(await call(request, session, "dues", "create_payment_import", org_id=org_id, rows=rows,
                                   timeout=IMPORT_TIMEOUT), status_code=201)


async def get_payment_import(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "dues", "get_payment_import",
                                   import_id=request.path_params["id"]))


async def commit_payment_import(request: Request):
    session = await require_session(request)
    options = await read_json(request, optional=True)
    return JSONResponse(await call(request, session, "dues", "commit_payment_import",
                                   import_id=request.path_params["id"],
                                   all_or_nothing=options.get("all_or_nothing", False), timeout=IMPORT_TIMEOUT))


async def report(request: Request):
    """The import's report as Excel: its state and counts, every refused row with its reason."""
    session = await require_session(request)
    kind = BY_KEY.get(request.path_params["kind"])
    if kind is None:  # a path the document's enum does not allow: bad input, asked of no service
        raise HttpError(400, "validation", f"没有这种导入：可用的有 {'、'.join(BY_KEY)}")
    record = await call(request, session, kind.service, kind.get_rpc, import_id=request.path_params["id"])
    filename = quote(f"{kind.sheet}-导入报告.xlsx")
    return Response(import_report(kind.sheet, record), media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{filename}"})


async def kinds(request: Request):
    """What the 数据迁移 page lists: every importable kind, its template and page. The list is
    系统工具's (the page's); no service holds it, so the right is checked here."""
    session = await require_session(request)
    if not session.can("system"):
        raise HttpError(403, "forbidden", refusal("system", READ))
    return JSONResponse({"items": [{"key": kind.key, "sheet": kind.sheet, "module": kind.module, "what": kind.what,
                                    "per_org": kind.per_org,
                                    "template": kind.template.replace("{org}", str(session.org_id))}
                                   for kind in KINDS],
                         "not_yet": [{"sheet": sheet, "what": what} for sheet, what in NOT_YET]})


routes = [
    Route("/migration/kinds", kinds),
    Route("/imports/member-history/template.xlsx", history_import_template),
    Route("/imports/member-history", create_history_import, methods=["POST"]),
    Route("/imports/member-history/{id}", get_history_import),
    Route("/imports/member-history/{id}/commit", commit_history_import, methods=["POST"]),
    Route("/imports/sanctions/template.xlsx", sanction_import_template),
    Route("/imports/sanctions", create_sanction_import, methods=["POST"]),
    Route("/imports/sanctions/{id}", get_sanction_import),
    Route("/imports/sanctions/{id}/commit", commit_sanction_import, methods=["POST"]),
    Route("/imports/member-info/template.xlsx", info_import_template),
    Route("/imports/member-info", create_info_import, methods=["POST"]),
    Route("/imports/member-info/{id}", get_info_import),
    Route("/imports/member-info/{id}/commit", commit_info_import, methods=["POST"]),
    Route("/imports/outflows/template.xlsx", outflow_import_template),
    Route("/imports/outflows", create_outflow_import, methods=["POST"]),
    Route("/imports/outflows/{id}", get_outflow_import),
    Route("/imports/outflows/{id}/commit", commit_outflow_import, methods=["POST"]),
    Route("/imports/inflows/template.xlsx", inflow_import_template),
    Route("/imports/inflows", create_inflow_import, methods=["POST"]),
    Route("/imports/inflows/{id}", get_inflow_import),
    Route("/imports/inflows/{id}/commit", commit_inflow_import, methods=["POST"]),
    Route("/imports/terms/template.xlsx", term_import_template),
    Route("/imports/terms", create_term_import, methods=["POST"]),
    Route("/imports/terms/{id}", get_term_import),
    Route("/imports/terms/{id}/commit", commit_term_import, methods=["POST"]),
    Route("/imports/meetings/template.xlsx", meeting_import_template),
    Route("/imports/meetings", create_meeting_import, methods=["POST"]),
    Route("/imports/meetings/{id}", get_meeting_import),
    Route("/imports/meetings/{id}/commit", commit_meeting_import, methods=["POST"]),
    Route("/imports/meeting-files/template.xlsx", meeting_file_import_template),
    Route("/imports/meeting-files", create_meeting_file_import, methods=["POST"]),
    Route("/imports/meeting-files/{id}", get_meeting_file_import),
    Route("/imports/meeting-files/{id}/commit", commit_meeting_file_import, methods=["POST"]),
    Route("/imports/dues-payments/template.xlsx", dues_payment_import_template),
    Route("/orgs/{id}/dues/payment-imports", create_payment_import, methods=["POST"]),
    Route("/dues/payment-imports/{id}", get_payment_import),
    Route("/dues/payment-imports/{id}/commit", commit_payment_import, methods=["POST"]),
    Route("/imports/{kind}/{id}/report.xlsx", report),
]

PAYMENT_ROW = obj(["row", "member_id", "month", "amount", "paid_on"], row=INT, member_id=INT, name=STR,
                  id_number=STR, month=STR, amount=STR, paid_on=STR, method=STR, collector={"type": ["string", "null"]},
                  kind={"type": "string", "description": "monthly 按月 | late 补交 | early 预交"})
PAYMENT_IMPORT = obj(["id", "rows", "valid", "errors"], id=STR, status=STR, org_id=INT, org_name=STR, rows=INT,
                     valid=INT, written={"type": ["integer", "null"]}, errors=ERRORS_LIST,
                     items={"type": "array", "items": PAYMENT_ROW, "description": "有效行：匹配到的党员和所交月份"})
KIND = path_param("kind", {"type": "string", "enum": list(BY_KEY)})
MEETING_FILE_ROW = obj(["row", "meeting_id", "filename"], row=INT, meeting_id=INT, filename=STR, name=STR, org=STR,
                       meeting={"type": "string", "description": "组织生活类型和会议时间"})
MEETING_FILE_IMPORT = obj(["id", "rows", "valid", "errors", "items"], id=STR, status=STR, rows=INT, valid=INT,
                          written={"type": ["integer", "null"]}, errors=ERRORS_LIST,
                          items={"type": "array", "items": MEETING_FILE_ROW,
                                 "description": "有效行：要上传的文件及其会议"})

OPENAPI_PATHS = {
    "/migration/kinds": {"get": op("数据迁移：可导入的各类数据（采集表、模板、导入页面）及尚不能导入的", "列表", obj(
        ["items"], items={"type": "array", "items": obj(["key", "sheet"], key=STR, sheet=STR, module=STR, what=STR,
                                                        per_org=BOOL, template=STR)},
        not_yet={"type": "array", "items": obj(["sheet"], sheet=STR, what=STR)}))},
    "/imports/member-history/template.xlsx": {"get": download_operation(
        "下载党籍变动历史表模板（数据迁移：每行一个迁移前的入党、转正、转入/转出或减少；填写说明含示例行）")},
    "/imports/member-history": {"post": {
        **op("上传党籍变动历史表，返回预览：每行的问题；按公民身份号码找本账号管理范围内的党员", "预览",
             obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST), status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/member-history/{id}": {"get": op("党籍变动历史导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/member-history/{id}/commit": {"post": op(
        "写入预览中的有效行：入党、转正改入党日期和转正日期，减少办理党员减少，每行在党员的修改记录中留一行；"
        "预览后已变化的党员其行列为未写入；all_or_nothing 为 true 时有任何错误行则不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
    "/imports/sanctions/template.xlsx": {"get": download_operation(
        "下载组织奖惩采集表模板（数据迁移：每行一条党组织的奖励或惩处；填写说明含示例行）")},
    "/imports/sanctions": {"post": {
        **op("上传组织奖惩采集表，返回预览：每行的问题；按党组织代码找本账号管理范围内的党组织，每行按“新增组织奖惩”的规则校验",
             "预览", obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST),
             status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/sanctions/{id}": {"get": op("组织奖惩导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/sanctions/{id}/commit": {"post": op(
        "写入预览中的有效行：每行按党组织卡片“新增组织奖惩”办理（同样的规则、修改记录、操作日志，奖励计入表彰统计）；"
        "预览后已变化的党组织其行列为未写入；all_or_nothing 为 true 时有任何错误行则不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
    "/imports/member-info/template.xlsx": {"get": download_operation(
        "下载党员信息集采集表模板（数据迁移：一个信息集一个工作表，每行一条学历学位、工作岗位、奖惩等信息；填写说明列出各表的列）")},
    "/imports/member-info": {"post": {
        **op("上传党员信息集采集表，返回预览：每个工作表每行的问题（字段名含工作表名，如 educations.graduated_on）；"
             "按公民身份号码找本账号管理范围内的党员，每行按该信息集“新增”的规则校验",
             "预览", obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST),
             status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/member-info/{id}": {"get": op("党员信息集导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/member-info/{id}/commit": {"post": op(
        "写入预览中的有效行：每行按信息卡“新增信息”办理（同样的规则、修改记录、操作日志，学历、工作岗位、民主评议、培训、表彰随之计入统计）；"
        "预览后已变化的党员其行列为未写入；all_or_nothing 为 true 时有任何错误行则不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
    "/imports/outflows/template.xlsx": {"get": download_operation(
        "下载流出党员采集表模板（数据迁移：每行一名迁移时在外流动的党员；填写说明含示例行）")},
    "/imports/outflows": {"post": {
        **op("上传流出党员采集表，返回预览：每行的问题；按公民身份号码找本账号管理范围内的党员（向党员服务一次查询）",
             "预览", obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST),
             status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/outflows/{id}": {"get": op("流出党员导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/outflows/{id}/commit": {"post": op(
        "写入预览中的有效行：每行按流出登记办理（同样的规则、操作日志和统计）；预览后已变化的党员其行列为未写入；"
        "all_or_nothing 为 true 时有任何错误行则不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
    "/imports/inflows/template.xlsx": {"get": download_operation(
        "下载流入党员采集表模板（数据迁移：每行一名从本系统外流入本系统党组织的党员；填写说明含示例行）")},
    "/imports/inflows": {"post": {
        **op("上传流入党员采集表，返回预览：每行的问题；按党组织代码找本账号管理范围内的党组织，"
             "公民身份号码属于本账号管理范围内党员的不是系统外流入（向党员服务一次查询）",
             "预览", obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST),
             status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/inflows/{id}": {"get": op("流入党员导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/inflows/{id}/commit": {"post": op(
        "写入预览中的有效行：每行按流入登记办理（同样的规则、操作日志、统计和流入党员党费台账），填了离开日期的再按登记离开办理；"
        "预览后已变化的行列为未写入；all_or_nothing 为 true 时有任何错误行则不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
    "/imports/terms/template.xlsx": {"get": download_operation(
        "下载换届采集表模板（数据迁移：每行一名班子成员，同一党组织同一选举日期的各行为一届；填写说明含示例行）")},
    "/imports/terms": {"post": {
        **op("上传换届采集表，返回预览：每行的问题；按党组织代码找本账号管理范围内的党组织，按公民身份号码找党员（向党员服务一次查询）",
             "预览", obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST),
             status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/terms/{id}": {"get": op("换届导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/terms/{id}/commit": {"post": op(
        "写入预览中的有效届次：每届按换届办理（同样的规则、操作日志和统计），整届写入或整届不写入；"
        "all_or_nothing 为 true 时有任何错误行则不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
    "/imports/meetings/template.xlsx": {"get": download_operation(
        "下载组织生活采集表模板（数据迁移：每行一次会议，出席、缺席党员按姓名；填写说明含示例行）")},
    "/imports/meetings": {"post": {
        **op("上传组织生活采集表，返回预览：每行的问题；出席、缺席党员按姓名在本组织党员名册中查找",
             "预览", obj(["id", "rows", "valid", "errors"], id=STR, rows=INT, valid=INT, errors=ERRORS_LIST),
             status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/meetings/{id}": {"get": op("组织生活导入的状态和预览结果", "导入", params=[IMPORT_ID])},
    "/imports/meetings/{id}/commit": {"post": op(
        "写入预览中的有效行：每行按记录组织生活办理（同样的规则、操作日志和统计）；预览后不能再写入的会议列为未写入；"
        "all_or_nothing 为 true 时有任何错误行则不写入任何数据", "写入结果",
        obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
    "/imports/meeting-files/template.xlsx": {"get": download_operation(
        "下载组织生活附件清单模板（数据迁移：每行一个已录入会议的附件文件；填写说明含示例行）")},
    "/imports/meeting-files": {"post": {
        **op("上传组织生活附件清单，返回预览：每行的问题，以及有效行（items：行号、会议编号、文件名），"
             "浏览器随后按附件的上传接口逐个上传这些文件；会议按党组织代码、组织生活类型和会议时间查找",
             "预览", MEETING_FILE_IMPORT, status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/imports/meeting-files/{id}": {"get": op("附件导入的状态、预览结果和有效行", "导入", MEETING_FILE_IMPORT,
                                                params=[IMPORT_ID])},
    "/imports/meeting-files/{id}/commit": {"post": op(
        "记录附件导入的结果：results 为浏览器上传各有效行文件的结果"
        "（row 与上传完成的 attachment_id，或上传失败的 message）；会议确有该附件（同名、同编号）的行计为写入，"
        "其余列为未上传；all_or_nothing 为 true 且预览有错误行时拒绝（浏览器应先提交再上传）",
        "写入结果", obj(["written", "errors"], written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL, results={"type": "array", "items": obj(
            ["row"], row=INT, attachment_id={"type": ["string", "null"]}, message={"type": ["string", "null"]})}),
        params=[IMPORT_ID])},
    "/imports/dues-payments/template.xlsx": {"get": download_operation(
        "下载党费交纳记录表模板（数据迁移：每行一个已交纳的月份；填写说明含示例行）")},
    "/orgs/{id}/dues/payment-imports": {"post": {
        **op("上传本组织的党费交纳记录表，返回预览：每行匹配的党员、所交月份，或该行不能导入的原因", "预览",
             PAYMENT_IMPORT, params=[ID], status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary", "description": FILE_LIMITS})}}}}},
    "/dues/payment-imports/{id}": {"get": op("党费交纳记录导入的预览和状态", "导入", PAYMENT_IMPORT,
                                             params=[IMPORT_ID])},
    "/dues/payment-imports/{id}/commit": {"post": op(
        "写入预览中的有效行（按交纳登记的规则再次判断）；预览后不能再登记的党员，其行列为未写入；"
        "all_or_nothing 为 true 时有任何错误行则不写入任何数据", "写入结果",
        obj(["written", "errors"], id=STR, org_id=INT, written=INT, skipped_rows=INT, errors=ERRORS_LIST),
        obj([], all_or_nothing=BOOL), params=[IMPORT_ID])},
    "/imports/{kind}/{id}/report.xlsx": {"get": download_operation(
        "导入报告（Excel）：导入的状态、行数、写入数，以及每个未导入行的行号、姓名和原因", params=[KIND, IMPORT_ID])},
}
