"""Server-rendered pages (Jinja2; htmx for the tree). Same RPCs as the API, HTML instead of JSON."""
import asyncio
import secrets
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from services.shared.codes import ETHNICITIES, LEAVE_KIND_GROUPS, LEAVE_KINDS, MEMBER_CATEGORIES, ORG_TYPES

from ..api.common import call, children_with_counts, history_flag, path_id, read_body
from ..auth import COOKIE, CSRF_FIELD, SESSION_HOURS, Session, require_session, session_from
from ..errors import HttpError, as_http_error
from ..rpc import RemoteError

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
LOGIN_CSRF_COOKIE = "pmis_login_csrf"
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


def set_session_cookie(response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")


# --- login, logout, password -------------------------------------------------------------

async def login_page(request: Request, message: str = "", status: int = 200, username: str = ""):
    token = secrets.token_urlsafe(16)
    response = render(request, "login.html", status=status, login_csrf=token, message=message, username=username)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


async def login(request: Request):
    if request.method == "GET":
        return await login_page(request)
    form = await form_of(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not secrets.compare_digest(cookie, form.get(CSRF_FIELD, "")):
        return await login_page(request, "页面已过期，请重新登录", 403)
    try:
        view = await call(request, None, "org", "authenticate", username=form.get("username", ""),
                          password=form.get("password", ""))
    except Exception as exc:  # noqa: BLE001 — shown as the form's message
        error = as_http_error(exc)
        return await login_page(request, error.message, error.status, form.get("username", ""))
    response = RedirectResponse("/password" if view["must_change_password"] else "/", status_code=303)
    set_session_cookie(response, request, request.app.state.tokens.issue(view))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


async def logout(request: Request):
    form = await form_of(request)
    await require_session(request, allow_password_change_pending=True, form_csrf=form.get(CSRF_FIELD))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def password(request: Request):
    if request.method == "GET":
        session = await require_session(request, allow_password_change_pending=True)
        return render(request, "password.html", session=session)
    form = await form_of(request)
    session = await require_session(request, allow_password_change_pending=True, form_csrf=form.get(CSRF_FIELD))
    try:
        view = await call(request, session, "org", "change_password", account_id=session.account_id,
                          old_password=form.get("old_password", ""), new_password=form.get("new_password", ""))
    except Exception as exc:  # noqa: BLE001
        error = as_http_error(exc)
        return render(request, "password.html", status=error.status, session=session, error=error)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, request, request.app.state.tokens.issue(view))
    return response


# --- organizations and members -------------------------------------------------------------

async def home(request: Request):
    """The account's own organization, with its reminders (not its sub-organizations')."""
    session = await require_session(request)
    root, reminders = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "member", "reminders", org_id=session.org_id))
    return render(request, "home.html", session=session, root=root, org=root, reminders=reminders)


async def _org_context(request: Request, session: Session, org_id: int) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403 before the rest
    page = request.query_params.get("page", "1")
    history = history_flag(request)
    children, stats, members, root = await asyncio.gather(
        children_with_counts(request, session, org_id),
        call(request, session, "stats", "subtree_stats", org_id=org_id),
        call(request, session, "member", "list_members", org_id=org_id, page=page, size=20, history=history),
        call(request, session, "org", "get_org", org_id=session.org_id),
    )
    return dict(org=org, children=children, stats=stats["members"], members=members, root=root, history=history,
                org_types=ORG_TYPES.items(), ethnicities=ETHNICITIES.items(),
                categories=MEMBER_CATEGORIES.items(), sexes={"1": "男", "2": "女"})


async def org_page(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    return render(request, "org.html", session=session, **await _org_context(request, session, org_id))


async def tree_children(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    children = await children_with_counts(request, session, org_id)
    return render(request, "_tree_children.html", session=session, children=children)


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


async def _form_action(request: Request, org_id: int, service: str, method: str, data, form_name: str,
                       success_url):
    """A form on the organization page."""

    async def rerender(session, form, error):
        context = await _org_context(request, session, org_id)
        return render(request, "org.html", status=error.status, session=session, form_error=error,
                      open_form=form_name, form_values=form, **context)

    return await submit_form(request, lambda session, form: call(request, session, service, method, data=data(form)),
                             rerender, success_url)


async def create_child_org(request: Request):
    org_id = path_id(request)
    return await _form_action(
        request, org_id, "org", "create_org",
        lambda f: {"name": f.get("name", ""), "code": f.get("code", ""), "type": f.get("type", ""),
                   "parent_id": org_id},
        "org", lambda created: f"/orgs/{created['id']}")


async def create_member(request: Request):
    org_id = path_id(request)
    return await _form_action(
        request, org_id, "member", "create_member",
        lambda f: {"org_id": org_id, "name": f.get("name", ""), "id_number": f.get("id_number", ""),
                   "ethnicity": f.get("ethnicity", ""), "category": f.get("category", ""),
                   "joined_on": f.get("joined_on", "")},
        "member", lambda created: f"/members/{created['id']}")


async def search_page(request: Request):
    session = await require_session(request)
    q = request.query_params.get("q", "")
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    results, error = None, None
    if q.strip():
        try:
            results = await call(request, session, "member", "quick_search", q=q,
                                 page=request.query_params.get("page", "1"), size=20)
        except RemoteError as exc:
            error = as_http_error(exc)
    return render(request, "search.html", session=session, root=root, q=q, results=results, error=error)


async def import_page(request: Request):
    session = await require_session(request)
    org = await call(request, session, "org", "get_org", org_id=path_id(request))
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    return render(request, "import.html", session=session, root=root, org=org)


async def supervision_page(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    root, overdue = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "member", "overdue_probation", org_id=org_id,
             page=request.query_params.get("page", "1"), size=50))
    return render(request, "supervision.html", session=session, root=root, org=org, overdue=overdue)


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


routes = [
    Route("/", home),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/password", password, methods=["GET", "POST"]),
    Route("/orgs/{id}", org_page),
    Route("/orgs/{id}/tree", tree_children),
    Route("/orgs/{id}/children", create_child_org, methods=["POST"]),
    Route("/orgs/{id}/members", create_member, methods=["POST"]),
    Route("/orgs/{id}/supervision", supervision_page),
    Route("/orgs/{id}/import", import_page),
    Route("/search", search_page),
    Route("/members/{id}", member_page),
    Route("/members/{id}/edit", edit_member, methods=["POST"]),
    Route("/members/{id}/leave", leave_member, methods=["POST"]),
    Route("/members/{id}/restore", restore_member, methods=["POST"]),
    Route("/members/{id}/status/undo", undo_status_change, methods=["POST"]),
]
