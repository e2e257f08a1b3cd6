"""校核: the problems of one member's card, or of a subtree's members (JSON page by page, or all
of them to Excel), each with the link to the member card."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from ..excel.roster import ROSTER_COLUMNS, RosterColumn, RosterWriter
from .common import call, path_id
from .exports import download_operation, keyset_pages, workbook_download
from .spec import ID, INT, STR, obj, op, query_param

CHECK_COLUMNS = [ROSTER_COLUMNS["name"], ROSTER_COLUMNS["id_number"], ROSTER_COLUMNS["org"],
                 RosterColumn("field_name", "问题项", 12), RosterColumn("message", "问题", 50),
                 RosterColumn("link", "党员信息卡", 40)]
EXPORT_PAGE = 2000


async def check_member(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "check_member", member_id=path_id(request)))


async def check_subtree(request: Request):
    session = await require_session(request)
    params = request.query_params
    return JSONResponse(await call(request, session, "member", "check_subtree", org_id=path_id(request),
                                   after_id=params.get("after_id", "0"), limit=params.get("limit", "500")))


def problem_rows(items: list[dict], base_url: str) -> list[dict]:
    """One row per problem, with the member's card as an absolute link."""
    return [{**{k: item[k] for k in ("name", "id_number", "org_id")}, "field_name": problem["field_name"],
             "message": problem["message"], "link": base_url.rstrip("/") + item["url"]}
            for item in items for problem in item["problems"]]


async def check_subtree_xlsx(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    writer = RosterWriter(f"{org['name']} 党员信息校核结果", CHECK_COLUMNS, sheet_name="校核结果")
    base_url = str(request.base_url)

    async def pages():
        async for page in keyset_pages(lambda after: call(request, session, "member", "check_subtree", org_id=org_id,
                                                          after_id=after, limit=EXPORT_PAGE), "next_after_id"):
            yield problem_rows(page["items"], base_url)

    return await workbook_download(request, session, writer, pages(), f"{org['name']}-党员信息校核.xlsx")


routes = [
    Route("/members/{id}/check", check_member),
    Route("/orgs/{id}/member-check", check_subtree),
    Route("/orgs/{id}/member-check.xlsx", check_subtree_xlsx),
]

PROBLEM = obj(["field", "kind", "message"], field=STR, field_name=STR, message=STR,
              kind={"type": "string", "enum": ["missing", "inconsistent"],
                    "description": "missing 缺少必填项；inconsistent 信息不一致"})
CHECKED = obj(["member_id", "name", "url", "problems"], member_id=INT, name=STR, id_number=STR, org_id=INT,
              url={"type": "string", "description": "党员信息卡页面"}, problems={"type": "array", "items": PROBLEM})

OPENAPI_PATHS = {
    "/members/{id}/check": {"get": op("校核一名党员的信息：缺少的必填项和不一致的信息", "校核结果", CHECKED,
                                      params=[ID])},
    "/orgs/{id}/member-check": {"get": op(
        "校核本组织及下级的在册党员（按编号分批）：只列出有问题的党员", "一批校核结果",
        obj(["checked", "items", "next_after_id"], checked=INT, items={"type": "array", "items": CHECKED},
            next_after_id={"type": ["integer", "null"], "description": "下一批从此编号之后开始；null 为已校核完"}),
        params=[ID, query_param("after_id", INT, "从此党员编号之后开始"),
                query_param("limit", INT, "本批校核的党员数，1到2000，默认500")])},
    "/orgs/{id}/member-check.xlsx": {
        "get": download_operation("导出本组织及下级党员信息的校核结果（Excel）", params=[ID])},
}
