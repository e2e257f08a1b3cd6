"""党费 pages (docs/DUES.md): an organization's dues with four tabs — 交纳登记 (a month's roster,
应交 prefilled, marked paid one by one or all at once; a payment voided with its reason), 欠交
党员, 少交/免交 (the higher 党委 approves or refuses) and 汇总 (by month and sub-organization) —
with the branch's 系统设置 and the Excel sheets; a member's dues (base with its computed monthly
amount and bracket, the year's months, 党费交至, 补交/预交, 大额党费, 少交/免交 applications). The
same RPCs as the API; every irreversible action asks first."""
import asyncio
from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.dues.contract import BASE_KINDS

from ..api.common import call, path_id
from ..auth import require_session
from ..errors import HttpError
from .rendering import render, submit_form

TABS = {"month": "交纳登记", "arrears": "欠交党员", "exemptions": "少交/免交", "summary": "汇总"}
KINDS = {"employed": "在职（税后月工资）", "annual_salary": "年薪制（当月实际收入）",
         "self_employed": "个体（上季度月平均纯收入）", "retired": "离退休（实得离退休费）",
         "farmer": "农民（每月0.2—1元）", "student": "学生", "unemployed": "下岗失业", "relief": "依靠抚恤或救济生活",
         "subsistence": "低保"}
KIND_NAMES = dict(BASE_KINDS.items())  # the short names (在职, 离退休 …) the sheet and the 年度核定 screen use
METHODS = {"self": "本人", "proxy": "代交"}
EXEMPTION_KINDS = {"exempt": "免交", "reduce": "少交"}
DECISIONS = {"approve": ("approve_exemption", "已批准"), "refuse": ("refuse_exemption", "已不批准")}


def _digits(value) -> int | None:
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _tab(request: Request) -> str:
    tab = request.query_params.get("tab", "month")
    return tab if tab in TABS else "month"


def _back(org_id: int, tab: str = "month", month: str | None = None) -> str:
    return f"/orgs/{org_id}/dues?tab={tab}" + (f"&month={month}" if month else "")


async def home_redirect(request: Request):
    session = await require_session(request)
    return RedirectResponse(f"/orgs/{session.org_id}/dues", status_code=303)


async def _org_context(request: Request, session, org_id: int, tab: str, month: str | None = None) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    params = request.query_params
    month = month or params.get("month") or None
    calls = {"root": call(request, session, "org", "get_org", org_id=session.org_id),
             "settings": call(request, session, "dues", "settings", org_id=org_id),
             "counts": call(request, session, "dues", "arrears_counts", org_id=org_id)}
    if tab == "month":
        calls["sheet"] = call(request, session, "dues", "branch_month", org_id=org_id, month=month)
    elif tab == "arrears":
        calls["listing"] = call(request, session, "dues", "arrears", org_id=org_id, months=params.get("months", "6"),
                                page=params.get("page", "1"))
    elif tab == "exemptions":
        calls["listing"] = call(request, session, "dues", "exemptions", org_id=org_id,
                                state=params.get("state", "applied"), page=params.get("page", "1"))
    else:
        calls["summary"] = call(request, session, "dues", "summary", org_id=org_id, year=params.get("year"),
                                month=params.get("m") or None)
    found = dict(zip(calls, await asyncio.gather(*calls.values())))
    return dict(org=org, tab=tab, tabs=TABS, today=date.today().isoformat(), methods=METHODS,
                this_month=date.today().strftime("%Y-%m"), **found)


async def dues_page(request: Request):
    session = await require_session(request)
    tab = _tab(request)
    return render(request, "dues.html", session=session, **await _org_context(request, session, path_id(request), tab))


def payments_of(form: dict, prefix: str = "", id_key: str = "member_id") -> list[dict]:
    """The roster form's rows to record: those ticked (or every payable row with 全部登记), each with
    its amount and method, the batch's date and collector. The 系统外流入党员 rows are named with the
    prefix "x" and carry the inflow's id."""
    everyone = form.get("all") == "1"
    rows, amount = [], f"{prefix}amount."
    for key in form:
        if not key.startswith(amount):
            continue
        record_id = _digits(key[len(amount):])
        if record_id is None or not (everyone or form.get(f"{prefix}pay.{record_id}") == "1"):
            continue
        rows.append({id_key: record_id, "amount": form[key].strip(), "paid_on": form.get("paid_on", ""),
                     "method": form.get(f"{prefix}method.{record_id}") or "self",
                     "collector": form.get("collector", "")})
    return rows


