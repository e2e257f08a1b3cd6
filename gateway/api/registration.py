"""党员登记表: one member's registration form as an .xlsx fit to one A4 page, with the photo
fetched from object storage through the media service's download link (scope checked there)."""
import asyncio
import logging
from urllib.parse import quote

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import require_session
from ..excel.registration import registration_workbook
from .common import call, path_id
from .exports import XLSX, download_operation
from .spec import ID

log = logging.getLogger(__name__)
PHOTO_MAX_BYTES = 5 * 1024 * 1024


async def member_photo_bytes(request: Request, session, member_id: int) -> bytes | None:
    """The member's verified photo, or None (no photo, or storage unreachable: the form is
    still worth having, with an empty photo box)."""
    photo = await call(request, session, "media", "member_photo", member_id=member_id)
    if not photo:
        return None
    url = await call(request, session, "media", "download_url", photo_id=photo["photo_id"], variant="photo")
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(url)
    except httpx.HTTPError as exc:
        log.warning("registration form without photo %s: %s", photo["photo_id"], exc)
        return None
    if response.status_code != 200 or len(response.content) > PHOTO_MAX_BYTES:
        log.warning("registration form without photo %s: HTTP %s", photo["photo_id"], response.status_code)
        return None
    return response.content


async def registration_xlsx(request: Request):
    session = await require_session(request)
    member_id = path_id(request)
    card = await call(request, session, "member", "get_member", member_id=member_id)  # first: 404/403
    org, photo = await asyncio.gather(call(request, session, "org", "get_org", org_id=card["org_id"]),
                                      member_photo_bytes(request, session, member_id))
    content = await asyncio.to_thread(registration_workbook, card, org["name"], photo)
    disposition = f"attachment; filename*=utf-8''{quote(card['name'] + '-党员登记表.xlsx')}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


routes = [Route("/members/{id}/registration.xlsx", registration_xlsx)]

OPENAPI_PATHS = {"/members/{id}/registration.xlsx": {"get": download_operation(
    "导出党员登记表（Excel，A4 一页打印：基本信息含照片、各信息集、党籍）", params=[ID])}}
