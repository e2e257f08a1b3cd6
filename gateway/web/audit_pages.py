"""操作日志 (services/org/audit.py): the entries of one's subtree with filters, newest first, a page
at a time (keyset: `after`), and the same selection as Excel. Read only."""
import asyncio
from urllib.parse import urlencode

from starlette.requests import Request

from ..api.audit import FILTER_KEYS, filters_of
from ..api.common import call
from ..auth import request_id, require_session
from ..errors import as_http_error
from ..rpc import RemoteError
from .rendering import render

ENTITIES = [("", "全部"), ("member", "党员"), ("org", "党组织"), ("account", "账号"), ("transfer", "组织关系转接"),
            ("outflow", "流出党员"), ("inflow", "流入党员"), ("dues_payment", "党费缴纳"), ("dues_base", "党费基数"),
            ("dues_exemption", "党费减免"), ("dues_settings", "党费设置"), ("dues_remittance", "党费上缴"),
            ("dues_large_remittance", "大额党费上缴"), ("dues_inflow_payment", "流入党员党费"), ("meeting", "组织生活"),
            ("term", "换届"), ("code_entry", "代码表"), ("settings", "系统设置")]


async def audit_page(request: Request):
    session = await require_session(request)
    filters = filters_of(request)
    after = request.query_params.get("after") or None
    error, result = None, {"items": [], "next": None}
    root_call = call(request, session, "org", "get_org", org_id=session.org_id)
    try:
        result, root = await asyncio.gather(
            call(request, session, "org", "audit_entries", filters=filters, after=after, limit=50), root_call)
    except RemoteError as exc:
        error = as_http_error(exc, request_id(request))
        if error.status not in (400, 404):
            raise error from None
        root = await call(request, session, "org", "get_org", org_id=session.org_id)
    query = urlencode(filters)
    more = f"/audit?{urlencode({**filters, 'after': result['next']})}" if result.get("next") else None
    return render(request, "audit.html", session=session, root=root, entries=result["items"], filters=filters,
                  error=error, more=more, export=f"/api/v1/audit.xlsx?{query}" if query else "/api/v1/audit.xlsx",
                  entities=ENTITIES, first_page=after is not None, keys=FILTER_KEYS)


__all__ = ["audit_page"]