def _roster_form(method: str, form_name: str, prefix: str = "", id_key: str = "member_id"):
    """A roster form of the 交纳登记 tab: the ticked rows go to one dues RPC (`method(org_id, data)`);
    a refusal shows the roster again with the error above the form."""
    async def endpoint(request: Request):
        org_id = path_id(request)

        async def perform(session, form):
            rows = payments_of(form, prefix, id_key)
            if not rows:
                raise HttpError(400, "validation", "请勾选已交党费的党员", {"payments": "请至少勾选一名党员"})
            return await call(request, session, "dues", method, org_id=org_id,
                              data={"month": form.get("month", ""), "payments": rows})

        async def rerender(session, form, error):
            context = await _org_context(request, session, org_id, "month", form.get("month"))
            return render(request, "dues.html", status=error.status, session=session, form_error=error,
                          open_form=form_name, form_values=form, **context)

        return await submit_form(request, perform, rerender,
                                 lambda result: _back(org_id, "month", result["recorded"][0]["month"]),
                                 flash="已登记党费")
    endpoint.__name__ = method
    return endpoint


record_month = _roster_form("record_payments", "dues-month")
# 流入党员 of this deployment pay through record_payments (their own ledger); those from outside
# through the inflow ledger.
record_inflow_month = _roster_form("record_payments", "dues-inflow")
record_external_month = _roster_form("record_inflow_payments", "dues-external", "x", "inflow_id")


async def save_settings(request: Request):
    org_id = path_id(request)

    async def rerender(session, form, error):
        context = await _org_context(request, session, org_id, "month")
        return render(request, "dues.html", status=error.status, session=session, form_error=error,
                      open_form="dues-settings", form_values=form, **context)

    return await submit_form(request, lambda session, form: call(
        request, session, "dues", "set_settings", org_id=org_id,
        data={"registration_start": form.get("registration_start", ""), "quarterly": form.get("quarterly") == "1",
              "version": form.get("version", "")}), rerender, _back(org_id), flash="已保存党费设置")


def _void(method: str):
    """作废 a payment (`method`: of a member's ledger, or of the inflow ledger), back to `?back=`."""
    async def endpoint(request: Request):
        payment_id = path_id(request)
        back = request.query_params.get("back", "")
        if not back.startswith("/") or back.startswith("//"):
            raise HttpError(404, "not_found", "页面不存在")

        async def rerender(session, form, error):
            raise error

        return await submit_form(request, lambda session, form: call(
            request, session, "dues", method, payment_id=payment_id, data={"reason": form.get("reason", "")}),
            rerender, back, flash="已作废该笔党费")
    endpoint.__name__ = method
    return endpoint


void_payment = _void("void_payment")
void_inflow_payment = _void("void_inflow_payment")


async def decide_exemption(request: Request):
    exemption_id = path_id(request)
    org_id = _digits(request.query_params.get("org"))
    action = request.path_params.get("action")
    if not org_id or action not in DECISIONS:
        raise HttpError(404, "not_found", "页面不存在")
    method, flash = DECISIONS[action]

    async def rerender(session, form, error):
        context = await _org_context(request, session, org_id, "exemptions")
        return render(request, "dues.html", status=error.status, session=session, form_error=error,
                      open_form="dues-decide", form_values=form, **context)

    return await submit_form(request, lambda session, form: call(
        request, session, "dues", method, exemption_id=exemption_id,
        data={"opinion": form.get("opinion", ""), "version": form.get("version", "")}),
        rerender, _back(org_id, "exemptions"), flash=flash)


# --- a member's dues ----------------------------------------------------------------------------

async def _member_context(request: Request, session, member_id: int, year=None) -> dict:
    dues = await call(request, session, "dues", "member_dues", member_id=member_id,
                      year=year or request.query_params.get("year"))  # first: 404/403
    org, root = await asyncio.gather(call(request, session, "org", "get_org", org_id=dues["member"]["org_id"]),
                                     call(request, session, "org", "get_org", org_id=session.org_id))
    return dict(dues=dues, member=dues["member"], org=org, root=root, kinds=KINDS, methods=METHODS,
                exemption_kinds=EXEMPTION_KINDS, today=date.today().isoformat(),
                this_month=date.today().strftime("%Y-%m"))


async def member_dues_page(request: Request):
    session = await require_session(request)
    return render(request, "member_dues.html", session=session,
                  **await _member_context(request, session, path_id(request)))


