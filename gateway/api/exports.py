"""Excel downloads: the member collection template, and the member roster of a subtree."""
import asyncio
import os
from urllib.parse import quote

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..auth import require_session
from ..errors import HttpError
from ..excel.roster import ORG_ROSTER_COLUMNS, ROSTER_COLUMNS, RosterWriter, parse_columns
from ..excel.template import member_template
from .common import call, path_id
from .spec import ID, op, query_param

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 2000


async def member_import_template(request: Request):
    await require_session(request)
    return Response(member_template(), media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote('党员采集表.xlsx')}"})


async def member_roster(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    try:
        columns = parse_columns(request.query_params.get("columns"))
    except ValueError as exc:
        raise HttpError(400, "validation", str(exc), {"columns": str(exc)}) from None
    org = await call(request, session, "org", "get_org", org_id=org_id)
    writer = RosterWriter(f"{org['name']} 党员名册", [ROSTER_COLUMNS[key] for key in columns])

    async def pages():
        async for page in keyset_pages(lambda after: call(request, session, "member", "roster_page", org_id=org_id,
                                                          after_id=after, limit=PAGE), "next_after_id"):
            yield page["items"]

    return await workbook_download(request, session, writer, pages(), f"{org['name']}-党员名册.xlsx")


async def keyset_pages(fetch, next_key: str, first=0):
    """Pages of a keyset-paged RPC: `fetch(after)` answers a page whose `next_key` is where the
    next one starts (None after the last)."""
    after = first
    while after is not None:
        page = await fetch(after)
        yield page
        after = page[next_key]


async def every_page(fetch, size: int = 200):
    """The items of every page of a paged list ({"total", "items"}), a page at a time;
    `fetch(page, size)` asks for one."""
    page, total = 1, None
    while total is None or (page - 1) * size < total:
        result = await fetch(page, size)
        total = result["total"]
        yield result["items"]
        page += 1


async def workbook_download(request: Request, session, writer: RosterWriter, pages, filename: str):
    """Write member pages (an async iterator of lists) into `writer` off the event loop, with
    organization names fetched once per organization, and send the file (deleted afterwards)."""
    names: dict = {}
    async for items in pages:
        if any(column.key == "org" for column in writer.columns):
            unknown = sorted({m["org_id"] for m in items} - {int(k) for k in names})
            if unknown:
                names.update(await call(request, session, "org", "org_names", org_ids=unknown))
        await asyncio.to_thread(writer.append, items, names)
    path = await asyncio.to_thread(writer.save)
    return FileResponse(path, media_type=XLSX, filename=filename, background=BackgroundTask(os.unlink, path))


async def org_roster(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    writer = RosterWriter(f"{org['name']} 党组织名册", ORG_ROSTER_COLUMNS, sheet_name="党组织名册")

    async def pages():
        after = ""
        while after is not None:
            page = await call(request, session, "org", "subtree_page", org_id=org_id, after_path=after, limit=PAGE)
            yield page["items"]
            after = page["next_after_path"]

    return await workbook_download(request, session, writer, pages(), f"{org['name']}-党组织名册.xlsx")


routes = [
    Route("/imports/members/template.xlsx", member_import_template),
    Route("/orgs/{id}/members.xlsx", member_roster),
    Route("/orgs/{id}/orgs.xlsx", org_roster),
]

_XLSX_OK = {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}


def download_operation(summary: str, params=()) -> dict:
    operation = op(summary, "Excel 文件", params=params)
    operation["responses"]["200"].update(_XLSX_OK)
    return operation


def pdf_operation(summary: str, params=()) -> dict:
    operation = op(summary, "PDF 文件", params=params)
    operation["responses"]["200"]["content"] = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    return operation


OPENAPI_PATHS = {
    "/orgs/{id}/orgs.xlsx": {"get": download_operation("导出本组织及下级的党组织名册（层级、名称、代码、类别、上级）",
                                                       params=[ID])},
    "/imports/members/template.xlsx": {"get": download_operation("下载党员采集表模板（中文表头、民族和党员类别下拉）")},
    "/orgs/{id}/members.xlsx": {"get": download_operation("导出本组织及下级的党员名册", params=[
        ID, query_param("columns", {"type": "string"},
                        "逗号分隔的列：" + "、".join(f"{c.key}（{c.header}）" for c in ROSTER_COLUMNS.values())
                        + "；缺省为全部")])},
}
