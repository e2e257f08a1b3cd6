"""数据迁移 (初始化, 系统工具; docs/MIGRATION.md): one page listing every kind of the official system's
exports that can be imported, with its template and its import page, and the kinds that cannot be
imported yet; the 党费交纳记录表's import page (import.html, static/import.js)."""
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.dues.contract import PAYMENT_IMPORT_COLUMNS
from services.member.contract import HISTORY_IMPORT_COLUMNS, INFO_REPORT_COLUMNS
from services.org.contract import SANCTION_IMPORT_COLUMNS
from services.shared.mobility_sheet import INFLOW_IMPORT_COLUMNS, OUTFLOW_IMPORT_COLUMNS
from services.shared.orglife_sheet import MEETING_FILE_COLUMNS, MEETING_IMPORT_COLUMNS
from services.shared.term_sheet import TERM_IMPORT_COLUMNS

from ..api.common import call, path_id
from ..api.migration import BY_KEY, KINDS, NOT_YET
from ..auth import require_session
from ..errors import HttpError
from .rendering import render

CODE_MAX = 50


async def migration_page(request: Request):
    session = await require_session(request)
    if not session.can("system"):
        raise HttpError(403, "forbidden", "数据迁移需要“系统工具”权限")
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    problem = {"missing": "没有这个党组织代码", "scope": "该党组织不在本账号管理范围内",
               "empty": "请填写党组织代码"}.get(request.query_params.get("problem", ""))
    kinds = [{"key": kind.key, "sheet": kind.sheet, "what": kind.what, "per_org": kind.per_org,
              "allowed": session.can(kind.module),
              "template": kind.template.replace("{org}", str(root["id"])),
              "page": kind.page.replace("{org}", str(root["id"]))} for kind in KINDS]
    return render(request, "migration.html", session=session, root=root, kinds=kinds, not_yet=NOT_YET,
                  problem=problem, problem_kind=request.query_params.get("kind"))


async def open_kind(request: Request):
    """The import page of a per-organization kind for the organization of the code typed."""
    session = await require_session(request)
    kind = BY_KEY.get(request.query_params.get("kind", ""))
    if kind is None:
        return RedirectResponse("/migration", status_code=303)
    code = request.query_params.get("code", "").strip()[:CODE_MAX]
    if not code:
        return RedirectResponse(f"/migration?{urlencode({'kind': kind.key, 'problem': 'empty'})}", status_code=303)
    found = (await call(request, session, "org", "orgs_by_code", codes=[code])).get(code)
    if found is None or not found["in_scope"]:
        problem = "missing" if found is None else "scope"
        return RedirectResponse(f"/migration?{urlencode({'kind': kind.key, 'problem': problem})}", status_code=303)
    return RedirectResponse(kind.page.replace("{org}", str(found["id"])), status_code=303)


def sheet_import_page(kind: str, columns, what: str):
    """The import page (import.html: template, upload, preview with every refused row's reason,
    commit, report) of one collection sheet, for an organization of the caller's scope."""
    async def page(request: Request):
        session = await require_session(request)
        org = await call(request, session, "org", "get_org", org_id=path_id(request))  # first: 404/403
        root = await call(request, session, "org", "get_org", org_id=session.org_id)
        return render(request, "import.html", session=session, root=root, org=org, kind=kind,
                      field_names={column.key: column.header for column in columns})
    page.__doc__ = what
    return page


payment_import_page = sheet_import_page("dues_payment", PAYMENT_IMPORT_COLUMNS, "党费交纳记录表")
history_import_page = sheet_import_page("history", HISTORY_IMPORT_COLUMNS, "党籍变动历史表 (members of the scope)")
sanction_import_page = sheet_import_page("sanction", SANCTION_IMPORT_COLUMNS,
                                         "组织奖惩采集表 (organizations of the scope)")
info_import_page = sheet_import_page("member_info", INFO_REPORT_COLUMNS, "党员信息集采集表 (members of the scope)")
outflow_import_page = sheet_import_page("outflow", OUTFLOW_IMPORT_COLUMNS, "流出党员采集表 (members of the scope)")
inflow_import_page = sheet_import_page("inflow", INFLOW_IMPORT_COLUMNS, "流入党员采集表 (organizations of the scope)")
term_import_page = sheet_import_page("term", TERM_IMPORT_COLUMNS, "换届采集表 (organizations)")
meeting_import_page = sheet_import_page("meeting", MEETING_IMPORT_COLUMNS, "组织生活采集表 (organizations)")
meeting_file_import_page = sheet_import_page("meeting_file", MEETING_FILE_COLUMNS,
                                             "组织生活附件清单 (meetings of the scope; the files sent by the browser)")