def _member_form(member_id: int, form_name: str, perform, flash: str):
    """A form on the member's dues page: `perform(request, session, form)` makes the RPC; a refusal
    shows the page again with the error beside its field."""
    async def endpoint(request: Request):
        async def rerender(session, form, error):
            context = await _member_context(request, session, member_id)
            return render(request, "member_dues.html", status=error.status, session=session, form_error=error,
                          open_form=form_name, form_values=form, **context)

        return await submit_form(request, lambda session, form: perform(request, session, form), rerender,
                                 f"/members/{member_id}/dues", flash=flash)
    return endpoint


def _fields_form(method: str, form_name: str, fields: tuple, flash: str):
    """A member form whose fields go as they are to one dues RPC (`method(member_id, data)`)."""
    async def endpoint(request: Request):
        member_id = path_id(request)
        return await _member_form(member_id, form_name, lambda r, s, form: call(
            r, s, "dues", method, member_id=member_id,
            data={key: form.get(key, "").strip() for key in fields}), flash)(request)
    return endpoint


set_base = _fields_form("set_base", "dues-base", ("kind", "amount", "from_month"), "已核定党费基数")
record_large = _fields_form("record_large", "dues-large", ("amount", "paid_on", "receipt_no"), "已登记大额党费")
apply_exemption = _fields_form("apply_exemption", "dues-exemption",
                               ("from_month", "to_month", "kind", "amount", "reason"),
                               "已提交少交/免交申请，待上级党委审批")


async def pay_member(request: Request):
    """补交 or 预交 (or this month) for one member, through the branch's payments."""
    member_id = path_id(request)

    async def perform(r, s, form):
        dues = await call(r, s, "dues", "member_dues", member_id=member_id)
        return await call(r, s, "dues", "record_payments", org_id=dues["member"]["org_id"], data={
            "month": form.get("month", ""), "payments": [{
                "member_id": member_id, "amount": form.get("amount", "").strip(), "paid_on": form.get("paid_on", ""),
                "method": form.get("method") or "self", "collector": form.get("collector", "")}]})

    return await _member_form(member_id, "dues-pay", perform, "已登记党费")(request)


# --- bases in bulk: 年度核定 and the 党费基数表 -------------------------------------------------------

def _year_param(value) -> str | None:
    value = str(value or "").strip()
    return value if value.isdigit() and len(value) == 4 else None


async def _bases_context(request: Request, session, org_id: int, year=None) -> dict:
    roster = await call(request, session, "dues", "base_roster", org_id=org_id,
                        year=year or request.query_params.get("year"))  # first: 404/403
    org, root = await asyncio.gather(call(request, session, "org", "get_org", org_id=org_id),
                                     call(request, session, "org", "get_org", org_id=session.org_id))
    return dict(org=org, root=root, roster=roster, kinds=KINDS, kind_names=roster["kinds"])


async def bases_page(request: Request):
    """年度核定: the organization's members with their base in force, those not re-set since January
    marked; new amounts for many at once."""
    session = await require_session(request)
    return render(request, "dues_bases.html", session=session,
                  **await _bases_context(request, session, path_id(request)))


def bases_of_form(form: dict) -> list[dict]:
    """The 年度核定 form's rows to re-set: those ticked or with an amount typed, each with its kind
    and amount (the month is the form's)."""
    rows = []
    for key in form:
        if not key.startswith("kind."):
            continue
        member_id = _digits(key[5:])
        amount = form.get(f"amount.{member_id}", "").strip()
        if member_id is None or not (amount or form.get(f"pick.{member_id}") == "1"):
            continue
        rows.append({"member_id": member_id, "kind": form[key], "amount": amount})
    return rows


async def save_bases(request: Request):
    org_id = path_id(request)

    async def perform(session, form):
        rows = bases_of_form(form)
        if not rows:
            raise HttpError(400, "validation", "请为至少一名党员填写新的基数（学生等固定数额的请勾选）",
                            {"bases": "请至少填写一名党员"})
        return await call(request, session, "dues", "set_bases", org_id=org_id, data={
            "year": _year_param(form.get("year")), "from_month": form.get("from_month", ""), "bases": rows})

    async def rerender(session, form, error):
        context = await _bases_context(request, session, org_id, _year_param(form.get("year")))
        names = {str(m["member_id"]): m["name"] for m in context["roster"]["members"]}
        named = HttpError(error.status, error.code, error.message, {
            key: f"{names[key]}：{message}" if key in names else message for key, message in error.fields.items()})
        return render(request, "dues_bases.html", status=error.status, session=session, form_error=named,
                      open_form="dues-reset", form_values=form, row_errors=error.fields, **context)

    return await submit_form(request, perform, rerender,
                             lambda result: f"/orgs/{org_id}/dues/bases?year={result['year']}",
                             flash="已核定党费基数")


