"""The member card and its forms (edit, leave, 找回, 回退, the info sets' rows)."""
import asyncio
from datetime import date

from starlette.requests import Request

from services.member import contract as member_contract
from services.member.contract import INFO_SETS
from services.shared.codes import (
    CLERK_LEAVE_KINDS,
    EDUCATION,
    ETHNICITIES,
    LEAVE_KIND_GROUPS,
    MEMBER_CATEGORIES,
    OCCUPATIONS,
)

from ..api.common import call, call_if, path_id
from ..auth import Session, require_session
from ..errors import HttpError
from .rendering import render, submit_form


def _leave_kind_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The leave kinds a clerk records, by group (死亡, 出党, 停止党籍), for the form's option
    groups (组织关系转出 is recorded by a transfer only)."""
    groups: dict[str, list] = {}
    for code, name in CLERK_LEAVE_KINDS.items():
        groups.setdefault(LEAVE_KIND_GROUPS[code], []).append((code, name))
    return list(groups.items())


async def _member_context(request: Request, session: Session, member_id: int) -> dict:
    member = await call(request, session, "member", "get_member", member_id=member_id)  # first: 404/403
    photo, org, root, mobility, development, attendance, posts = await asyncio.gather(
        # Each part only for a role that may read its module (None: the page leaves it out).
        call_if(request, session, ("daily", "read"), "media", "member_photo", member_id=member_id),
        call(request, session, "org", "get_org", org_id=member["org_id"]),
        call(request, session, "org", "get_org", org_id=session.org_id),
        call_if(request, session, ("mobility", "read"), "transfer", "member_mobility", member_id=member_id),
        call_if(request, session, ("development", "read"), "member", "member_development",
                member_id=member_id),  # 发展纪实, 转正
        call_if(request, session, ("orglife", "read"), "org", "member_attendance", member_id=member_id,
                size=20),  # 组织生活 (org)
        call_if(request, session, ("terms", "read"), "org", "member_posts",
                member_id=member_id))  # 班子职务 (org: one source)
    last = next((c for c in member.get("status_changes", ()) if not c["undone"]), None)
    return dict(member=member, photo=photo, org=org, root=root, mobility=mobility, development=development,
                attendance=attendance, posts=posts["items"] if posts else [], ethnicities=ETHNICITIES.items(),
                undo_meaning=member_contract.UNDO_MEANING, restore_meaning=member_contract.RESTORE_MEANING,
                restore_hint=(member_contract.restore_hint(last, date.today(), session.username)
                              if member["actions"]["restore"] else None),
                restore_counts_as=member_contract.restore_counts_as,
                categories=MEMBER_CATEGORIES.items(), leave_kind_groups=_leave_kind_groups(),
                educations=EDUCATION.items(), occupations=OCCUPATIONS.items(), info_set_specs=INFO_SETS.values(),
                today=date.today().isoformat(), year=date.today().year)


async def member_page(request: Request):
    session = await require_session(request)
    return render(request, "member.html", session=session, **await _member_context(request, session,
                                                                                     path_id(request)))


async def member_history_page(request: Request):
    """变更历史: every change of the card, field by field, names not codes, who and when."""
    session = await require_session(request)
    member_id = path_id(request)
    member = await call(request, session, "member", "get_member", member_id=member_id)  # first: 404/403
    changes, org, root = await asyncio.gather(
        call(request, session, "member", "member_history", member_id=member_id,
             page=request.query_params.get("page", "1")),
        call(request, session, "org", "get_org", org_id=member["org_id"]),
        call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "member_history.html", session=session, member=member, org=org, root=root,
                  changes=changes)


async def _member_action(request: Request, method: str, data, form_name: str, flash: str = "已保存", **kwargs):
    """A form on the member card: on success back to the card. A refusal re-renders the card
    with the message; for htmx (which swaps only 2xx answers) with status 200."""
    member_id = path_id(request)

    async def rerender(session, form, error):
        context = await _member_context(request, session, member_id)
        status = 200 if request.headers.get("HX-Request") else error.status
        return render(request, "member.html", status=status, session=session, form_error=error,
                      open_form=form_name, form_values=form, **context)

    return await submit_form(
        request, lambda session, form: call(request, session, "member", method, member_id=member_id, data=data(form),
                                            **kwargs),
        rerender, f"/members/{member_id}", flash)


def _fields(form: dict, *names: str, optional=()) -> dict:
    """The named fields (empty when missing), and those of `optional` the form has."""
    return {name: form.get(name, "") for name in names} | {name: form[name] for name in optional if name in form}


BASIC_OPTIONAL = ("full_on", "former_name", "native_place", "education", "occupation", "branch_joined_on", "phone",
                  "address")


async def edit_member(request: Request):
    return await _member_action(request, "update_member", lambda f: _fields(
        f, "version", "name", "id_number", "ethnicity", "category", "joined_on", optional=BASIC_OPTIONAL), "edit")


def _info_set(request: Request) -> str:
    key = request.path_params["set"]
    if key not in INFO_SETS:
        raise HttpError(404, "not_found", "该信息集不存在")
    return key


def _row_fields(key: str):
    return lambda form: _fields(form, "version", *INFO_SETS[key].keys)


async def add_info_row(request: Request):
    key = _info_set(request)
    return await _member_action(request, "add_info_row", _row_fields(key), f"{key}-add", info_set=key)


async def update_info_row(request: Request):
    key, row_id = _info_set(request), path_id(request, "row_id")
    return await _member_action(request, "update_info_row", _row_fields(key), f"{key}-{row_id}", info_set=key,
                                row_id=row_id)


async def delete_info_row(request: Request):
    key, row_id = _info_set(request), path_id(request, "row_id")
    return await _member_action(request, "delete_info_row", lambda f: _fields(f, "version"), f"{key}-{row_id}",
                                "已删除", info_set=key, row_id=row_id)


async def leave_member(request: Request):
    return await _member_action(request, "leave_member", lambda f: _fields(f, "version", "kind", "date", "reason"),
                                "leave", "已办理，该党员转入历史党员")


async def restore_member(request: Request):
    return await _member_action(request, "restore_member", lambda f: _fields(f, "version", "date", "reason"),
                                "restore", "已找回，计入年报的党员增加")


async def undo_status_change(request: Request):
    return await _member_action(request, "undo_status_change", lambda f: _fields(f, "version"), "undo",
                                "已回退，年报中不留下这次变动的记录")
