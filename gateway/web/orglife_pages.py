"""组织生活 pages: an organization's meetings of a year with the summary (held versus required per
kind, completion), the form to record a meeting (attendees picked from the roster: each member
present, or absent with a reason), and a meeting's page — its record, signing by host and
recorder, its history, and its attachments, uploaded by the browser straight to object storage
(static/attachments.js) with thumbnails for photos (docs/ORGLIFE.md)."""
import asyncio
from datetime import date, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.org.contract import MEETING_KINDS

from ..api.attachments import with_links
from ..api.common import call, path_id
from ..auth import require_session
from .charts import orglife_charts
from .rendering import render, submit_form

ROSTER_SHOWN = 500  # members offered as attendees (a branch; a larger subtree picks by the API)
TEXT_FIELDS = ("kind", "held_at", "place", "host", "recorder", "topic", "speaker", "lecture_title", "content",
               "decisions", "nonvoting")


async def home_redirect(request: Request):
    session = await require_session(request)
    return RedirectResponse(f"/orgs/{session.org_id}/org-life", status_code=303)


def _year(request: Request) -> str:
    value = request.query_params.get("year", "").strip()
    return value if value.isdigit() and len(value) == 4 else str(date.today().year)


async def orglife_page(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    year, kind = _year(request), request.query_params.get("kind", "").strip() or None
    root, summary, meetings = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "org", "orglife_summary", org_id=org_id, year=year),
        call(request, session, "org", "list_meetings", org_id=org_id, year=year, kind=kind,
             page=request.query_params.get("page", "1"), size=20))
    years = [str(y) for y in range(date.today().year, date.today().year - 6, -1)]
    return render(request, "orglife.html", session=session, org=org, root=root, summary=summary, meetings=meetings,
                  year=year, kind=kind or "", kinds=MEETING_KINDS.items(), years=years, charts=orglife_charts(summary))


async def _form_context(request: Request, session, org_id: int) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)
    root, roster, inflows = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "member", "roster_page", org_id=org_id, limit=ROSTER_SHOWN),
        call(request, session, "org", "meeting_inflows", org_id=org_id))
    now = datetime.now().strftime("%Y-%m-%dT%H:%M")
    return dict(org=org, root=root, roster=roster["items"], inflows=inflows["items"], kinds=MEETING_KINDS.items(),
                now=now)


async def new_meeting_page(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    context = await _form_context(request, session, org_id)
    return render(request, "meeting_new.html", session=session, form_values={}, **context)


def meeting_data(form: dict) -> dict:
    """The form as the org service takes it: each roster member ticked present, or absent with the
    reason typed beside them."""
    data = {key: form.get(key, "") for key in TEXT_FIELDS}
    members = [key.split(".", 1)[1] for key in form if key.startswith("member.")]
    data["attendees"] = [int(m) for m in members if m.isdigit() and form.get(f"attend.{m}") == "1"]
    data["absentees"] = [{"member_id": int(m), "reason": form.get(f"reason.{m}", "")}
                         for m in members if m.isdigit() and form.get(f"attend.{m}") != "1"]
    inflows = [key.split(".", 1)[1] for key in form if key.startswith("inflow.") and form[key] == "1"]
    data["inflows"] = [int(i) for i in inflows if i.isdigit()]
    return data


async def record_meeting(request: Request):
    org_id = path_id(request)

    async def rerender(session, form, error):
        context = await _form_context(request, session, org_id)
        return render(request, "meeting_new.html", status=error.status, session=session, form_error=error,
                      open_form="meeting", form_values=form, **context)

    return await submit_form(
        request, lambda session, form: call(request, session, "org", "record_meeting", org_id=org_id,
                                            data=meeting_data(form)),
        rerender, lambda created: f"/meetings/{created['id']}", flash="已记录组织生活")


async def _meeting_context(request: Request, session, meeting_id: int) -> dict:
    meeting = await call(request, session, "org", "get_meeting", meeting_id=meeting_id)  # first: 404/403
    root, attachments = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "media", "meeting_attachments", meeting_id=meeting_id))
    return dict(meeting=meeting, root=root, attachments=[with_links(a) for a in attachments["items"]])


