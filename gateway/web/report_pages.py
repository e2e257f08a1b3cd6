"""The annual report page (党内统计年报): the tables in the official layout with a year and an
organization selector, 校核 results linking to the cells, 录改 and 报表说明 forms, history,
上报/接收/退回, 汇总 with the subordinates not yet submitted, charts; and the 比对 page."""
import asyncio
import json
from datetime import date
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.stats.contract import COVER_FIELDS, report_year

from ..api.common import call, path_id
from ..api.imports import read_upload, uploaded_file
from ..api.reports import whole_org_attachment
from ..auth import CSRF_FIELD, Session, require_session
from ..errors import HttpError, as_http_error
from ..excel.report import DIRECTIONS
from .charts import report_charts
from .rendering import render, submit_form

YEARS_SHOWN = 10


def _year(request: Request) -> str:
    return request.path_params["year"]


def _years(period_end: str | None = None, today: date | None = None) -> list[int]:
    """The report years to choose from, newest first: up to the one today belongs to by the report
    date (`period_end` of any report year: with 06-30, from July on that is next calendar year's)."""
    today = today or date.today()
    newest = today.year
    if period_end:
        end = date.fromisoformat(period_end)
        newest = report_year(today, (end.month, end.day))
    return list(range(newest, newest - YEARS_SHOWN, -1))


def _flagged(report: dict) -> dict:
    """anchor → the severity of the worst finding on that cell (for highlighting)."""
    order = {"note": 0, "warning": 1, "error": 2}
    flagged: dict = {}
    for failure in report["checks"]["failures"]:
        for cell in failure["cells"]:
            if order[failure["severity"]] >= order.get(flagged.get(cell["anchor"]), -1):
                flagged[cell["anchor"]] = failure["severity"]
    return flagged


def header_rows(columns: list) -> list[dict]:
    """The two header rows of a table: the upper one has a group spanning its columns, or a
    column without a group spanning both rows; the lower one has the grouped columns' labels."""
    upper, lower = [], []
    for column in columns:
        group = column.get("group")
        if group and upper and upper[-1].get("group") == group:
            upper[-1]["colspan"] += 1
        elif group:
            upper.append({"group": group, "label": group, "colspan": 1, "rowspan": 1})
        else:
            upper.append({"group": None, "label": column["label"], "colspan": 1, "rowspan": 2})
        if group:
            lower.append(column)
    return [upper, lower]


def _may_load_templates(session: Session, root: dict) -> bool:
    """The link to 报表模板 is for who may load 省表: the root's accounts with 统计报表 write (the
    service decides; this only hides a form that would be refused)."""
    return root.get("parent_id") is None and session.can("stats", "write")


async def _context(request: Request, session: Session, org_id: int, year: str) -> dict:
    report = await call(request, session, "stats", "get_report", org_id=org_id, year=year)  # first: 400/403/404
    org, root, children, history, whole_org = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=org_id),
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "org", "children", org_id=org_id),
        call(request, session, "stats", "report_history", org_id=org_id, year=year),
        whole_org_attachment(request, session, org_id, year))
    return dict(report=report, org=org, root=root, children=children, history=history["items"], whole_org=whole_org,
                directions=DIRECTIONS, may_load_templates=_may_load_templates(session, root),
                cover_fields=COVER_FIELDS, years=_years(report.get("period_end")), flagged=_flagged(report),
                charts=report_charts(report["tables"]),
                headers={t["key"]: header_rows(t["columns"]) for t in report["tables"]})


async def report_home(request: Request):
    """/orgs/{id}/reports?year=&org= (the selector's form) → that organization's report page."""
    await require_session(request)
    org_id = path_id(request)
    chosen = request.query_params.get("org", "").strip()
    if chosen:
        if not chosen.isdigit():
            raise HttpError(404, "not_found", "党组织不存在")
        org_id = int(chosen)
    year = request.query_params.get("year", "").strip() or str(date.today().year)
    return RedirectResponse(f"/orgs/{org_id}/reports/{year}", status_code=303)


async def report_page(request: Request):
    session = await require_session(request)
    context = await _context(request, session, path_id(request), _year(request))
    return render(request, "report.html", session=session, **context)


async def comparison_page(request: Request):
    session = await require_session(request)
    org_id, year = path_id(request), _year(request)
    comparison = await call(request, session, "stats", "report_comparison", org_id=org_id, year=year)
    org, root = await asyncio.gather(call(request, session, "org", "get_org", org_id=org_id),
                                     call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "report_comparison.html", session=session, comparison=comparison, org=org, root=root,
                  headers={t["key"]: header_rows(t["columns"]) for t in comparison["tables"]})


NAME_LIST_HINTS = {
    "suspended": "本组织及下级在报告年度内停止党籍的党员（已回退的不计）。表1「停止党籍」须附此名单。",
    "restored": "本组织及下级在报告年度内恢复党籍的党员（停止党籍、取消预备党员资格等后找回；已回退的不计）。"
                "表1「恢复党籍」须附此名单。",
    "returned": "本组织及下级在报告年度内死亡后又找回的党员（已回退的不计），即表1增加党员「其他」的名单。",
    "older_students": "报告年度年底时46岁及以上、职业为学生的党员：请逐一核实其职业信息。",
}


