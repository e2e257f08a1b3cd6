"""操作日志 (services/org/audit.py): the entries of one's subtree with filters, newest first, a page
at a time (keyset: `after`), and the same selection as Excel. Read only."""
import asyncio
from urllib.parse import urlencode

from starlette.requests import Request

from services.shared.audit import ENTITY_NAMES

from ..api.audit import FILTER_KEYS, filters_of
from ..api.common import call
from ..auth import request_id, require_session
from ..errors import as_http_error
from ..rpc import RemoteError
from .rendering import render

ENTITIES = [("", "全部"), *ENTITY_NAMES.items()]


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
