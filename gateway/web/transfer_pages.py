"""组织关系转接 pages: the work lists of an organization (待办, 未办结, 即将办理, 转出历史, 转入历史)
with their counts, the 发起 form with its preview (route and letter) before 确认发起, and the
transfer page with the steps the account may take now (审批, 退回, 接收, 回执, 撤销, 重新发起)."""
import asyncio
from datetime import date
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.transfer.contract import (
    DEFAULT_VALID_DAYS,
    KINDS,
    MAX_VALID_DAYS,
    MEMBER_KINDS,
    STATE_NAMES,
    STEP_STATE_NAMES,
    WORK_BOXES,
)

from ..api.common import call, path_id
from ..api.transfers import HISTORY_BOXES, list_filters
from ..auth import require_session
from ..errors import HttpError, as_http_error
from .rendering import form_of, render, submit_form

APPLY_FIELDS = ("member_id", "kind", "to_org_id", "reason", "dues_paid_to", "valid_days", "phone", "address",
                "postcode")
OUTSIDE_FIELDS = ("province", "party_committee", "branch")
# The tabs of the work lists: the service's boxes, the two histories named as clerks know them.
TABS = {**WORK_BOXES, "out": "转出历史", "in": "转入历史"}
HISTORY_NAMES = {"applied": "发起", "keyed_in": "线下转入登记", "approved": "审批通过", "returned": "退回",
                 "received": "接收", "receipt_recorded": "登记回执", "revoked": "撤销", "reapplied": "重新发起",
                 "expired": "超期",
                 "transferred": "组织关系已转入", "transfer_refused": "接收未完成", "rerouted": "路径变更",
                 "closed": "异常办结"}
# The form's action → the transfer RPC, its flash, and the body fields it reads.
ACTIONS = {
    "approve": ("approve", "已审批", ("opinion",)),
    "return": ("return_transfer", "已退回发起方", ("reason",)),
    "receive": ("receive", "已接收", ("date", "assign_to_org_id")),
    "receipt": ("record_receipt", "已登记回执", ("date", "handler", "phone")),
    "revoke": ("revoke", "已撤销", ("reason",)),
    "reroute": ("reroute", "已变更接收党组织", ("to_org_id",)),
    "close": ("close", "已异常办结", ("reason",)),
    "reapply": ("reapply", "已重新发起", ("reason", "dues_paid_to", "valid_days", "phone", "address", "postcode")),
}


def apply_data(form: dict) -> dict:
    """The 发起 form as the transfer service takes it (its field names; blanks left out)."""
    data = {key: form[key].strip() for key in APPLY_FIELDS if form.get(key, "").strip()}
    for key in ("member_id", "to_org_id", "valid_days"):
        if data.get(key, "").isdigit():
            data[key] = int(data[key])
    if data.get("kind") in ("cross_province", "outside"):
        data.pop("to_org_id", None)
        data["to_outside"] = {key: form.get(f"to_outside.{key}", "").strip() for key in OUTSIDE_FIELDS}
    else:
        data.pop("to_outside", None)
    return data


async def home_redirect(request: Request):
    session = await require_session(request)
    return RedirectResponse(f"/orgs/{session.org_id}/transfers", status_code=303)


async def work_lists_page(request: Request):
    """组织关系转接: the organization's counts and one work list at a time (tabs)."""
    session = await require_session(request)
    org_id = path_id(request)
    box = request.query_params.get("box", "todo")
    if box not in TABS:
        box = "todo"
    # The histories (转出历史, 转入历史, 审批记录) are filtered by 转接类型, 状态 and 发起日期, and
    # exported to Excel with the same filters.
    filters = list_filters(request.query_params) if box in HISTORY_BOXES else {}
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    root, counts = await asyncio.gather(call(request, session, "org", "get_org", org_id=session.org_id),
                                        call(request, session, "transfer", "counts", org_id=org_id))
    error, status = None, 200
    try:
        work = await call(request, session, "transfer", "work_list", org_id=org_id, box=box,
                          page=request.query_params.get("page", "1"), filters=filters)
    except Exception as exc:  # noqa: BLE001 — a bad filter is shown beside the form
        error = as_http_error(exc)
        if error.status != 400:
            raise error from None
        status, work = 400, {"box": box, "total": 0, "page": 1, "size": 20, "items": [], "filters": filters}
    filter_query = urlencode(filters)
    return render(request, "transfers.html", status=status, session=session, org=org, root=root, counts=counts,
                  work=work, box=box, boxes=TABS, filters=filters, filter_query=filter_query,
                  history_box=box in HISTORY_BOXES, kinds=KINDS.items(), states=list(STATE_NAMES.items()),
                  form_error=error, open_form="filters")


async def reason_options(request: Request, session, keep: str | None = None) -> list[tuple[str, str]]:
    """The 转接原因 a form offers: the enabled codes of the code table (and `keep`, the code a
    transfer already has, for 重新发起)."""
    table = await call(request, session, "transfer", "reasons")
    return [(r["code"], r["name"] if r["enabled"] else f"{r['name']}（已停用）") for r in table["items"]
            if r["enabled"] or r["code"] == keep]