async def base_import_page(request: Request):
    """The 党费基数表: download it prefilled, upload it (static/import.js), then its preview page."""
    session = await require_session(request)
    org = await call(request, session, "org", "get_org", org_id=path_id(request))  # first: 404/403
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    return render(request, "import.html", session=session, org=org, root=root, kind="dues_base")


async def _import_context(request: Request, session, import_id: str) -> dict:
    preview = await call(request, session, "dues", "get_base_import", import_id=import_id)  # first: 404/403
    org, root = await asyncio.gather(call(request, session, "org", "get_org", org_id=preview["org_id"]),
                                     call(request, session, "org", "get_org", org_id=session.org_id))
    rows = sorted([{**item, "ok": True} for item in preview["items"]]
                  + [{**item, "ok": False} for item in preview["errors"]], key=lambda r: r["row"])
    return dict(org=org, root=root, preview=preview, rows=rows, kind_names=KIND_NAMES)


async def base_import_preview(request: Request):
    session = await require_session(request)
    return render(request, "dues_base_import.html", session=session,
                  **await _import_context(request, session, request.path_params["id"]))


async def commit_base_import(request: Request):
    import_id = request.path_params["id"]

    async def rerender(session, form, error):
        return render(request, "dues_base_import.html", status=error.status, session=session, form_error=error,
                      open_form="dues-import", **await _import_context(request, session, import_id))

    return await submit_form(request, lambda session, form: call(
        request, session, "dues", "commit_base_import", import_id=import_id), rerender,
        lambda result: f"/orgs/{result['org_id']}/dues/bases", flash="已导入党费基数")


# --- 上缴: an organization's remittance upward, its subordinates', confirmation -----------------------

REMITTANCE_FIELDS = ("amount", "remitted_on", "receipt_no", "note")
REMITTANCE_ACTIONS = {"void": ("void_remittance", ("reason", "version"), "已作废该上缴记录"),
                      "correct": ("correct_remittance", (*REMITTANCE_FIELDS, "reason", "version"), "已更正上缴"),
                      "confirm": ("confirm_remittance", ("opinion", "version"), "已确认收到"),
                      "return": ("return_remittance", ("reason", "version"), "已退回该上缴记录")}


def _remittances_url(org_id: int, year=None) -> str:
    year = _year_param(year)
    return f"/orgs/{org_id}/dues/remittances" + (f"?year={year}" if year else "")


async def _remittances_context(request: Request, session, org_id: int, year=None) -> dict:
    params = request.query_params
    view = await call(request, session, "dues", "remittances", org_id=org_id,
                      year=year or params.get("year"), period=None if year else params.get("period") or None)
    org, root = await asyncio.gather(call(request, session, "org", "get_org", org_id=org_id),
                                     call(request, session, "org", "get_org", org_id=session.org_id))
    return dict(org=org, root=root, view=view, tabs=TABS, today=date.today().isoformat())


async def remittances_page(request: Request):
    """党费上缴: the organization's own remittances to its parent (recorded here by its own clerk), its
    direct subordinates' 实交/上缴/差额 and the records they sent, to confirm."""
    session = await require_session(request)
    return render(request, "dues_remittances.html", session=session,
                  **await _remittances_context(request, session, path_id(request)))


def _rerender_remittances(request: Request, org_id: int, form_name: str):
    async def rerender(session, form, error):
        context = await _remittances_context(request, session, org_id, _year_param(form.get("year")))
        return render(request, "dues_remittances.html", status=error.status, session=session, form_error=error,
                      open_form=form_name, form_values=form, **context)
    return rerender


async def record_remittance(request: Request):
    org_id = path_id(request)
    return await submit_form(request, lambda session, form: call(
        request, session, "dues", "record_remittance", org_id=org_id,
        data={key: form.get(key, "").strip() for key in ("period", *REMITTANCE_FIELDS)}),
        _rerender_remittances(request, org_id, "dues-remit"),
        lambda result: _remittances_url(org_id, result["period"][:4]), flash="已登记上缴")


