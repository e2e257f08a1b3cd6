"""What every JSON route needs: a bounded JSON body, path ids, and RPC with the caller's context."""
import json
import re

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..auth import Session, request_id, require_session
from ..errors import HttpError

MAX_JSON_BYTES = 64 * 1024
MAX_ID = 2**63 - 1  # PostgreSQL's bigint: a larger number names nothing, and must not reach a query
MAX_JSON_DEPTH = 32  # the deepest document of the API is a query's condition groups (a few levels)
# A NUL cannot be stored in PostgreSQL text and a lone surrogate cannot be encoded as UTF-8: neither
# is ever meant, and either would fail deep inside a service.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HttpError(413, "too_large", f"请求体过大（上限 {limit // 1024} KB）")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HttpError(413, "too_large", f"请求体过大（上限 {limit // 1024} KB）")
    return bytes(body)


async def read_json(request: Request, optional: bool = False) -> dict:
    """The request's JSON object; with `optional`, an empty body is an empty object."""
    body = await read_body(request, MAX_JSON_BYTES)
    if optional and not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "malformed", "请求体不是有效的JSON") from None
    except RecursionError:
        raise HttpError(400, "malformed", f"请求体嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）") from None
    if not isinstance(data, dict):
        raise HttpError(400, "malformed", "请求体应为JSON对象")
    _check_values(data)
    return data


def _check_values(data) -> None:
    """Refuse nesting deeper than MAX_JSON_DEPTH and text that cannot be stored (iteratively: a
    hostile document must not exhaust the stack here either)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise HttpError(400, "malformed", f"请求体嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key)
                pending.append((item, depth + 1))
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_text(value)
        elif isinstance(value, int) and not isinstance(value, bool) and not -MAX_ID <= value <= MAX_ID:
            raise HttpError(400, "malformed", "请求体中的数值超出范围")


def _check_text(text: str) -> None:
    if _UNSTORABLE.search(text):
        raise HttpError(400, "malformed", "请求体含有无法保存的字符（空字符或不成对的代理项）")


TYPE_NAMES = {str: "文本", int: "整数", dict: "对象", list: "数组"}


def check_types(data: dict, types: dict[str, type | tuple]) -> None:
    """JSON types of the fields a route passes on. Presence and values are the services' job,
    so a missing field gets the service's own per-field message."""
    fields = {}
    for name, expected in types.items():
        value = data.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, expected):
            allowed = expected if isinstance(expected, tuple) else (expected,)
            fields[name] = "应为" + "或".join(TYPE_NAMES[t] for t in allowed)
    if fields:
        raise HttpError(400, "validation", "字段类型错误：" + "；".join(f"{k}{v}" for k, v in fields.items()), fields)


HISTORY_VALUES = {"1": True, "true": True, "0": False, "false": False, "": False}


def history_flag(request: Request, name: str = "history") -> bool:
    """`?history=1` asks for history (members who left) instead of the active rolls; another
    on/off parameter (`?deleted=1`, the deleted applicants) is read the same way by its `name`."""
    value = request.query_params.get(name, "")
    if value.strip().lower() not in HISTORY_VALUES:
        raise HttpError(400, "validation", f"{name} 参数应为 1 或 0", {name: "应为1或0"})
    return HISTORY_VALUES[value.strip().lower()]


def path_id(request: Request, name: str = "id") -> int:
    try:
        value = int(request.path_params[name])
    except (KeyError, ValueError):
        raise HttpError(404, "not_found", "资源不存在") from None
    if not 1 <= value <= MAX_ID:
        raise HttpError(404, "not_found", "资源不存在")
    return value


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


async def call(request: Request, session: Session | None, service: str, method: str, **kwargs):
    context = session.context(request_id(request)) if session else {"request_id": request_id(request)}
    context["ip"] = client_ip(request)  # for the 操作日志 (services/shared/audit.py)
    return await request.app.state.rpc.call(service, method, context, **kwargs)


async def call_if(request: Request, session: Session, right: tuple[str, str], service: str, method: str, **kwargs):
    """The call, or None when the account's role lacks `right` (module, level): a page leaves that
    part out instead of failing. The service checks the right anyway (services/shared/rights.py)."""
    if not session.can(*right):
        return None
    return await call(request, session, service, method, **kwargs)


def record_action(service: str, method: str, id_name: str, types: dict):
    """A POST on one record (`/things/{id}/do`): the optional JSON body checked against `types`
    (and an optional `version`), then `service.method(<id_name>=id, data=body)`."""
    async def endpoint(request: Request):
        session = await require_session(request)
        record_id = path_id(request)
        data = await read_json(request, optional=True)
        check_types(data, {**types, "version": int})
        return JSONResponse(await call(request, session, service, method, **{id_name: record_id}, data=data))

    endpoint.__name__ = method
    return endpoint


async def children_with_counts(request: Request, session: Session, org_id: int, history: bool = False) -> list[dict]:
    """Sub-organizations (in use, or with `history` the revoked ones) with their subtree member
    totals (org service + stats service)."""
    children = await call(request, session, "org", "children", org_id=org_id, history=history)
    totals = await call(request, session, "stats", "member_totals", org_ids=[c["id"] for c in children])
    for child in children:
        child["member_count"] = totals.get(str(child["id"]), 0)
    return children
