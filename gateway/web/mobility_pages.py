"""流动党员 pages: an organization's lists (流出, 流入, 失联, 待确认流入) with counts, a name filter,
the Excel export, the 流入 confirmation of an outflow to it and the form for a member from
outside; the 流出登记 form (from the member card); the outflow's page with 返回, 失联, 取得联系
and 活动证 (print, 补发, the yearly 查验). Every irreversible action asks first (docs/MOBILITY.md)."""
import asyncio
from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.transfer.contract import DIRECTIONS, LOST_REASONS, OUTFLOW_REASONS

from ..api.common import call, path_id
from ..auth import require_session
from ..errors import HttpError
from .rendering import render, submit_form

TABS = {"out": "流出党员", "in": "流入党员", "lost": "失联党员", "pending": "待确认流入"}
ACTIONS = {  # the form's action → the transfer RPC, its flash, the fields it reads
    "return": ("return_outflow", "已办理返回", ("date", "report")),
    "lost": ("mark_lost", "已登记失联", ("since", "reason", "note")),
    "found": ("mark_found", "已登记取得联系", ("date",)),
    "certificate": ("reissue_certificate", "已发放活动证", ("reason",)),
    "check": ("check_certificate", "已登记活动证查验", ("year", "checked_on", "org_text", "note")),
}
OUTFLOW_FIELDS = ("from_date", "reason", "to_org_text", "expected_return", "phone")
EXTERNAL_FIELDS = ("name", "id_number", "home_org_text", "certificate_no")


def _digits(value) -> int | None:
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def outflow_data(form: dict) -> dict:
    """The 流出登记 form as the transfer service takes it (blanks left out)."""
    data = {key: form[key].strip() for key in OUTFLOW_FIELDS if form.get(key, "").strip()}
    data["destination"] = {"code": form.get("destination.code", "").strip() or None,
                           "text": form.get("destination.text", "").strip(),
                           "abroad": form.get("destination.abroad") == "1"}
    to_org_id = _digits(form.get("to_org_id"))
    if to_org_id:
        data["to_org_id"] = to_org_id
    data["certificate"] = form.get("certificate") == "1"
    return data


async def home_redirect(request: Request):
    session = await require_session(request)
    return RedirectResponse(f"/orgs/{session.org_id}/mobility", status_code=303)


async def _list_context(request: Request, session, org_id: int, tab: str) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    q = request.query_params.get("q", "").strip()[:50]
    filters = {"q": q} if q else {}
    root, counts, listing = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "transfer", "mobility_counts", org_id=org_id),
        call(request, session, "transfer", "mobility_list", org_id=org_id, direction=tab,
             page=request.query_params.get("page", "1"), filters=filters))
    return dict(org=org, root=root, counts=counts, listing=listing, tab=tab, tabs=TABS, q=q,
                today=date.today().isoformat())


def _tab(request: Request, default: str = "out") -> str:
    tab = request.query_params.get("tab", default)
    return tab if tab in DIRECTIONS else default


async def mobility_page(request: Request):
    session = await require_session(request)
    return render(request, "mobility.html", session=session,
                  **await _list_context(request, session, path_id(request), _tab(request)))


async def register_inflow(request: Request):
    """确认流入 (an outflow to this organization) or 流入登记 of a member from outside."""
    org_id = path_id(request)

    def data(form: dict) -> dict:
        body = {"from_date": form.get("from_date", "").strip()}
        outflow_id = _digits(form.get("outflow_id"))
        if outflow_id:
            body["outflow_id"] = outflow_id
        else:
            body["external"] = {key: form.get(f"external.{key}", "").strip() for key in EXTERNAL_FIELDS}
        return body

    async def rerender(session, form, error):
        tab = "pending" if form.get("outflow_id") else "in"
        context = await _list_context(request, session, org_id, tab)
        return render(request, "mobility.html", status=error.status, session=session, form_error=error,
                      open_form="inflow", form_values=form, **context)

    return await submit_form(request, lambda session, form: call(request, session, "transfer", "register_inflow",
                                                                 org_id=org_id, data=data(form)),
                             rerender, f"/orgs/{org_id}/mobility?tab=in", flash="已登记流入")


async def end_inflow(request: Request):
    inflow_id = path_id(request)
    org_id = _digits(request.query_params.get("org"))
    if not org_id:
        raise HttpError(404, "not_found", "页面不存在")

    async def rerender(session, form, error):
        context = await _list_context(request, session, org_id, "in")
        return render(request, "mobility.html", status=error.status, session=session, form_error=error, **context)

    return await submit_form(request, lambda session, form: call(
        request, session, "transfer", "end_inflow", inflow_id=inflow_id,
        data={"date": form.get("date", ""), "version": form.get("version", "")}),
        rerender, f"/orgs/{org_id}/mobility?tab=in", flash="已登记离开")


