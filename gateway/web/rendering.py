"""What every page uses: the templates, bounded form reading, rendering with the session's
CSRF token, error pages, and the one way a form is submitted."""
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.templating import Jinja2Templates

from ..api.common import read_body
from ..auth import CSRF_FIELD, Session, require_session, session_from
from ..errors import HttpError, as_http_error

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
MAX_FORM_BYTES = 64 * 1024


async def form_of(request: Request) -> dict:
    body = await read_body(request, MAX_FORM_BYTES)
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise HttpError(400, "malformed", "表单编码有误") from None


def render(request: Request, name: str, status: int = 200, session: Session | None = None, **context):
    if session is not None:
        context.update(session=session, csrf=request.app.state.tokens.csrf_token(session.token))
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, error: HttpError):
    if error.status == 401:
        return RedirectResponse("/login", status_code=303)
    if error.code == "password_change_required":
        return RedirectResponse("/password", status_code=303)
    return render(request, "error.html", status=error.status, error=error, session=session_from(request))


async def submit_form(request: Request, perform, rerender, success_url: str):
    """The one way a page's form is handled: CSRF and session checked, `perform(session, form)`
    makes the RPC; a refusal (400/409) re-renders the page through `rerender(session, form,
    error)` with the message and what was typed; anything else is an error page."""
    form = await form_of(request)
    session = await require_session(request, form_csrf=form.get(CSRF_FIELD))
    try:
        result = await perform(session, form)
    except Exception as exc:  # noqa: BLE001 — shown beside the form, or as an error page
        error = as_http_error(exc)
        if error.status >= 500 or error.status in (401, 403, 404):
            raise error from None
        return await rerender(session, form, error)
    return RedirectResponse(success_url(result) if callable(success_url) else success_url, status_code=303)
