"""系统设置 (services/org/settings.py, docs/SETTINGS.md): an organization's settings in force, where
each value comes from, a form to set them for the organization's subtree (系统工具 维护; read-only
otherwise), their history; and the organization's 党费设置 (the dues service's own) shown and saved
from the same page."""
import asyncio
from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.shared.settings import SETTINGS

from ..api.common import call, path_id
from ..auth import require_session
from .rendering import render, submit_form


async def home_redirect(request: Request):
    session = await require_session(request)
    return RedirectResponse(f"/orgs/{session.org_id}/settings", status_code=303)


async def settings_page(request: Request, session=None, org_id=None, error=None, status: int = 200,
                        open_form=None, form_values=None):
    session = session or await require_session(request)
    org_id = org_id or path_id(request)
    current = await call(request, session, "org", "org_settings", org_id=org_id)  # first: 404/403
    calls = {"org": call(request, session, "org", "get_org", org_id=org_id),
             "root": call(request, session, "org", "get_org", org_id=session.org_id),
             "history": call(request, session, "org", "settings_history", org_id=org_id,
                             page=request.query_params.get("page", "1"), size=50)}
    if session.can("dues"):
        calls["dues"] = call(request, session, "dues", "settings", org_id=org_id)
    found = dict(zip(calls, await asyncio.gather(*calls.values())))
    return render(request, "settings.html", status=status, session=session, current=current,
                  org=found["org"], root=found["root"], history=found["history"], dues=found.get("dues"),
                  can_write=session.can("system", "write"), can_dues=session.can("dues", "write"),
                  form_error=error, open_form=open_form, form_values=form_values or {}, this_year=date.today().year)


async def save_settings(request: Request):
    """Every setting of the form: a value sets it here, an empty box unsets it here (恢复继承);
    the service writes only what changed."""
    org_id = path_id(request)

    async def perform(session, form):
        data = {key: (form.get(key) or "").strip() or None for key in SETTINGS if key in form}
        return await call(request, session, "org", "set_org_settings", org_id=org_id, data=data)

    async def rerender(session, form, error):
        return await settings_page(request, session, org_id, error, error.status, "settings", form)

    return await submit_form(request, perform, rerender, f"/orgs/{org_id}/settings", "已保存系统设置")


async def save_dues_settings(request: Request):
    org_id = path_id(request)

    async def perform(session, form):
        return await call(request, session, "dues", "set_settings", org_id=org_id, data={
            "registration_start": form.get("registration_start", ""), "quarterly": form.get("quarterly") == "1",
            "version": form.get("version", "")})

    async def rerender(session, form, error):
        return await settings_page(request, session, org_id, error, error.status, "dues-settings", form)

    return await submit_form(request, perform, rerender, f"/orgs/{org_id}/settings", "已保存党费设置")


__all__ = ["home_redirect", "save_dues_settings", "save_settings", "settings_page"]