def _form_context(org_id: int, reasons) -> dict:
    return dict(kinds=[(k, KINDS.name(k)) for k in MEMBER_KINDS], reasons=reasons,
                default_days=DEFAULT_VALID_DAYS, max_days=MAX_VALID_DAYS, this_month=date.today().strftime("%Y-%m"),
                org_id=org_id)


async def _new_form(request: Request, session, org_id: int, values: dict, status: int = 200, error=None):
    org = await call(request, session, "org", "get_org", org_id=org_id)
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    member = None
    if str(values.get("member_id", "")).isdigit():
        try:
            member = await call(request, session, "member", "get_member", member_id=int(values["member_id"]))
        except Exception:  # noqa: BLE001 — a stale or foreign id: the clerk picks again
            member = None
    paid_to = None  # 党费交至 as the dues service has it, prefilled (the clerk may change it)
    if member is not None:
        try:
            paid_to = (await call(request, session, "dues", "paid_to", member_id=member["id"]))["paid_to"]
        except Exception:  # noqa: BLE001 — not in the dues service yet: the clerk types it
            paid_to = None
        if paid_to and not values.get("dues_paid_to"):
            values = {**values, "dues_paid_to": paid_to}
    target = None
    if str(values.get("to_org_id", "")).isdigit():
        target_id = int(values["to_org_id"])
        target = {"id": target_id, "name": values.get(f"to_org_name_{target_id}", "")}
    return render(request, "transfer_new.html", status=status, session=session, org=org, root=root, v=values,
                  member=member, target=target, form_error=error, open_form="transfer", dues_paid_to=paid_to,
                  **_form_context(org_id, await reason_options(request, session)))


async def new_page(request: Request):
    """发起: the form (a member may come preselected from the member card)."""
    session = await require_session(request)
    org_id = path_id(request)
    return await _new_form(request, session, org_id, dict(request.query_params))


async def member_options(request: Request):
    """The member search of the form (htmx): members of the account's scope by 姓名 or 身份证号."""
    session = await require_session(request)
    q = request.query_params.get("member_q", "").strip()
    results = None
    if q:
        results = await call(request, session, "member", "quick_search", q=q[:50], page=1, size=10)
        names = await call(request, session, "org", "org_names",
                           org_ids=sorted({m["org_id"] for m in results["items"]})) if results["items"] else {}
        for item in results["items"]:
            item["org_name"] = names.get(str(item["org_id"]))
    return render(request, "_transfer_member_options.html", session=session, results=results, q=q)


async def target_options(request: Request):
    """The target search of the form (htmx): any organization in use, by name or code."""
    session = await require_session(request)
    q = request.query_params.get("target_q", "").strip()
    results = await call(request, session, "transfer", "targets", q=q[:50]) if q else None
    return render(request, "_transfer_target_options.html", session=session, results=results, q=q,
                  new_parent=request.query_params.get("for") == "whole")


async def _previewed(request: Request, page_org: int, method: str, body, reform, **arguments):
    """A preview RPC for the posted form: (session, form, drawn, org, root), or the form again
    with the refusal beside its fields (a response)."""
    form = await form_of(request)
    session = await require_session(request, form_csrf=form.get("csrf_token"))
    try:
        drawn = await call(request, session, "transfer", method, data=body(form), **arguments)
    except Exception as exc:  # noqa: BLE001 — shown beside the form, or as an error page
        error = as_http_error(exc)
        if error.status >= 500 or error.status in (401, 403, 404):
            raise error from None
        return await reform(request, session, page_org, form, error.status, error)
    org = await call(request, session, "org", "get_org", org_id=page_org)
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    return session, form, drawn, org, root


async def preview(request: Request):
    """The route and the letter, before 确认发起; a refusal goes back to the form."""
    org_id = path_id(request)
    previewed = await _previewed(request, org_id, "preview", apply_data, _new_form)
    if not isinstance(previewed, tuple):
        return previewed
    session, form, drawn, org, root = previewed
    hidden = {key: value for key, value in form.items() if key != "csrf_token"}
    return render(request, "transfer_preview.html", session=session, org=org, root=root, drawn=drawn,
                  hidden=hidden, step_states=STEP_STATE_NAMES)


async def submit_new_transfer(request: Request, form_page, method: str, data_of, flash: str):
    """A form that writes a new transfer (发起, 线下转入) by the transfer RPC `method`: refused, its
    form again (`form_page`); written, the transfer's page."""
    org_id = path_id(request)

    async def rerender(session, form, error):
        return await form_page(request, session, org_id, form, error.status, error)

    return await submit_form(request, lambda session, form: call(request, session, "transfer", method,
                                                                 data=data_of(form)),
                             rerender, lambda created: f"/transfers/{created['id']}", flash=flash)


async def apply(request: Request):
    """确认发起: the transfer is written; its page follows."""
    return await submit_new_transfer(request, _new_form, "apply", apply_data, "已发起组织关系转接")


