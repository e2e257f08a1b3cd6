"""入党申请人 pages: an organization's list (search, stage, sort, paging, export, import, add;
the deleted ones for 找回) and an applicant's page (edit, 删除 with confirmation, 找回)."""
import asyncio
from datetime import date
from urllib.parse import urlencode

from starlette.requests import Request

from services.member.contract import APPLICANT_IMPORT_COLUMNS, STAGE_NAMES
from services.shared.codes import EDUCATION, ETHNICITIES, OCCUPATIONS

from ..api.applicants import list_params
from ..api.common import call, path_id
from ..auth import Session, require_session
from .rendering import render, submit_form

SORTS = {"name": "姓名", "-applied_on": "申请日期（新的在前）", "applied_on": "申请日期（早的在前）",
         "birth_date": "出生日期（年长的在前）", "-birth_date": "出生日期（年轻的在前）", "-name": "姓名（倒序）"}
FIELDS = ("name", "id_number", "ethnicity", "applied_on", "education", "occupation")
CODES = dict(ethnicities=ETHNICITIES.items(), educations=EDUCATION.items(), occupations=OCCUPATIONS.items(),
             stages=STAGE_NAMES, sorts=SORTS)


async def _list_context(request: Request, session: Session, org_id: int) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    filters = list_params(request)
    root, applicants = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "member", "list_applicants", org_id=org_id,
             page=request.query_params.get("page", "1"), size=20, **filters))
    query = {key: value for key, value in (("q", filters["q"]), ("stage", filters["stage"]),
                                           ("sort", filters["sort"] if filters["sort"] != "name" else None),
                                           ("deleted", "1" if filters["deleted"] else None)) if value}
    return dict(org=org, root=root, applicants=applicants, filters=filters, query=urlencode(query),
                today=date.today().isoformat(), **CODES)


async def applicants_page(request: Request):
    session = await require_session(request)
    return render(request, "applicants.html", session=session,
                  **await _list_context(request, session, path_id(request)))


async def create_applicant(request: Request):
    org_id = path_id(request)

    async def rerender(session, form, error):
        context = await _list_context(request, session, org_id)
        return render(request, "applicants.html", status=error.status, session=session, form_error=error,
                      open_form="applicant", form_values=form, **context)

    return await submit_form(
        request, lambda session, form: call(request, session, "member", "create_applicant",
                                            data={"org_id": org_id, **{key: form.get(key, "") for key in FIELDS}}),
        rerender, lambda created: f"/applicants/{created['id']}", "已新增入党申请人")


async def _applicant_context(request: Request, session: Session, applicant_id: int) -> dict:
    applicant = await call(request, session, "member", "get_applicant", applicant_id=applicant_id)  # first: 404/403
    org, root, development = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=applicant["org_id"]),
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "member", "get_development", applicant_id=applicant_id))
    people = []  # the branch's members to choose 培养联系人 and 入党介绍人 from
    if any(field["kind"] == "people" for step in development["next"] for field in step["fields"]):
        people = (await call(request, session, "member", "list_members", org_id=applicant["org_id"], size=200))["items"]
    return dict(applicant=applicant, org=org, root=root, development=development, people=people,
                today=date.today().isoformat(), **CODES)


async def applicant_page(request: Request):
    session = await require_session(request)
    return render(request, "applicant.html", session=session,
                  **await _applicant_context(request, session, path_id(request)))


async def _applicant_action(request: Request, method: str, data, form_name: str, flash: str, **kwargs):
    applicant_id = path_id(request)

    async def rerender(session, form, error):
        context = await _applicant_context(request, session, applicant_id)
        return render(request, "applicant.html", status=error.status, session=session, form_error=error,
                      open_form=form_name, form_values=form, **context)

    return await submit_form(
        request, lambda session, form: call(request, session, "member", method, applicant_id=applicant_id,
                                            data=data(form), **kwargs),
        rerender, f"/applicants/{applicant_id}", flash)


async def edit_applicant(request: Request):
    return await _applicant_action(request, "update_applicant",
                                   lambda f: {key: f.get(key, "") for key in ("version", *FIELDS)},
                                   "applicant-edit", "已保存")


async def delete_applicant(request: Request):
    return await _applicant_action(request, "delete_applicant",
                                   lambda f: {"version": f.get("version", ""), "reason": f.get("reason", "")},
                                   "applicant-delete", "已删除；可在“已删除”中找回")


async def restore_applicant(request: Request):
    return await _applicant_action(request, "restore_applicant", lambda f: {"version": f.get("version", "")},
                                   "applicant-restore", "已找回")


async def import_page(request: Request, kind: str, columns):
    """The import page of a collection sheet (import.html: upload, preview, commit) for `kind`."""
    session = await require_session(request)
    org = await call(request, session, "org", "get_org", org_id=path_id(request))
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    return render(request, "import.html", session=session, root=root, org=org, kind=kind,
                  field_names={column.key: column.header for column in columns})


async def applicant_import_page(request: Request):
    return await import_page(request, "applicant", APPLICANT_IMPORT_COLUMNS)