async def meeting_page(request: Request):
    session = await require_session(request)
    return render(request, "meeting.html", session=session, **await _meeting_context(request, session,
                                                                                      path_id(request)))


async def sign_meeting(request: Request):
    meeting_id = path_id(request)

    async def rerender(session, form, error):
        return render(request, "meeting.html", status=error.status, session=session, form_error=error,
                      open_form="meeting-sign", **await _meeting_context(request, session, meeting_id))

    return await submit_form(
        request, lambda session, form: call(request, session, "org", "sign_meeting", meeting_id=meeting_id,
                                            data={"role": form.get("role"), "version": form.get("version")}),
        rerender, f"/meetings/{meeting_id}", flash="已签认")


def record_values(meeting: dict) -> dict:
    """A record as the form shows it (the edit form starts from it)."""
    values = {key: meeting.get(key) or "" for key in TEXT_FIELDS}
    values.update(kind=meeting["kind"], held_at=meeting["held_at"], nonvoting="、".join(meeting["nonvoting"]))
    values.update({f"attend.{a['member_id']}": "1" for a in meeting["attendees"]})
    values.update({f"reason.{a['member_id']}": a["reason"] for a in meeting["absentees"]})
    values.update({f"inflow.{i['inflow_id']}": "1" for i in meeting["inflows"]})
    return values


async def _edit_context(request: Request, session, meeting_id: int) -> dict:
    meeting = await call(request, session, "org", "get_meeting", meeting_id=meeting_id)  # first: 404/403
    root, roster, inflows = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "member", "roster_page", org_id=meeting["org_id"], limit=ROSTER_SHOWN),
        call(request, session, "org", "meeting_inflows", org_id=meeting["org_id"], on=meeting["held_at"][:10]))
    listed = {m["id"] for m in roster["items"]}
    # Those on the record stay offered even if they have left the rolls (or the inflow list) since.
    people = [{"id": p["member_id"], "name": p["name"]} for p in meeting["attendees"] + meeting["absentees"]
              if p["member_id"] not in listed]
    offered = {i["inflow_id"] for i in inflows["items"]}
    guests = [i for i in meeting["inflows"] if i["inflow_id"] not in offered]
    return dict(meeting=meeting, root=root, roster=people + roster["items"], inflows=guests + inflows["items"],
                kinds=MEETING_KINDS.items(), now=datetime.now().strftime("%Y-%m-%dT%H:%M"))


async def edit_meeting_page(request: Request):
    session = await require_session(request)
    context = await _edit_context(request, session, path_id(request))
    return render(request, "meeting_edit.html", session=session, form_values=record_values(context["meeting"]),
                  **context)


async def change_meeting(request: Request):
    meeting_id = path_id(request)

    async def rerender(session, form, error):
        return render(request, "meeting_edit.html", status=error.status, session=session, form_error=error,
                      open_form="meeting", form_values=form, **await _edit_context(request, session, meeting_id))

    return await submit_form(
        request, lambda session, form: call(request, session, "org", "change_meeting", meeting_id=meeting_id, data={
            **meeting_data(form), "version": form.get("version"), "reason": form.get("reason", "")}),
        rerender, f"/meetings/{meeting_id}", flash="已保存修改")


async def void_meeting(request: Request):
    meeting_id = path_id(request)

    async def rerender(session, form, error):
        return render(request, "meeting.html", status=error.status, session=session, form_error=error,
                      open_form="meeting-void", **await _meeting_context(request, session, meeting_id))

    return await submit_form(
        request, lambda session, form: call(request, session, "org", "void_meeting", meeting_id=meeting_id,
                                            data={"reason": form.get("reason", ""), "version": form.get("version")}),
        rerender, f"/meetings/{meeting_id}", flash="已作废")


# --- the yearly plan, attendance ----------------------------------------------------------------------

PLAN_BLANK_ROWS = 6


