"""转接原因代码表: the list of reasons (enabled or not, how often used), and for an account of the
root organization the forms to add a code, rename it, disable or enable it, and delete one no
transfer has used. Each form is one RPC to the transfer service, which checks who may edit."""
from starlette.requests import Request

from ..api.common import call
from ..auth import require_session
from ..errors import HttpError
from .rendering import render, submit_form

PAGE = "/transfer-reasons"
# The row form's action → (the RPC's data from the form, the flash).
ROW_ACTIONS = {
    "rename": (lambda form: {"name": form.get("name", ""), "version": form.get("version", "")}, "已更名"),
    "disable": (lambda form: {"enabled": False, "version": form.get("version", "")}, "已停用"),
    "enable": (lambda form: {"enabled": True, "version": form.get("version", "")}, "已启用"),
}


async def _page(request: Request, session, status: int = 200, **context):
    table = await call(request, session, "transfer", "reasons")
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    return render(request, "transfer_reasons.html", status=status, session=session, table=table, root=root,
                  **context)


async def reasons_page(request: Request):
    session = await require_session(request)
    return await _page(request, session)


async def _rerender(request: Request, open_form: str):
    async def rerender(session, form, error):
        return await _page(request, session, error.status, form_error=error, open_form=open_form, form_values=form)
    return rerender


async def add_reason(request: Request):
    return await submit_form(
        request, lambda session, form: call(request, session, "transfer", "add_reason",
                                            data={"code": form.get("code", ""), "name": form.get("name", "")},
                                            code_required=False),
        await _rerender(request, "reason-new"), PAGE, flash="已新增转接原因")


async def reason_action(request: Request):
    code, action = request.path_params["code"][:50], request.path_params["action"]
    if action == "delete":
        return await submit_form(
            request, lambda session, form: call(request, session, "transfer", "delete_reason", code=code,
                                                data={"version": form.get("version", "")}),
            await _rerender(request, f"reason-{code}"), PAGE, flash="已删除转接原因")
    if action not in ROW_ACTIONS:
        raise HttpError(404, "not_found", "页面不存在")
    data, flash = ROW_ACTIONS[action]
    return await submit_form(
        request, lambda session, form: call(request, session, "transfer", "change_reason", code=code, data=data(form)),
        await _rerender(request, f"reason-{code}"), PAGE, flash=flash)