async def usage_page(request: Request):
    """报表使用情况 of the organization's subtree; the year selector's choice (?year=) moves to the
    path, the filters stay in the query."""
    session = await require_session(request)
    org_id, year = path_id(request), _year(request)
    chosen = request.query_params.get("year", "").strip()
    state, level = request.query_params.get("state", ""), request.query_params.get("level", "")
    if chosen and chosen != year:
        query = urlencode({key: value for key, value in (("state", state), ("level", level)) if value})
        return RedirectResponse(f"/orgs/{org_id}/reports/{quote(chosen)}/usage" + (f"?{query}" if query else ""),
                                status_code=303)
    usage = await call(request, session, "stats", "report_usage", org_id=org_id, year=year, state=state or None,
                       level=level or None)  # first: 400/403/404
    org, root = await asyncio.gather(call(request, session, "org", "get_org", org_id=org_id),
                                     call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "report_usage.html", session=session, usage=usage, org=org, root=root,
                  years=_years(usage.get("period_end")))


async def name_list_page(request: Request):
    session = await require_session(request)
    org_id, year, kind = path_id(request), _year(request), request.path_params["kind"]
    names = await call(request, session, "member", "report_name_list", org_id=org_id, year=year, kind=kind,
                       page=request.query_params.get("page", "1"), size="50")  # first: 400/403/404
    org, root = await asyncio.gather(call(request, session, "org", "get_org", org_id=org_id),
                                     call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "report_name_list.html", session=session, names=names, org=org, root=root,
                  hint=NAME_LIST_HINTS[names["kind"]])


def _report_action(method: str, form_name: str, arguments=lambda form: {}):
    """A form on the report page: on success back to the page (at the form's section)."""
    async def act(request: Request):
        org_id, year = path_id(request), _year(request)

        async def rerender(session, form, error):
            context = await _context(request, session, org_id, year)
            return render(request, "report.html", status=error.status, session=session, form_error=error,
                          open_form=form_name, form_values=form, **context)

        return await submit_form(
            request, lambda session, form: call(request, session, "stats", method, org_id=org_id, year=year,
                                                **arguments(form)),
            rerender, f"/orgs/{org_id}/reports/{year}")
    return act


def _correction(form: dict) -> dict:
    table, _, rest = form.get("cell", "").partition(":")
    row, _, column = rest.partition(":")
    return {"correction": {"table": table, "row": row, "column": column, "value": form.get("value", ""),
                           "reason": form.get("reason", "")}, "version": form.get("version") or None}


generate = _report_action("generate_report", "generate")
aggregate = _report_action("aggregate_report", "aggregate")
correct = _report_action("correct_report", "correct", _correction)
explain = _report_action("explain_report", "explain", lambda f: {"explanation": f.get("explanation", ""),
                                                                 "version": f.get("version") or None})
submit = _report_action("submit_report", "submit", lambda f: {"version": f.get("version") or None})
undo_correction = _report_action("undo_report_correction", "history", lambda f: {
    "correction_id": f.get("correction_id", ""), "version": f.get("version") or None})
cover = _report_action("fill_report_cover", "cover", lambda f: {"cover": {key: f.get(key, "") for key in COVER_FIELDS},
                                                                 "version": f.get("version") or None})
accept = _report_action("accept_report", "decide", lambda f: {"comment": f.get("comment", "")})
return_ = _report_action("return_report", "decide", lambda f: {"comment": f.get("comment", "")})


# --- 导入上年报表 (first-year carry-forward) ------------------------------------------------------

async def _carry_context(request: Request, session: Session, org_id: int, year: str) -> dict:
    report = await call(request, session, "stats", "get_report", org_id=org_id, year=year)  # first: 400/403/404
    org, root = await asyncio.gather(call(request, session, "org", "get_org", org_id=org_id),
                                     call(request, session, "org", "get_org", org_id=session.org_id))
    return dict(report=report, org=org, root=root)


async def carry_forward_page(request: Request):
    """The upload form of 导入上年报表."""
    session = await require_session(request)
    context = await _carry_context(request, session, path_id(request), _year(request))
    return render(request, "report_carry_forward.html", session=session, **context)


async def carry_forward_preview(request: Request):
    """The uploaded file read and checked (nothing written): what was read, errors, warnings; the
    figures as read ride in the 确认导入 form, so the file is not uploaded twice."""
    org_id, year = path_id(request), _year(request)
    content = await uploaded_file(request)  # the multipart form, read once (its CSRF field too)
    form = await request.form()
    session = await require_session(request, form_csrf=form.get(CSRF_FIELD))
    context = await _carry_context(request, session, org_id, year)
    try:
        sheets = await read_upload(content, "report")
        preview = await call(request, session, "stats", "import_last_year_report", org_id=org_id, year=year,
                             sheets=sheets, commit=False)
    except Exception as exc:  # noqa: BLE001 — a refused file is shown beside the form
        error = as_http_error(exc)
        if error.status >= 500 or error.status in (401, 403, 404):
            raise error from None
        return render(request, "report_carry_forward.html", status=error.status, session=session,
                      form_error=error, **context)
    packed = json.loads(bytes(sheets))["zlib_json"]
    return render(request, "report_carry_forward.html", session=session, preview=preview, packed=packed,
                  t1=next((t for t in preview["tables"] if t["key"] == "t1"), None), **context)


async def carry_forward_commit(request: Request):
    """确认导入: the previewed figures stored as last year's report (the service checks them again)."""
    org_id, year = path_id(request), _year(request)

    async def rerender(session, form, error):
        context = await _carry_context(request, session, org_id, year)
        return render(request, "report_carry_forward.html", status=error.status, session=session,
                      form_error=error, **context)

    return await submit_form(
        request, lambda session, form: call(request, session, "stats", "import_last_year_report", org_id=org_id,
                                            year=year, sheets={"zlib_json": form.get("sheets", "")}, commit=True),
        rerender, f"/orgs/{org_id}/reports/{year}",
        lambda result: f"已导入{result['imported_year']}年报表：本年上年底党员总数为{result['year_end_total']}")