async def _inflow_context(request: Request, session, inflow_id: int) -> dict:
    inflow = await call(request, session, "transfer", "get_inflow", inflow_id=inflow_id)  # first: 404/403
    # The meetings attended there: the org service's records (its own inflow projection), composed
    # here from a second RPC (no service reads the other's schema); only those in the caller's scope.
    root, meetings = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "org", "inflow_meetings", inflow_id=inflow_id, size=100))
    return dict(inflow=inflow, root=root, inflow_meetings=meetings, today=date.today().isoformat())


async def inflow_page(request: Request):
    """A 流入 member at the inflow organization: 活动记录 and the dues paid there."""
    session = await require_session(request)
    return render(request, "inflow.html", session=session,
                  **await _inflow_context(request, session, path_id(request)))


async def record_activity(request: Request):
    inflow_id = path_id(request)

    async def rerender(session, form, error):
        context = await _inflow_context(request, session, inflow_id)
        return render(request, "inflow.html", status=error.status, session=session, form_error=error,
                      open_form="inflow-activity", form_values=form, **context)

    return await submit_form(request, lambda session, form: call(
        request, session, "transfer", "record_activity", inflow_id=inflow_id,
        data={"date": form.get("date", ""), "what": form.get("what", ""), "version": form.get("version", "")}),
        rerender, f"/inflows/{inflow_id}", flash="已登记活动记录")


async def _new_form(request: Request, session, member_id: int, values: dict, status: int = 200, error=None):
    member = await call(request, session, "member", "get_member", member_id=member_id)  # first: 404/403
    org, root = await asyncio.gather(call(request, session, "org", "get_org", org_id=member["org_id"]),
                                     call(request, session, "org", "get_org", org_id=session.org_id))
    target = None
    to_org_id = _digits(values.get("to_org_id"))
    if to_org_id:
        target = {"id": to_org_id, "name": values.get(f"to_org_name_{to_org_id}", "")}
    return render(request, "outflow_new.html", status=status, session=session, member=member, org=org, root=root,
                  v=values, target=target, reasons=OUTFLOW_REASONS.items(), today=date.today().isoformat(),
                  form_error=error, open_form="outflow")


async def new_outflow_page(request: Request):
    session = await require_session(request)
    return await _new_form(request, session, path_id(request), {"phone": "", "certificate": "1"})


async def register_outflow(request: Request):
    member_id = path_id(request)

    async def rerender(session, form, error):
        return await _new_form(request, session, member_id, form, error.status, error)

    return await submit_form(request, lambda session, form: call(request, session, "transfer", "register_outflow",
                                                                 member_id=member_id, data=outflow_data(form)),
                             rerender, lambda created: f"/outflows/{created['id']}", flash="已登记流出")


async def _outflow_context(request: Request, session, outflow_id: int) -> dict:
    outflow = await call(request, session, "transfer", "get_outflow", outflow_id=outflow_id)  # first: 404/403
    inflow_ids = [p["id"] for p in outflow.get("participation") or []]
    root, *found = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        *(_attended(request, session, inflow_id) for inflow_id in inflow_ids))
    today = date.today()
    return dict(outflow=outflow, root=root, lost_reasons=LOST_REASONS.items(), today=today.isoformat(),
                this_year=today.year, attended=dict(zip(inflow_ids, found)))


async def _attended(request: Request, session, inflow_id: int):
    """The meetings attended at one inflow organization, for the 返回 report (the org service keeps
    them); None when it cannot answer now — the report shows the rest."""
    try:
        return await call(request, session, "org", "inflow_meetings", inflow_id=inflow_id, size=100)
    except HttpError:
        return None


async def outflow_page(request: Request):
    session = await require_session(request)
    return render(request, "outflow.html", session=session,
                  **await _outflow_context(request, session, path_id(request)))


async def outflow_action(request: Request):
    outflow_id = path_id(request)
    action = request.path_params.get("action")
    if action not in ACTIONS:
        raise HttpError(404, "not_found", "页面不存在")
    method, flash, fields = ACTIONS[action]

    def data(form: dict) -> dict:
        return {**{key: form[key] for key in fields if form.get(key, "").strip()}, "version": form.get("version", "")}

    async def rerender(session, form, error):
        context = await _outflow_context(request, session, outflow_id)
        return render(request, "outflow.html", status=error.status, session=session, form_error=error,
                      open_form=f"outflow-{action}", form_values=form, **context)

    return await submit_form(request, lambda session, form: call(request, session, "transfer", method,
                                                                 outflow_id=outflow_id, data=data(form)),
                             rerender, f"/outflows/{outflow_id}", flash=flash)