async def _plan_context(request: Request, session, org_id: int, year: str) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    root, plan = await asyncio.gather(call(request, session, "org", "get_org", org_id=session.org_id),
                                      call(request, session, "org", "orglife_plan", org_id=org_id, year=year))
    years = [str(y) for y in range(date.today().year + 1, date.today().year - 5, -1)]
    return dict(org=org, root=root, plan=plan, year=str(plan["year"]), years=years, kinds=MEETING_KINDS.items(),
                months=range(1, 13), blank_rows=PLAN_BLANK_ROWS)


async def plan_page(request: Request):
    session = await require_session(request)
    context = await _plan_context(request, session, path_id(request), _year(request))
    return render(request, "orglife_plan.html", session=session, **context)


def plan_items(form: dict) -> list[dict]:
    """The plan form's rows (kind.N, month.N, planned_on.N, topic.N); rows left without a kind are dropped."""
    rows = sorted({int(key.split(".", 1)[1]) for key in form if key.startswith("kind.") and key[5:].isdigit()})
    return [{"kind": form[f"kind.{n}"], "month": form.get(f"month.{n}", ""),
             "planned_on": form.get(f"planned_on.{n}", ""), "topic": form.get(f"topic.{n}", "")}
            for n in rows if form.get(f"kind.{n}", "").strip()]


async def save_plan(request: Request):
    org_id = path_id(request)

    async def rerender(session, form, error):
        context = await _plan_context(request, session, org_id, form.get("year", ""))
        context["plan"] = {**context["plan"], "items": plan_items(form), "template": []}  # what was typed
        return render(request, "orglife_plan.html", status=error.status, session=session, form_error=error,
                      open_form="plan", **context)

    async def perform(session, form):
        return await call(request, session, "org", "save_orglife_plan", org_id=org_id, data={
            "year": form.get("year"), "items": plan_items(form), "version": form.get("version") or None})

    return await submit_form(request, perform, rerender,
                             lambda saved: f"/orgs/{org_id}/org-life/plan?year={saved['year']}", flash="已保存计划")


async def attendance_page(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    kind = request.query_params.get("kind", "").strip() or None
    root, attendance = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "org", "org_attendance", org_id=org_id, year=_year(request), kind=kind))
    years = [str(y) for y in range(date.today().year, date.today().year - 6, -1)]
    return render(request, "orglife_attendance.html", session=session, org=org, root=root, attendance=attendance,
                  year=str(attendance["year"]), kind=kind or "", kinds=MEETING_KINDS.items(), years=years)


# --- 民主评议情况 -------------------------------------------------------------------------------------


async def _evaluation_context(request: Request, session, org_id: int, year: str) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    root, overview = await asyncio.gather(call(request, session, "org", "get_org", org_id=session.org_id),
                                          call(request, session, "org", "evaluation_overview", org_id=org_id,
                                               year=year))
    evaluation = None
    if overview["branch"]:
        evaluation = await call(request, session, "org", "get_evaluation", org_id=org_id, year=year)
    years = [str(y) for y in range(date.today().year, date.today().year - 6, -1)]
    return dict(org=org, root=root, overview=overview, evaluation=evaluation, year=str(overview["year"]),
                years=years, today=date.today().isoformat())


async def evaluation_page(request: Request):
    session = await require_session(request)
    context = await _evaluation_context(request, session, path_id(request), _year(request))
    record = (context["evaluation"] or {}).get("record") or {}
    return render(request, "orglife_evaluation.html", session=session, form_values=record, **context)


async def save_evaluation(request: Request):
    org_id = path_id(request)

    async def rerender(session, form, error):
        context = await _evaluation_context(request, session, org_id, form.get("year", ""))
        return render(request, "orglife_evaluation.html", status=error.status, session=session, form_error=error,
                      open_form="evaluation", form_values=form, **context)

    async def perform(session, form):
        return await call(request, session, "org", "save_evaluation", org_id=org_id, data={
            "year": form.get("year"), "started_on": form.get("started_on", ""), "ended_on": form.get("ended_on", ""),
            "note": form.get("note", ""), "version": form.get("version") or None})

    return await submit_form(request, perform, rerender,
                             lambda saved: f"/orgs/{org_id}/org-life/evaluation?year={saved['year']}",
                             flash="已保存民主评议情况")