async def remittance_action(request: Request):
    """作废, 更正 or 确认收到 of one record, from the remittances page of `?org=` (shown again with
    the refusal)."""
    remittance_id = path_id(request)
    org_id = _digits(request.query_params.get("org"))
    action = REMITTANCE_ACTIONS.get(request.path_params.get("action"))
    if not org_id or action is None:
        raise HttpError(404, "not_found", "页面不存在")
    method, fields, flash = action
    form_name = f"remit-fix-{remittance_id}" if method == "correct_remittance" else "dues-remit-row"
    return await submit_form(request, lambda session, form: call(
        request, session, "dues", method, remittance_id=remittance_id,
        data={key: form.get(key, "").strip() for key in fields}),
        _rerender_remittances(request, org_id, form_name),
        lambda result: _remittances_url(org_id, result["period"][:4]), flash=flash)


# --- 大额党费 of the subtree (reported upward) and the yearly 党费收缴情况公示 ---------------------------

async def _large_context(request: Request, session, org_id: int, year=None) -> dict:
    params = request.query_params
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    listing, upward, root = await asyncio.gather(
        call(request, session, "dues", "large_dues", org_id=org_id, year=year or params.get("year"),
             page=params.get("page", "1") if year is None else "1"),
        call(request, session, "dues", "large_remittances", org_id=org_id),
        call(request, session, "org", "get_org", org_id=session.org_id))
    return dict(org=org, root=root, listing=listing, upward=upward, tabs=TABS, today=date.today().isoformat())


async def large_page(request: Request):
    """大额党费 of the organization's subtree for a year, by date, with every year's totals, each payment's
    上缴 status; what the organization holds, its 上缴 form and the records (大额党费 上缴)."""
    session = await require_session(request)
    return render(request, "dues_large.html", session=session,
                  **await _large_context(request, session, path_id(request)))


def _rerender_large(request: Request, org_id: int, form_name: str):
    async def rerender(session, form, error):
        context = await _large_context(request, session, org_id, _year_param(form.get("year")))
        return render(request, "dues_large.html", status=error.status, session=session, form_error=error,
                      open_form=form_name, form_values=form, **context)
    return rerender


def _large_url(org_id: int, year=None) -> str:
    year = _year_param(year)
    return f"/orgs/{org_id}/dues/large" + (f"?year={year}" if year else "")


async def record_large_remittance(request: Request):
    """The 上缴 form: the payments ticked (`pick.<id>`), their sum typed as the amount (checked again by
    the service: 大额党费 is handed up whole)."""
    org_id = path_id(request)

    async def perform(session, form):
        ids = [number for key, value in form.items() if key.startswith("pick.") and value == "1"
               and (number := _digits(key[len("pick."):])) is not None]
        return await call(request, session, "dues", "record_large_remittance", org_id=org_id, data={
            **{key: form.get(key, "").strip() for key in ("remitted_on", "amount", "voucher_no", "note")},
            "payment_ids": ids})

    return await submit_form(request, perform, _rerender_large(request, org_id, "large-remit"),
                             lambda result: _large_url(org_id, request.query_params.get("year")),
                             flash=lambda result: f"已登记大额党费上缴 {result['amount']} 元")


LARGE_ACTIONS = {"void": ("void_large_remittance", ("reason", "version"), "已作废该大额党费上缴记录"),
                 "confirm": ("confirm_large_remittance", ("opinion", "version"), "已确认收到该大额党费上缴"),
                 "return": ("return_large_remittance", ("reason", "version"), "已退回该大额党费上缴")}


async def large_remittance_action(request: Request):
    """作废 (the sender), 确认收到 or 退回 (the receiver) of a 大额党费 上缴 record, from the 大额党费 page of
    `?org=` (shown again with the refusal)."""
    remittance_id = path_id(request)
    org_id = _digits(request.query_params.get("org"))
    action = LARGE_ACTIONS.get(request.path_params.get("action"))
    if not org_id or action is None:
        raise HttpError(404, "not_found", "页面不存在")
    method, fields, flash = action
    return await submit_form(request, lambda session, form: call(
        request, session, "dues", method, remittance_id=remittance_id,
        data={key: form.get(key, "").strip() for key in fields}),
        _rerender_large(request, org_id, "large-void"),
        lambda result: _large_url(org_id, request.query_params.get("year")), flash=flash)


async def publication_page(request: Request):
    """党费收缴情况公示 of a branch for a year: a printable page (A4 landscape) for the notice board."""
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    pub, root = await asyncio.gather(
        call(request, session, "dues", "publication", org_id=org_id, year=request.query_params.get("year")),
        call(request, session, "org", "get_org", org_id=session.org_id))
    return render(request, "dues_publication.html", session=session, org=org, root=root, pub=pub, tabs=TABS,
                  this_year=date.today().year)
