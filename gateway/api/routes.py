"""The JSON API, /api/v1. Each route: authenticate, read input, one or two RPCs, shape output."""
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..auth import require_session
from ..errors import HttpError
from .common import call, check_types, children_with_counts, path_id, read_json
from .openapi import openapi_document


async def login(request: Request):
    data = await read_json(request)
    check_types(data, {"username": str, "password": str})
    view = await call(request, None, "org", "authenticate", username=data.get("username"),
                      password=data.get("password"))
    token = request.app.state.tokens.issue(view)
    return JSONResponse({"token": token, "must_change_password": view["must_change_password"],
                         "org_id": view["org_id"]})


async def change_password(request: Request):
    session = await require_session(request, allow_password_change_pending=True)
    data = await read_json(request)
    check_types(data, {"old_password": str, "new_password": str})
    await call(request, session, "org", "change_password", account_id=session.account_id,
               old_password=data.get("old_password"), new_password=data.get("new_password"))
    return Response(status_code=204)


async def create_account(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"username": str, "password": str, "org_id": int})
    account = await call(request, session, "org", "create_account", username=data.get("username"),
                         password=data.get("password"), org_id=data.get("org_id"))
    return JSONResponse(account, status_code=201)


async def create_org(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"name": str, "code": str, "type": (str, int), "parent_id": int})
    created = await call(request, session, "org", "create_org", data=data)
    return JSONResponse(created, status_code=201)


async def get_org(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "org", "get_org", org_id=path_id(request)))


async def org_children(request: Request):
    session = await require_session(request)
    return JSONResponse({"items": await children_with_counts(request, session, path_id(request))})


async def org_members(request: Request):
    session = await require_session(request)
    page = request.query_params.get("page", "1")
    size = request.query_params.get("size", "50")
    return JSONResponse(await call(request, session, "member", "list_members", org_id=path_id(request),
                                   page=page, size=size))


async def org_stats(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "stats", "subtree_stats", org_id=path_id(request)))


async def org_reconcile(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "stats", "reconcile", org_id=path_id(request)))


async def create_member(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"org_id": int, "name": str, "id_number": str, "ethnicity": (str, int),
                          "category": (str, int), "joined_on": str})
    created = await call(request, session, "member", "create_member", data=data)
    return JSONResponse(created, status_code=201)


async def get_member(request: Request):
    session = await require_session(request)
    member_id = path_id(request)
    member = await call(request, session, "member", "get_member", member_id=member_id)
    photo = await call(request, session, "media", "member_photo", member_id=member_id)
    if photo:
        base = f"/api/v1/media/photos/{photo['photo_id']}"
        photo.update(photo_url=f"{base}/photo", thumb_url=f"{base}/thumb")
    member["photo"] = photo
    return JSONResponse(member)


async def begin_upload(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, {"member_id": int, "content_type": str, "size": int})
    upload = await call(request, session, "media", "begin_upload", member_id=data.get("member_id"),
                        content_type=data.get("content_type"), size=data.get("size"))
    return JSONResponse(upload, status_code=201)


async def complete_upload(request: Request):
    session = await require_session(request)
    upload_id = request.path_params["upload_id"]
    return JSONResponse(await call(request, session, "media", "complete_upload", upload_id=upload_id))


async def photo_download(request: Request):
    session = await require_session(request)
    variant = request.path_params["variant"]
    if variant not in ("photo", "thumb"):
        raise HttpError(404, "not_found", "资源不存在")
    url = await call(request, session, "media", "download_url", photo_id=request.path_params["photo_id"],
                     variant=variant)
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "private, max-age=60"})


async def openapi(request: Request):
    return JSONResponse(openapi_document())


routes = [
    Route("/openapi.json", openapi),
    Route("/session", login, methods=["POST"]),
    Route("/session/password", change_password, methods=["POST"]),
    Route("/accounts", create_account, methods=["POST"]),
    Route("/orgs", create_org, methods=["POST"]),
    Route("/orgs/{id}", get_org),
    Route("/orgs/{id}/children", org_children),
    Route("/orgs/{id}/members", org_members),
    Route("/orgs/{id}/stats", org_stats),
    Route("/orgs/{id}/stats/reconcile", org_reconcile, methods=["POST"]),
    Route("/members", create_member, methods=["POST"]),
    Route("/members/{id}", get_member),
    Route("/media/uploads", begin_upload, methods=["POST"]),
    Route("/media/uploads/{upload_id}/complete", complete_upload, methods=["POST"]),
    Route("/media/photos/{photo_id}/{variant}", photo_download),
]
