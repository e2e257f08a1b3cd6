"""换届选举 pages: an organization's 班子届次 — the current term with its committee, 届中调整 (补选,
指派, 离任), the higher level's 批复 and 延期换届, the 换届 form (election figures, each candidate's
votes and post picked from the roster), the history, and for an organization with sub-organizations
the list of those due or overdue (docs/TERMS.md)."""
import asyncio
from datetime import date

from starlette.requests import Request

from services.org.contract import MIDTERM_HOWS, POSTS, TERM_METHODS

from ..api.common import call, path_id
from ..auth import require_session
from .rendering import render, submit_form

ROSTER_SHOWN = 500  # members offered as candidates (a branch; a larger organization uses the API)
DUE_SHOWN = 20


async def _context(request: Request, session, org_id: int) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    root, terms, roster = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "org", "org_terms", org_id=org_id),
        call(request, session, "member", "roster_page", org_id=org_id, limit=ROSTER_SHOWN))
    due = unelected = None
    if org["can_have_children"]:
        due, unelected = await asyncio.gather(
            call(request, session, "org", "terms_due", org_id=org_id, page=1, size=DUE_SHOWN),
            call(request, session, "org", "terms_due", org_id=org_id, kind="none", page=1, size=DUE_SHOWN))
    return dict(org=org, root=root, terms=terms, current=terms["current"], roster=roster["items"], due=due,
                unelected=unelected, posts=POSTS.items(), methods=TERM_METHODS.items(), hows=MIDTERM_HOWS.items(),
                today=date.today().isoformat(), higher=session.org_id != org_id)


async def terms_page(request: Request):
    session = await require_session(request)
    return render(request, "terms.html", session=session, form_values={},
                  **await _context(request, session, path_id(request)))


def _number(value: str):
    value = (value or "").strip()
    return int(value) if value.isdigit() else (value or None)


def term_data(form: dict) -> dict:
    """The 换届 form as the org service takes it: with figures, the roster rows given votes are the
    candidates (their post taken if elected); without (上级指派, or a past term whose figures are
    lost), the rows given a post are the members."""
    rows = [key.split(".", 1)[1] for key in form if key.startswith("row.") and key[4:].isdigit()]
    data = {key: form.get(key, "") for key in ("elected_on", "method", "approved_on", "approval_no")}
    data["term_years"] = _number(form.get("term_years"))
    data["record_failed"] = form.get("record_failed") == "1"
    figures = {key: _number(form.get(key)) for key in ("entitled", "present", "seats")}
    if any(value is not None for value in figures.values()):
        data["election"] = {**figures, "candidates": [
            {"member_id": int(m), "votes": _number(form.get(f"votes.{m}")), "post": form.get(f"post.{m}") or None}
            for m in rows if (form.get(f"votes.{m}") or "").strip()]}
    else:
        data["members"] = [{"member_id": int(m), "post": form[f"post.{m}"]} for m in rows if form.get(f"post.{m}")]
    return data


async def open_term(request: Request):
    org_id = path_id(request)

    async def rerender(session, form, error):
        return render(request, "terms.html", status=error.status, session=session, form_error=error,
                      open_form="term", form_values=form, **await _context(request, session, org_id))

    return await submit_form(
        request, lambda session, form: call(request, session, "org", "open_term", org_id=org_id,
                                            data=term_data(form)),
        rerender, f"/orgs/{org_id}/terms",
        flash=lambda result: "已记录未成功的选举（未换届）" if result.get("failed") else "已换届")


async def _on_term(request: Request, method: str, data, form_name, flash: str, **ids):
    """A form on one term (届中调整, 离任, 批复): the page's organization travels in the form for the
    way back (the RPC checks the scope of the term itself)."""
    term_id = path_id(request)
    holder: dict = {}

    async def rerender(session, form, error):
        return render(request, "terms.html", status=error.status, session=session, form_error=error,
                      open_form=form_name, form_values=form,
                      **await _context(request, session, _org_of(form)))

    async def perform(session, form):
        holder["org"] = _org_of(form)
        return await call(request, session, "org", method, term_id=term_id, **ids, data=data(form))

    return await submit_form(request, perform, rerender, lambda _: f"/orgs/{holder['org']}/terms", flash)


def _org_of(form: dict) -> int:
    value = (form.get("org_id") or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else 0


async def add_member(request: Request):
    return await _on_term(request, "add_committee_member",
                          lambda f: {k: f.get(k, "") for k in ("member_id", "post", "since", "how")},
                          "committee-add", "已调整班子成员")


async def leave_member(request: Request):
    row_id = path_id(request, "row_id")
    return await _on_term(request, "leave_committee_member", lambda f: {"date": f.get("date", ""),
                                                                        "reason": f.get("reason", "")},
                          f"committee-leave-{row_id}", "已离任", row_id=row_id)


def correction_data(form: dict) -> dict:
    """更正届次: the fields changed from what the form showed (blank or unchanged: left alone)."""
    data = {"reason": form.get("reason", ""), "version": _number(form.get("version"))}
    for key in ("elected_on", "term_years", "approved_on", "approval_no"):
        value = (form.get(key) or "").strip()
        if value and value != (form.get(f"was.{key}") or "").strip():
            data[key] = _number(value) if key == "term_years" else value
    return data


async def correct(request: Request):
    return await _on_term(request, "correct_term", correction_data, "term-correction", "已更正届次信息")


async def approve(request: Request):
    return await _on_term(request, "approve_term",
                          lambda f: {k: f.get(k, "") for k in ("approved_on", "approval_no", "postponed_to")},
                          "term-approval", "已录入批复")
