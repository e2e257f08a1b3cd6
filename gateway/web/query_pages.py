"""综合查询 pages: the condition builder (htmx: add and remove rows and blocks, the field chosen
drives the operator and value inputs), results with sort links and pages, Excel export, 保存为
固定查询, the saved queries, and 批量修改 (preview, save, undo)."""
import asyncio
import json
from urllib.parse import urlencode

from starlette.requests import Request

from ..api.common import call, path_id
from ..auth import require_session
from ..errors import as_http_error
from ..rpc import RemoteError
from .query_form import Block, Row, blocks_from_form, blocks_of, errors_by_row, new_id, tree_of
from .rendering import render, submit_form

SORTABLE = (("name", "姓名"), ("birth_date", "出生日期"), ("joined_on", "入党日期"), ("org", "所在党组织"))


async def _catalog(request: Request, session) -> dict:
    catalog = await call(request, session, "member", "query_fields")
    return {"fields": catalog["fields"], "by_key": {f["key"]: f for f in catalog["fields"]},
            "batch_fields": catalog["batch_fields"]}


def query_url(query: dict, **extra) -> str:
    return "/query?" + urlencode({"q": json.dumps(query, ensure_ascii=False), **extra})


async def _scopes(request: Request, session, org_id) -> list[dict]:
    """The roots a query may take: the account's organization, its children, and the one asked."""
    own, children = await asyncio.gather(call(request, session, "org", "get_org", org_id=session.org_id),
                                         call(request, session, "org", "children", org_id=session.org_id))
    scopes = [own, *children]
    if org_id and all(str(o["id"]) != str(org_id) for o in scopes):
        try:
            scopes.append(await call(request, session, "org", "get_org", org_id=int(org_id)))
        except (RemoteError, ValueError):
            pass
    return scopes


def _query_from_request(request: Request, session) -> tuple[dict, str, list, bool]:
    """(query, top join, blocks, whether the user asked to run it)."""
    params = request.query_params
    if params.get("q"):
        try:
            query = json.loads(params["q"])
        except ValueError:
            query = {}
        query = query if isinstance(query, dict) else {}
        join, blocks = blocks_of(query.get("where"))
        return query, join, blocks, True
    join, blocks = blocks_from_form(params)
    query = {"org_id": params.get("org_id") or session.org_id, "history": params.get("history") == "1",
             "where": tree_of(join, blocks) if blocks else {"conditions": []}}
    if params.get("sort"):
        query["sort"] = params["sort"]
    return query, join, blocks, "run" in params


async def _results_page(request: Request, session, query: dict, join: str, blocks: list, run: bool,
                        saved=None, status: int = 200, **extra):
    catalog = await _catalog(request, session)
    results, error, org_names = None, None, {}
    if run:
        try:
            results = await call(request, session, "member", "combined_query", query=query,
                                 page=request.query_params.get("page", "1"), size=50)
            org_ids = sorted({m["org_id"] for m in results["items"]})
            if org_ids:
                org_names = await call(request, session, "org", "org_names", org_ids=org_ids)
        except RemoteError as exc:
            error = as_http_error(exc)
            if error.status in (403, 404):
                raise error from None
            errors_by_row(blocks, error.fields)
    if not blocks:
        blocks = [Block(new_id(), "and", [Row(new_id())])]
    shown = results["query"] if results else query
    sort = shown.get("sort") or "name"
    links = {key: query_url({**shown, "sort": key if sort != key else f"-{key}"}) for key, _ in SORTABLE}
    scopes = await _scopes(request, session, query.get("org_id"))
    return render(request, "query.html", status=status, session=session, root=scopes[0], scopes=scopes,
                  query=query, join=join, blocks=blocks, catalog=catalog, results=results, error=error,
                  org_names=org_names, sort=sort, sortable=SORTABLE, sort_links=links, saved=saved,
                  query_json=json.dumps(shown, ensure_ascii=False), query_url=query_url, **extra)


async def query_page(request: Request):
    session = await require_session(request)
    saved = None
    if request.query_params.get("saved"):
        saved = await call(request, session, "member", "get_saved_query",
                           saved_id=request.query_params["saved"])
        join, blocks = blocks_of(saved["query"].get("where"))
        return await _results_page(request, session, saved["query"], join, blocks, True, saved=saved)
    query, join, blocks, run = _query_from_request(request, session)
    return await _results_page(request, session, query, join, blocks, run)


async def query_row(request: Request):
    """A new condition row for block `b` (htmx)."""
    session = await require_session(request)
    block = request.query_params.get("b", "")
    if not block.isalnum():
        block = new_id()
    return render(request, "_query_row.html", session=session, block_id=block, row=Row(new_id()),
                  catalog=await _catalog(request, session))


async def query_block(request: Request):
    """A new block of conditions (htmx)."""
    session = await require_session(request)
    return render(request, "_query_block.html", session=session,
                  block=Block(new_id(), "and", [Row(new_id())]), catalog=await _catalog(request, session))


async def query_inputs(request: Request):
    """The operator and value inputs of a row for the field (and operator) chosen (htmx)."""
    session = await require_session(request)
    params = request.query_params
    block, row_id = params.get("b", ""), params.get("r", "")
    prefix = f"c.{block}.{row_id}"
    row = Row(row_id, params.get(f"{prefix}.field", ""), params.get(f"{prefix}.op", ""),
              params.get(f"{prefix}.v", ""), params.get(f"{prefix}.v2", ""))
    catalog = await _catalog(request, session)
    field = catalog["by_key"].get(row.field)
    if field and row.op not in [o["key"] for o in field["operators"]]:
        row.op, row.v, row.v2 = field["operators"][0]["key"], "", ""
    return render(request, "_query_inputs.html", session=session, block_id=block, row=row, catalog=catalog)


