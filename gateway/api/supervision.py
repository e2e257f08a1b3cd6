"""Reminders for the account's own organization, and work supervision (工作督查) lists."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from ..excel.roster import PROBATION_ENDS, ROSTER_COLUMNS, RosterWriter
from .common import call, path_id
from .exports import download_operation, workbook_download
from .spec import ID, INT, obj, op, query_param

OVERDUE_COLUMNS = [ROSTER_COLUMNS[key] for key in ("name", "sex", "id_number", "joined_on")] + [
    PROBATION_ENDS, ROSTER_COLUMNS["org"]]


async def reminders(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "reminders", org_id=session.org_id))


async def overdue_probation(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "overdue_probation", org_id=path_id(request),
                                   page=request.query_params.get("page", "1"),
                                   size=request.query_params.get("size", "50")))


async def overdue_probation_xlsx(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    writer = RosterWriter(f"{org['name']} 预备期已满未处理的预备党员", OVERDUE_COLUMNS, sheet_name="预备期超期")

    async def pages():
        page, total = 1, None
        while total is None or (page - 1) * 200 < total:
            result = await call(request, session, "member", "overdue_probation", org_id=org_id, page=page, size=200)
            total = result["total"]
            yield result["items"]
            page += 1

    return await workbook_download(request, session, writer, pages(), f"{org['name']}-预备期超期.xlsx")


routes = [
    Route("/reminders", reminders),
    Route("/orgs/{id}/supervision/overdue-probation", overdue_probation),
    Route("/orgs/{id}/supervision/overdue-probation.xlsx", overdue_probation_xlsx),
]

PAGED = obj(["total", "page", "size", "items"], total=INT, page=INT, size=INT, items={"type": "array"})

OPENAPI_PATHS = {
    "/reminders": {"get": op("本账号所在党组织的提醒：本月过生日的党员、30天内预备期满的预备党员", "提醒",
                             obj(["birthdays", "probation_ending"], birthdays={"type": "array"},
                                 probation_ending={"type": "array"}))},
    "/orgs/{id}/supervision/overdue-probation": {"get": op(
        "工作督查：预备期已满一年仍未转正、延长或取消的预备党员（含下级）", "列表", PAGED,
        params=[ID, query_param("page", INT), query_param("size", INT)])},
    "/orgs/{id}/supervision/overdue-probation.xlsx": {"get": download_operation(
        "导出预备期超期的预备党员（Excel）", params=[ID])},
}
