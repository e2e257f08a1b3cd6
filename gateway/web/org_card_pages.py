"""The organization card's forms (edit, 更名, 撤销, 恢复, 删除, 排序, 移动, 单位信息, 组织奖惩) on the
organization page, and its own pages: history, search, 校核 and the 党组织采集表 import; 批量修改 is
org_batch_pages.py."""

from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.org.contract import ORG_IMPORT_COLUMNS

from ..api.common import call, path_id
from ..auth import require_session
from ..errors import HttpError, as_http_error
from .org_pages import org_context
from .rendering import form_of, render, submit_form

ENTRY_KEYS = {"unit": ("name", "category", "party_setup", "industry", "credit_code"),
              "sanction": ("kind", "name", "approved_on", "approver", "level", "reason")}


def _fields(form: dict, *names: str) -> dict:
    return {name: form.get(name, "") for name in names if name in form}


async def _card_action(request: Request, method: str, kwargs, form_name: str, success=None, flash: str = "已保存"):
    """A form on the organization page: the RPC gets org_id and `kwargs(form)`; on success back
    to the card (or `success(result)`); a refusal re-renders the page with the form open."""
    org_id = path_id(request)

    async def rerender(session, form, error):
        context = await org_context(request, session, org_id)
        return render(request, "org.html", status=error.status, session=session, form_error=error,
                      open_form=form_name, form_values=form, **context)

    return await submit_form(request, lambda session, form: call(request, session, "org", method, org_id=org_id,
                                                                 **kwargs(form)),
                             rerender, success or f"/orgs/{org_id}", flash)


CARD_KEYS = ("version", "short_name", "code", "type", "affiliation", "established_on", "contact_person",
             "contact_phone", "address", "postcode")


async def edit_card(request: Request):
    """组织情况: only the items whose value changed are sent, so an untouched empty one stays empty."""
    return await _card_action(request, "update_org", lambda f: {"data": _fields(f, *CARD_KEYS)}, "card")


async def rename(request: Request):
    return await _card_action(request, "rename_org", lambda f: {"name": f.get("name", ""),
                                                                "version": f.get("version") or None}, "rename",
                              flash="已更名，原名称保留在变更历史中")


async def revoke(request: Request):
    return await _card_action(request, "revoke_org", lambda f: {"data": _fields(f, "version", "date", "reason")},
                              "revoke", flash="已撤销，该党组织转入历史党组织")


async def move(request: Request):
    """移动: the new parent is picked by its code (what staff know and type); the org service
    decides everything else (scope, cycles, history, version)."""
    async def arguments(session, form):
        code = (form.get("parent_code") or "").strip()
        found = (await call(request, session, "org", "orgs_by_code", codes=[code])).get(code) if code else None
        if found is None:
            message = "请填写新的上级党组织代码" if not code else f"没有代码为“{code}”的党组织"
            raise HttpError(400, "validation", message, {"parent_code": message})
        data = {**_fields(form, "date", "reason"), "parent_id": found["id"],
                "version": int(form["version"]) if (form.get("version") or "").isdigit() else form.get("version")}
        return await call(request, session, "org", "move_org", org_id=path_id(request), data=data)

    org_id = path_id(request)

    async def rerender(session, form, error):
        if "parent_id" in error.fields:  # the form names the parent by its code
            error.fields.setdefault("parent_code", error.fields.pop("parent_id"))
        context = await org_context(request, session, org_id)
        return render(request, "org.html", status=error.status, session=session, form_error=error,
                      open_form="move", form_values=form, **context)

    return await submit_form(request, arguments, rerender, f"/orgs/{org_id}", "已移动到新的上级党组织之下")


async def restore(request: Request):
    return await _card_action(request, "restore_org", lambda f: {"data": _fields(f, "version")}, "restore",
                              flash="已恢复为在用党组织")


async def delete(request: Request):
    org_id = path_id(request)
    parent = request.query_params.get("parent", "")
    after = f"/orgs/{parent}" if parent.isdigit() else "/"
    return await _card_action(request, "delete_org", lambda f: {"data": _fields(f, "version")}, "delete",
                              lambda result: after if result.get("deleted") else f"/orgs/{org_id}", "已删除")


async def sort(request: Request):
    """上移/下移 of a sub-organization, from its parent's page (htmx swaps the children list)."""
    child_id = path_id(request, "child")
    parent_id = path_id(request)
    form = await form_of(request)
    session = await require_session(request, form_csrf=form.get("csrf_token"))
    error = None
    try:
        await call(request, session, "org", "sort_org", org_id=child_id, data=_fields(form, "move", "position"))
    except Exception as exc:  # noqa: BLE001 — shown above the list
        error = as_http_error(exc)
        if error.status >= 500 or error.status in (401, 403, 404):
            raise error from None
    if request.headers.get("hx-request"):
        context = await org_context(request, session, parent_id)
        return render(request, "_org_children.html", session=session, sort_error=error, **context)
    return RedirectResponse(f"/orgs/{parent_id}", status_code=303)


def _entry_action(kind: str):
    async def add(request: Request):
        return await _card_action(request, "save_entry",
                                  lambda f: {"kind": kind, "data": _fields(f, "version", *ENTRY_KEYS[kind])}, kind)

    async def edit(request: Request):
        entry_id = path_id(request, "entry")
        return await _card_action(request, "save_entry",
                                  lambda f: {"kind": kind, "entry_id": entry_id,
                                             "data": _fields(f, "version", *ENTRY_KEYS[kind])}, f"{kind}-{entry_id}")

    async def remove(request: Request):
        entry_id = path_id(request, "entry")
        return await _card_action(request, "remove_entry",
                                  lambda f: {"kind": kind, "entry_id": entry_id, "data": _fields(f, "version")}, kind,
                                  flash="已删除")
    return add, edit, remove


add_unit, edit_unit, remove_unit = _entry_action("unit")
add_sanction, edit_sanction, remove_sanction = _entry_action("sanction")


# --- pages of their own ----------------------------------------------------------------------

async def page_context(request: Request, session, org_id: int) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    return {"org": org, "root": root}


async def history_page(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    context = await page_context(request, session, org_id)
    changes = await call(request, session, "org", "org_history", org_id=org_id,
                         page=request.query_params.get("page", "1"))
    return render(request, "org_history.html", session=session, changes=changes, **context)


async def search_page(request: Request):
    """党组织查询 below this organization: name or code, in use or (历史) revoked."""
    session = await require_session(request)
    org_id = path_id(request)
    context = await page_context(request, session, org_id)
    params = request.query_params
    history = params.get("history") == "1"
    results = await call(request, session, "org", "search_orgs", q=params.get("q", ""), history=history,
                         under=org_id, page=params.get("page", "1"))
    return render(request, "org_search.html", session=session, results=results, history=history, **context)


async def check_page(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    subtree = request.query_params.get("subtree", "1") == "1"
    context = await page_context(request, session, org_id)
    result = await call(request, session, "org", "check_orgs", org_id=org_id, subtree=subtree)
    return render(request, "org_check.html", session=session, result=result, subtree=subtree, **context)


async def import_page(request: Request):
    session = await require_session(request)
    context = await page_context(request, session, path_id(request))
    return render(request, "import.html", session=session, kind="org",
                  field_names={column.key: column.header for column in ORG_IMPORT_COLUMNS}, **context)