# --- 固定查询 ---

def _query_of_form(form: dict) -> dict:
    try:
        query = json.loads(form.get("q", ""))
    except ValueError:
        query = {}
    return query if isinstance(query, dict) else {}


async def save_query(request: Request):
    async def rerender(session, form, error):
        query = _query_of_form(form)
        join, blocks = blocks_of(query.get("where"))
        return await _results_page(request, session, query, join, blocks, True, status=error.status,
                                   save_error=error, save_name=form.get("name", ""))

    return await submit_form(
        request, lambda session, form: call(request, session, "member", "save_query", name=form.get("name", ""),
                                            query=_query_of_form(form)),
        rerender, lambda saved: f"/query?saved={saved['id']}")


async def saved_queries_page(request: Request):
    return await _saved_queries(request, await require_session(request))


async def _saved_queries(request: Request, session, status: int = 200, error=None, failed_id=None):
    saved, root = await asyncio.gather(call(request, session, "member", "list_saved_queries"),
                                       call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "saved_queries.html", status=status, session=session, root=root, saved=saved,
                  error=error, failed_id=failed_id, query_url=query_url)


def _saved_action(method: str, data):
    async def endpoint(request: Request):
        saved_id = path_id(request)

        async def rerender(session, form, error):
            return await _saved_queries(request, session, status=error.status, error=error, failed_id=saved_id)

        return await submit_form(request, lambda session, form: call(request, session, "member", method,
                                                                     saved_id=saved_id, **data(form)),
                                 rerender, "/queries")
    return endpoint


rename_saved_query = _saved_action("rename_saved_query", lambda form: {"name": form.get("name", "")})
delete_saved_query = _saved_action("delete_saved_query", lambda form: {})


# --- 批量修改 ---

def _batch_change_data(form: dict) -> dict:
    data = {"query": _query_of_form(form), "field": form.get("field", ""), "value": form.get("value", "")}
    if form.get("expected", "").isdigit():
        data["expected"] = int(form["expected"])
    return data


async def preview_batch_change(request: Request):
    """The preview of a batch change: each member's old and new value, and who cannot take it."""
    async def perform(session, form):
        preview = await call(request, session, "member", "preview_batch_change", data=_batch_change_data(form))
        org_ids = sorted({m["org_id"] for m in preview["items"]})
        names, root = await asyncio.gather(call(request, session, "org", "org_names", org_ids=org_ids),
                                           call(request, session, "org", "get_org", org_id=session.org_id))
        return render(request, "batch_change_preview.html", session=session, root=root, preview=preview,
                      org_names=names, query_json=form.get("q", ""))

    async def rerender(session, form, error):
        query = _query_of_form(form)
        join, blocks = blocks_of(query.get("where"))
        return await _results_page(request, session, query, join, blocks, True, status=error.status,
                                   batch_error=error, batch_form=form)

    return await _render_or_rerender(request, perform, rerender)


async def _render_or_rerender(request: Request, perform, rerender):
    """submit_form, for a POST whose success is a page rather than a redirect."""
    rendered = {}

    async def keep(session, form):
        rendered["page"] = await perform(session, form)

    response = await submit_form(request, keep, rerender, "/query")
    return rendered.get("page", response)


async def save_batch_change(request: Request):
    async def rerender(session, form, error):
        preview = None
        try:
            preview = await call(request, session, "member", "preview_batch_change",
                                 data={k: v for k, v in _batch_change_data(form).items() if k != "expected"})
        except RemoteError:
            pass
        root = await call(request, session, "org", "get_org", org_id=session.org_id)
        return render(request, "batch_change_preview.html", status=error.status, session=session, root=root,
                      preview=preview, org_names={}, query_json=form.get("q", ""), error=error)

    return await submit_form(request, lambda session, form: call(request, session, "member", "save_batch_change",
                                                                 data=_batch_change_data(form)),
                             rerender, lambda batch: f"/member-batches/{batch['id']}")


async def batch_change_page(request: Request):
    return await _batch_change(request, await require_session(request))


async def _batch_change(request: Request, session, status: int = 200, error=None):
    batch = await call(request, session, "member", "get_batch_change", batch_id=path_id(request))
    org_ids = sorted({i["org_id"] for i in batch["items"]})
    names, root = await asyncio.gather(call(request, session, "org", "org_names", org_ids=org_ids),
                                       call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "batch_change.html", status=status, session=session, root=root, batch=batch, org_names=names,
                  error=error)


async def undo_batch_change(request: Request):
    batch_id = path_id(request)

    async def rerender(session, form, error):
        return await _batch_change(request, session, status=error.status, error=error)

    return await submit_form(request, lambda session, form: call(request, session, "member", "undo_batch_change",
                                                                 batch_id=batch_id),
                             rerender, f"/member-batches/{batch_id}")


async def batch_changes_page(request: Request):
    session = await require_session(request)
    batches, root = await asyncio.gather(call(request, session, "member", "list_batch_changes"),
                                         call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "batch_changes.html", session=session, root=root, batches=batches)

