"""操作日志 (services/org/audit.py): search the audit entries of one's subtree, and export them. Read
only: no route can change an entry."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from ..excel.audit import AUDIT_COLUMNS, rows_of
from ..excel.roster import RosterWriter
from .common import call
from .exports import download_operation, keyset_pages, workbook_download
from .spec import DATE, INT, STR, obj, op, query_param

FILTER_KEYS = ("org_id", "account", "entity", "entity_id", "kind", "from", "to")
EXPORT_PAGE = 500
EXPORT_MAX = 20000  # one sheet; a longer period is exported in parts


def filters_of(request: Request) -> dict:
    return {key: request.query_params[key] for key in FILTER_KEYS if request.query_params.get(key)}


async def audit_list(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "org", "audit_entries", filters=filters_of(request),
                                   after=params.get("after") or None, limit=params.get("limit", "50")))


async def audit_xlsx(request: Request):
    session = await require_session(request)
    filters = filters_of(request)
    await call(request, session, "org", "audit_entries", filters=filters, limit=1)  # scope and filters first
    writer = RosterWriter("操作日志", AUDIT_COLUMNS, sheet_name="操作日志")

    async def pages():
        written = 0
        async for page in keyset_pages(lambda after: call(request, session, "org", "audit_entries", filters=filters,
                                                          after=after, limit=EXPORT_PAGE), "next", first=""):
            yield rows_of(page["items"])
            written += len(page["items"])
            if written >= EXPORT_MAX:
                break

    return await workbook_download(request, session, writer, pages(), "操作日志.xlsx")


routes = [
    Route("/audit", audit_list, methods=["GET"]),
    Route("/audit.xlsx", audit_xlsx, methods=["GET"]),
]

CHANGE = obj(["field", "before", "after"], field={**STR, "description": "字段名（中文）"},
             before={"description": "修改前（代码已换成名称）"}, after={"description": "修改后"})
ENTRY = obj(["at", "account", "ip", "entity", "entity_id", "action", "changes"],
            at={"type": "string", "format": "date-time"},
            account=obj(["user_id", "username"], user_id=STR, username=STR), ip=STR, request_id=STR,
            org_path=STR, entity={**STR, "description": "对象类别：member、org、account、transfer、dues_payment…"},
            entity_name=STR, entity_id={"type": ["string", "null"]}, action={**STR, "description": "操作（中文）"},
            changes={"type": "array", "items": CHANGE}, source={**STR, "description": "记录该操作的服务"})
FILTERS = [query_param("org_id", INT, "该党组织及下级（须在本账号管理范围内）；缺省为本账号的范围"),
           query_param("account", STR, "操作账号的用户名"), query_param("entity", STR, "对象类别"),
           query_param("entity_id", STR, "对象编号（如党员编号）"),
           query_param("kind", STR, "操作（以此开头，如“登录”）"),
           query_param("from", DATE, "开始日期（含）"), query_param("to", DATE, "结束日期（含）")]

OPENAPI_PATHS = {
    "/audit": {"get": op("操作日志：本账号管理范围内的操作记录，最新的在前（只读，不能修改或删除）", "操作记录", obj(
        ["items", "next"], items={"type": "array", "items": ENTRY},
        next={"type": ["string", "null"], "description": "下一页从此开始（作为 after 传入）；最后一页为 null"}),
        params=[*FILTERS, query_param("after", STR, "翻页标记（上一页的 next）"),
                query_param("limit", INT, "每页条数，1到500，默认50")])},
    "/audit.xlsx": {"get": download_operation("导出操作日志（Excel，筛选条件同列表，至多20000条）", params=FILTERS)},
}
