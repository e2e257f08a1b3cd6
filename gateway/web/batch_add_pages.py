"""批量添加 pages (services/member/batch_add.py, domain/batch_add.py): one work post or 民主评议 grade to
many members of a subtree — the form, its preview, the save and the undo of a whole batch."""
import asyncio
import re
from datetime import date
from urllib.parse import parse_qsl

from starlette.requests import Request

from services.member.contract import BATCH_SETS, INFO_SETS

from ..api.common import call, path_id, read_body
from ..auth import CSRF_FIELD, require_session
from ..errors import HttpError, as_http_error
from .rendering import MAX_FORM_BYTES, redirect_with_flash, render

BATCH_MEMBERS_SHOWN = 500


def _batch_set(key) -> str:
    return key if key in BATCH_SETS else "evaluations"


async def _batch_form(request: Request) -> tuple:
    """(session, form, chosen ids as text): a form with one `member_id` per ticked box, and
    perhaps ids typed in `member_ids_text`."""
    body = await read_body(request, MAX_FORM_BYTES)
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise HttpError(400, "malformed", "表单编码有误") from None
    form = dict(pairs)
    session = await require_session(request, form_csrf=form.get(CSRF_FIELD))
    typed = form.get("member_ids_text", "").replace("，", ",").replace(",", " ").split()
    chosen = [value for key, value in pairs if key == "member_id"] + typed
    return session, form, list(dict.fromkeys(chosen))


def _batch_request(form: dict, chosen: list[str]) -> dict:
    spec = INFO_SETS[_batch_set(form.get("info_set"))]
    ids = [int(value) if value.isascii() and value.isdigit() else value for value in chosen]
    return {"info_set": spec.key, "values": {f.key: form.get(f.key, "") for f in spec.fields}, "member_ids": ids}


async def _render_batch(request: Request, session, org_id: int, key: str, status: int = 200, **context):
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    root, members = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "member", "roster_page", org_id=org_id, limit=BATCH_MEMBERS_SHOWN))
    members["more"] = members["next_after_id"] is not None
    context = {"stage": "form", "values": {}, "chosen": [], "error": None, "result": None, **context}
    return render(request, "batch_add.html", status=status, session=session, org=org, root=root, members=members,
                  spec=INFO_SETS[key], batch_sets=[(k, INFO_SETS[k].label) for k in BATCH_SETS],
                  today=date.today().isoformat(), year=date.today().year, **context)


async def batch_add_page(request: Request):
    """The form; after a saved batch (`done`: its id) the way to undo it."""
    session = await require_session(request)
    done = request.query_params.get("done", "")
    if _UUID.fullmatch(done):
        return await _render_batch(request, session, path_id(request), _batch_set(request.query_params.get("set")),
                                   stage="done", result={"id": done})
    return await _render_batch(request, session, path_id(request), _batch_set(request.query_params.get("set")))


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REFUSED_NAMED = 5


def _done_message(result: dict, label: str) -> str:
    """What a saved batch add did, for the page it redirects to: counts, and the first few
    members not added with why."""
    message = f"已为 {len(result['accepted'])} 名党员添加{label}"
    refused = result["refused"]
    if refused:
        named = "；".join(f"{r.get('name') or '编号 ' + str(r['member_id'])}（{r['reason']}）"
                         for r in refused[:REFUSED_NAMED])
        message += f"，{len(refused)} 名未添加：{named}{'等' if len(refused) > REFUSED_NAMED else ''}"
    return message + "。"


async def _batch_step(request: Request, method: str, stage: str | None):
    """Preview (`stage` "preview": a page) or save (None: Post/Redirect/Get to the batch page)."""
    org_id = path_id(request)
    session, form, chosen = await _batch_form(request)
    data = _batch_request(form, chosen)
    try:
        result = await call(request, session, "member", method, org_id=org_id, data=data)
    except Exception as exc:  # noqa: BLE001 — a refusal is shown on the form; the rest is an error page
        error = as_http_error(exc)
        if error.status >= 500 or error.status in (401, 403, 404):
            raise error from None
        return await _render_batch(request, session, org_id, data["info_set"], status=error.status, error=error,
                                   values=form, chosen=chosen)
    if stage is None:
        done = f"&done={result['id']}" if result.get("id") else ""
        return redirect_with_flash(f"/orgs/{org_id}/member-batch?set={data['info_set']}{done}",
                                   _done_message(result, INFO_SETS[data["info_set"]].label))
    return await _render_batch(request, session, org_id, data["info_set"], stage=stage, result=result)


async def preview_batch_add(request: Request):
    return await _batch_step(request, "preview_batch_add", "preview")


async def commit_batch_add(request: Request):
    return await _batch_step(request, "commit_batch_add", None)


async def undo_batch_add(request: Request):
    session, form, _ = await _batch_form(request)
    org_id = int(form["org_id"]) if form.get("org_id", "").isdigit() else session.org_id
    key = _batch_set(form.get("info_set"))
    try:
        result = await call(request, session, "member", "undo_batch_add", batch_id=request.path_params["batch_id"])
    except Exception as exc:  # noqa: BLE001
        error = as_http_error(exc)
        if error.status >= 500 or error.status in (401, 403, 404):
            raise error from None
        return await _render_batch(request, session, org_id, key, status=error.status, error=error)
    label = INFO_SETS[result["info_set"]].label
    return redirect_with_flash(f"/orgs/{org_id}/member-batch?set={result['info_set']}",
                               f"已撤销本次批量添加，{result['undone']} 名党员的{label}信息已删除。")
