"""校核 pages of members (services/member/checks.py, domain/member_check.py): one member's card, or a
subtree's members batch by batch."""
import asyncio

from starlette.requests import Request

from ..api.common import call, path_id
from ..auth import require_session
from .rendering import render

CHECK_BATCH = 1000


async def member_check_page(request: Request):
    session = await require_session(request)
    member_id = path_id(request)
    member = await call(request, session, "member", "get_member", member_id=member_id)  # first: 404/403
    checked, root = await asyncio.gather(
        call(request, session, "member", "check_member", member_id=member_id),
        call(request, session, "org", "get_org", org_id=session.org_id))
    result = {"checked": 1, "items": [checked] if checked["problems"] else [], "next_after_id": None}
    return render(request, "member_check.html", session=session, root=root, member=member, org=None,
                  subject=member["name"], result=result)


async def check_subtree_page(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    result, root = await asyncio.gather(
        call(request, session, "member", "check_subtree", org_id=org_id,
             after_id=request.query_params.get("after_id", "0"), limit=CHECK_BATCH),
        call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "member_check.html", session=session, root=root, member=None, org=org, subject=org["name"],
                  result=result)
