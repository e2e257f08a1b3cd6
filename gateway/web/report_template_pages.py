"""接收报表模板 page (docs/REPORT_TEMPLATES.md): the national set, every version of the province's
extra tables (省表), and — for an account whose scope is the root with 统计报表 write — the form
that loads a new version, with each problem of a refused document listed (table, column, what)."""
import asyncio
import json

from starlette.requests import Request

from ..api.common import call
from ..auth import require_session
from ..errors import HttpError
from .rendering import render, submit_form

PAGE = "/report-templates"


async def _context(request: Request, session) -> dict:
    templates, root = await asyncio.gather(
        call(request, session, "stats", "list_report_templates"),
        call(request, session, "org", "get_org", org_id=session.org_id))  # the layout's tree starts here
    return {"templates": templates, "root": root}


async def templates_page(request: Request):
    session = await require_session(request)
    return render(request, "report_templates.html", session=session, **await _context(request, session))


def _document(form: dict) -> dict:
    raw = form.get("document", "")
    if not raw.strip():
        raise HttpError(400, "validation", "请选择或粘贴省表模板文件（JSON）", {"模板": "必填"})
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as bad:
        where = f"第{bad.lineno}行第{bad.colno}列附近格式有误"
        raise HttpError(400, "validation", "模板文件不是有效的 JSON", {"模板": where}) from None
    if not isinstance(document, dict):
        raise HttpError(400, "validation", "模板文件应为一个 JSON 对象（name、tables）", {"模板": "应为 JSON 对象"})
    return document


async def load_template(request: Request):
    async def perform(session, form):
        return await call(request, session, "stats", "load_report_template", document=_document(form))

    async def rerender(session, form, error):
        return render(request, "report_templates.html", status=error.status, session=session, form_error=error,
                      open_form="load", form_values=form, **await _context(request, session))

    return await submit_form(request, perform, rerender, PAGE,
                             lambda loaded: f"已载入{loaded['name']}第{loaded['version']}版")