async def _transfer_context(request: Request, session, transfer_id: int) -> dict:
    transfer = await call(request, session, "transfer", "get", transfer_id=transfer_id)  # first: 404/403
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    step = transfer.get("current_step")
    assignable = []  # a receiving 党委 may place the member in one of its organizations at once
    if "receive" in (transfer.get("actions") or []) and step:
        assignable = await call(request, session, "org", "children", org_id=step["org_id"], history=False)
    reasons = await reason_options(request, session, keep=transfer.get("reason")) \
        if "reapply" in (transfer.get("actions") or []) else []
    return dict(transfer=transfer, root=root, assignable=assignable, reasons=reasons,
                max_days=MAX_VALID_DAYS, today=date.today().isoformat(), step_states=STEP_STATE_NAMES,
                history_names=HISTORY_NAMES)


async def transfer_page(request: Request):
    session = await require_session(request)
    return render(request, "transfer.html", session=session,
                  **await _transfer_context(request, session, path_id(request)))


async def transfer_action(request: Request):
    """One step of the transfer (the form names it); back to the transfer page."""
    transfer_id = path_id(request)
    action = request.path_params.get("action")
    if action not in ACTIONS:
        raise HttpError(404, "not_found", "页面不存在")
    method, flash, fields = ACTIONS[action]

    def data(form: dict) -> dict:
        body = {key: form[key] for key in fields if form.get(key, "").strip()}
        for key in ("valid_days", "to_org_id", "assign_to_org_id"):
            if str(body.get(key, "")).strip().isdigit():
                body[key] = int(body[key])
        return {**body, "version": form.get("version", "")}

    async def rerender(session, form, error):
        context = await _transfer_context(request, session, transfer_id)
        return render(request, "transfer.html", status=error.status, session=session, form_error=error,
                      open_form=f"transfer-{action}", form_values=form, **context)

    return await submit_form(request, lambda session, form: call(request, session, "transfer", method,
                                                                 transfer_id=transfer_id, data=data(form)),
                             rerender, f"/transfers/{transfer_id}", flash=flash)


# --- 整建制转移: from the organization's card ----------------------------------------------------

WHOLE_ORG_FIELDS = ("to_parent_id", "reason", "valid_days", "phone", "address", "postcode")


def whole_org_data(form: dict) -> dict:
    """The 整建制转移 form as the transfer service takes it: the target search's choice
    (`to_org_id`, the same search as 发起) is the new parent."""
    values = {**form, "to_parent_id": form.get("to_org_id") or form.get("to_parent_id", "")}  # a new choice wins
    data = {key: values[key].strip() for key in WHOLE_ORG_FIELDS if values.get(key, "").strip()}
    for key in ("to_parent_id", "valid_days"):
        if data.get(key, "").isdigit():
            data[key] = int(data[key])
    return data


async def _whole_org_form(request: Request, session, org_id: int, values: dict, status: int = 200, error=None):
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    target = None
    chosen = str(values.get("to_org_id") or values.get("to_parent_id") or "")
    if chosen.isdigit():
        target = {"id": int(chosen), "name": values.get(f"to_org_name_{chosen}", "")}
    if error is not None and error.fields and "to_parent_id" in error.fields:
        # beside the search that chose it, in the service's order
        error.fields = {("to_org_id" if key == "to_parent_id" else key): text for key, text in error.fields.items()}
    return render(request, "whole_transfer_new.html", status=status, session=session, org=org, root=root,
                  v=values, target=target, form_error=error, open_form="whole", max_days=MAX_VALID_DAYS,
                  default_days=DEFAULT_VALID_DAYS["whole_org"], reasons=await reason_options(request, session))


async def whole_org_page(request: Request):
    """整建制转移: the form (new parent by search, reason, letter fields), then 预览."""
    session = await require_session(request)
    return await _whole_org_form(request, session, path_id(request), dict(request.query_params))


async def whole_org_preview(request: Request):
    """The route, the member count and the letter, before 确认发起; a refusal goes back to the form."""
    org_id = path_id(request)
    previewed = await _previewed(request, org_id, "preview_org", whole_org_data, _whole_org_form, org_id=org_id)
    if not isinstance(previewed, tuple):
        return previewed
    session, form, drawn, org, root = previewed
    hidden = whole_org_data(form)
    return render(request, "whole_transfer_preview.html", session=session, org=org, root=root, drawn=drawn,
                  hidden=hidden, reason=dict(await reason_options(request, session)).get(form.get("reason", ""), ""),
                  step_states=STEP_STATE_NAMES)


async def whole_org_apply(request: Request):
    """确认发起 of the 整建制转移: the transfer page follows."""
    org_id = path_id(request)

    async def rerender(session, form, error):
        return await _whole_org_form(request, session, org_id, form, error.status, error)

    return await submit_form(request, lambda session, form: call(request, session, "transfer", "apply_org",
                                                                 org_id=org_id, data=whole_org_data(form)),
                             rerender, lambda created: f"/transfers/{created['id']}", flash="已发起整建制转移")
