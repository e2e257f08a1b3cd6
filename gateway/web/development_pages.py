"""发展党员 pages: a step keyed on the applicant's page (the forms come from the rule data: the
applicant's `next` steps), 回退 of the last one, an organization's 发展党员 page (steps due or
overdue in its subtree, the 工作督查 list, and a batch: one step for several applicants, such as
a training class or a 支部大会), and the probation outcome on a 预备党员's card."""
import asyncio
from datetime import date

from starlette.requests import Request

from services.member.contract import DEVELOPMENT_IMPORT_COLUMNS, STEP_FORMS

from ..api.common import call, path_id
from ..auth import require_session
from ..errors import HttpError
from .applicant_pages import _applicant_action, import_page
from .member_pages import _fields, _member_action
from .rendering import render, submit_form

# The steps a branch keys for several people at once (MANUALS: a training class, a 支部大会).
BATCH_STEPS = ("talk", "activist", "activist_filed", "assessment", "candidate", "candidate_filed", "training",
               "committee_review", "application_form", "branch_meeting", "higher_talk", "approval", "filed", "grouped",
               "oath")
PER_PERSON = ("yes",)  # each candidate is voted on separately (细则 第二十一条): the rest is the meeting's


def _step(request: Request) -> str:
    step = request.path_params["step"]
    if step not in STEP_FORMS:
        raise HttpError(404, "not_found", "该发展步骤不存在")
    return step


def step_body(form: dict, step: str, skip=()) -> dict:
    """A step's form as the API takes it: people chosen in `<name>.1`, `<name>.2`… (member ids),
    yes/no as true/false, empty fields left out."""
    body = {"step": step, "date": form.get("date", "")}
    if form.get("version"):
        body["version"] = form["version"]
    for field in STEP_FORMS[step]["fields"]:
        name = field["name"]
        if name in skip:
            continue
        if field["kind"] == "people":
            chosen = [form.get(f"{name}.{i}", "").strip() for i in range(1, field["count"] + 1)]
            people = [{"member_id": int(v)} if v.isdigit() else {"name": v} for v in chosen if v]
            if people:
                body[name] = people
        elif field["kind"] == "bool":
            if form.get(name) in ("true", "false"):
                body[name] = form[name] == "true"
        elif form.get(name, "").strip():
            body[name] = form[name].strip()
    return body


async def record_step(request: Request):
    step = _step(request)
    return await _applicant_action(request, "record_step", lambda form: step_body(form, step), f"step-{step}",
                                   f"已办理：{STEP_FORMS[step]['label']}")


async def undo_step(request: Request):
    return await _applicant_action(request, "undo_step",
                                   lambda form: {"reason": form.get("reason", ""), "version": form.get("version", "")},
                                   "step-undo", "已回退最后一个步骤")


async def decide_probation(request: Request):
    return await _member_action(request, "decide_probation", lambda form: _fields(
        form, "outcome", "meeting_on", "approved_on", optional=("months", "note", "version")), "probation", "已办理")


# --- an organization's 发展党员 page ----------------------------------------------------------------

def plan_year(value, today: date) -> int:
    """The year the page shows: the one asked for when it is a plan year, else this year."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 2000 <= int(text) <= today.year + 1 else today.year


async def _org_context(request: Request, session, org_id: int, step: str | None, year: int | None = None) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    year = year or plan_year(request.query_params.get("year"), date.today())
    root, due, supervision, plan, applicants = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "member", "development_due", org_id=org_id,
             page=request.query_params.get("page", "1"), size=20),
        call(request, session, "member", "development_supervision", org_id=org_id, limit=200),
        call(request, session, "member", "development_plan", org_id=org_id, year=year),
        call(request, session, "member", "list_applicants", org_id=org_id, size=200))
    candidates = applicants["items"] if step else None
    return dict(org=org, root=root, due=due, supervision=supervision, step=step, plan=plan,
                plan_people=applicants["items"],
                form=STEP_FORMS.get(step) if step else None, candidates=candidates, per_person=PER_PERSON,
                batch_steps=[(name, STEP_FORMS[name]["label"]) for name in BATCH_STEPS],
                today=date.today().isoformat())


async def development_page(request: Request):
    session = await require_session(request)
    step = request.query_params.get("step") or None
    if step is not None and step not in BATCH_STEPS:
        step = None
    return render(request, "development.html", session=session,
                  **await _org_context(request, session, path_id(request), step))


def batch_body(form: dict, step: str) -> dict:
    """The batch's common fields, and each chosen applicant (`pick.<id>`) with their own votes."""
    picked = sorted(int(key.split(".", 1)[1]) for key, value in form.items()
                    if key.startswith("pick.") and key[5:].isdigit() and value)
    items = [{"applicant_id": applicant_id,
              **{name: form[f"{name}.{applicant_id}"].strip() for name in PER_PERSON
                 if form.get(f"{name}.{applicant_id}", "").strip()}} for applicant_id in picked]
    return {**step_body(form, step, skip=PER_PERSON), "items": items}


async def record_batch(request: Request):
    org_id, step = path_id(request), _step(request)

    async def rerender(session, form, error):
        context = await _org_context(request, session, org_id, step)
        return render(request, "development.html", status=error.status, session=session, form_error=error,
                      open_form=f"step-{step}", form_values=form, **context)

    return await submit_form(
        request, lambda session, form: call(request, session, "member", "record_batch", org_id=org_id,
                                            data=batch_body(form, step)),
        rerender, lambda done: f"/orgs/{org_id}/development",
        f"已为选中的人员办理：{STEP_FORMS[step]['label']}")


# --- the annual development plan, and the import of development histories --------------------------

def plan_body(form: dict) -> dict:
    """The plan form as the service takes it: the numbers, the note, the named applicants
    (`named.<id>` checkboxes) and the version read."""
    named = sorted(int(key.split(".", 1)[1]) for key, value in form.items()
                   if key.startswith("named.") and key[6:].isdigit() and value)
    return {**{key: form.get(key, "") for key in ("members", "activists", "candidates", "note", "version")},
            "named": named}


async def save_plan(request: Request):
    org_id = path_id(request)
    year = request.path_params["year"]

    async def rerender(session, form, error):
        context = await _org_context(request, session, org_id, None, plan_year(year, date.today()))
        return render(request, "development.html", status=error.status, session=session, form_error=error,
                      open_form="plan", form_values=form, **context)

    return await submit_form(
        request, lambda session, form: call(request, session, "member", "save_development_plan", org_id=org_id,
                                            year=year, data=plan_body(form)),
        rerender, lambda saved: f"/orgs/{org_id}/development?year={saved['year']}#plan",
        f"已保存{year}年发展计划")


async def development_import_page(request: Request):
    return await import_page(request, "development", DEVELOPMENT_IMPORT_COLUMNS)
