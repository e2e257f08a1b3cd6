"""What every page uses: the templates, bounded form reading, rendering with the session's
CSRF token, error pages, and the one way a form is submitted."""
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.templating import Jinja2Templates

from ..api.common import read_body
from ..auth import CSRF_FIELD, Session, clear_session_cookie, dead_session_cookie, require_session, session_from
from ..errors import HttpError, as_http_error
from .field_labels import NO_ERRORS, form_errors

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
MAX_FORM_BYTES = 64 * 1024
# Post/Redirect/Get: a saved form answers 303 to a page, which shows what was done once (this
# cookie, read and cleared by the next page rendered), so F5 there never submits it again.
FLASH_COOKIE = "pmis_flash"


async def form_of(request: Request) -> dict:
    body = await read_body(request, MAX_FORM_BYTES)
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise HttpError(400, "malformed", "表单编码有误") from None


def render(request: Request, name: str, status: int = 200, session: Session | None = None, **context):
    """A page; a refused form's fields come as `form_errors` with their Chinese labels."""
    error = context.get("form_error")
    context.setdefault("form_errors", form_errors(context.get("open_form"), getattr(error, "fields", None))
                       if error is not None else NO_ERRORS)
    if session is not None:
        context.update(session=session, csrf=request.app.state.tokens.csrf_token(session.token))
    flash = request.cookies.get(FLASH_COOKIE)
    if flash and request.method == "GET" and not name.startswith("_"):
        context.setdefault("flash", unquote(flash)[:200])
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if "flash" in context:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect_with_flash(url: str, message: str) -> RedirectResponse:
    """303 to `url`, whose page then says `message` once."""
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(FLASH_COOKIE, quote(message), max_age=120, path="/", httponly=True, samesite="lax")
    return response


def error_page(request: Request, error: HttpError):
    if error.status == 401:
        if not dead_session_cookie(request):
            return RedirectResponse("/login", status_code=303)
        response = redirect_with_flash("/login", "登录已失效，请重新登录")
        clear_session_cookie(response, request)  # or every later page would ask about it again
        return response
    if error.code == "password_change_required":
        return RedirectResponse("/password", status_code=303)
    return render(request, "error.html", status=error.status, error=error, session=session_from(request))


async def submit_form(request: Request, perform, rerender, success_url: str, flash: str = "已保存"):
    """The one way a page's form is handled: CSRF and session checked, `perform(session, form)`
    makes the RPC; success is a 303 to `success_url` (Post/Redirect/Get) whose page says
    `flash` once (a string, or made from the result); a refusal (400/409) re-renders the page
    through `rerender(session, form, error)` with the message and what was typed; anything else
    is an error page."""
    form = await form_of(request)
    session = await require_session(request, form_csrf=form.get(CSRF_FIELD))
    try:
        result = await perform(session, form)
    except Exception as exc:  # noqa: BLE001 — shown beside the form, or as an error page
        error = as_http_error(exc)
        if error.status >= 500 or error.status in (401, 403, 404):
            raise error from None
        return await rerender(session, form, error)
    return redirect_with_flash(success_url(result) if callable(success_url) else success_url,
                               flash(result) if callable(flash) else flash)
