"""The member card and its forms (edit, leave, 找回, 回退)."""
import asyncio
from datetime import date

from starlette.requests import Request

from services.shared.codes import ETHNICITIES, LEAVE_KIND_GROUPS, LEAVE_KINDS, MEMBER_CATEGORIES

from ..api.common import call, path_id
from ..auth import Session, require_session
from .rendering import render, submit_form


def _leave_kind_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The leave kinds by group (死亡, 出党, 停止党籍), for the form's option groups."""
    groups: dict[str, list] = {}
    for code, name in LEAVE_KINDS.items():
        groups.setdefault(LEAVE_KIND_GROUPS[code], []).append((code, name))
    return list(groups.items())


async def _member_context(request: Request, session: Session, member_id: int) -> dict:
    member = await call(request, session, "member", "get_member", member_id=member_id)  # first: 404/403
    photo, org, root = await asyncio.gather(
        call(request, session, "media", "member_photo", member_id=member_id),
        call(request, session, "org", "get_org", org_id=member["org_id"]),
        call(request, session, "org", "get_org", org_id=session.org_id))
    return dict(member=member, photo=photo, org=org, root=root, ethnicities=ETHNICITIES.items(),
                categories=MEMBER_CATEGORIES.items(), leave_kind_groups=_leave_kind_groups(),
                today=date.today().isoformat())


async def member_page(request: Request):
    session = await require_session(request)
    return render(request, "member.html", session=session, **await _member_context(request, session,
                                                                                     path_id(request)))


async def _member_action(request: Request, method: str, data, form_name: str):
    """A form on the member card: on success back to the card."""
    member_id = path_id(request)

    async def rerender(session, form, error):
        context = await _member_context(request, session, member_id)
        return render(request, "member.html", status=error.status, session=session, form_error=error,
                      open_form=form_name, form_values=form, **context)

    return await submit_form(
        request, lambda session, form: call(request, session, "member", method, member_id=member_id, data=data(form)),
        rerender, f"/members/{member_id}")


def _fields(form: dict, *names: str) -> dict:
    return {name: form.get(name, "") for name in names}


async def edit_member(request: Request):
    return await _member_action(request, "update_member", lambda f: _fields(
        f, "version", "name", "id_number", "ethnicity", "category", "joined_on"), "edit")


async def leave_member(request: Request):
    return await _member_action(request, "leave_member", lambda f: _fields(f, "version", "kind", "date", "reason"),
                                "leave")


async def restore_member(request: Request):
    return await _member_action(request, "restore_member", lambda f: _fields(f, "version", "date", "reason"),
                                "restore")


async def undo_status_change(request: Request):
    return await _member_action(request, "undo_status_change", lambda f: _fields(f, "version"), "undo")
