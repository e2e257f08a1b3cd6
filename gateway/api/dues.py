"""党费 (docs/DUES.md): a branch's 系统设置 and month (交纳登记), payments (and voiding one), bases,
大额党费 (and a subtree's, reported upward, and handed up in full level by level), 少交/免交 with the
higher 党委's approval, summaries, arrears, 上缴 (and its reminder), the yearly 公示 and the Excel sheets. Each
route is one RPC to the dues service, which checks scope and the rules itself; amounts travel as
strings with two decimals."""
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..auth import require_session
from ..excel.dues import (
    large_remittance_sheet,
    large_sheet,
    month_sheet,
    publication_sheet,
    remittance_sheet,
    summary_sheet,
)
from ..excel.template import dues_base_template
from .common import call, check_types, path_id, read_json, record_action
from .exports import XLSX, download_operation, workbook_download
from .imports import ERRORS_LIST, FILE_LIMITS, IMPORT_ID, IMPORT_TIMEOUT, uploaded_rows
from .spec import BOOL, DATE, ID, INT, STR, obj, op, query_param

AMOUNT = {"type": "string", "pattern": r"^\d+\.\d{2}$", "description": "金额（元，两位小数）"}
AMOUNT_IN = {"type": ["string", "number"], "description": "金额（元），最多两位小数；建议用字符串，如 \"12.50\""}
MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "年月 YYYY-MM"}
NULLABLE = {"type": ["string", "null"]}


async def _json(request: Request, method: str, status: int = 200, **kwargs):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "dues", method, **kwargs), status_code=status)


async def _body(request: Request, types: dict, optional: bool = False) -> dict:
    data = await read_json(request, optional=optional)
    check_types(data, types)
    return data


async def get_settings(request: Request):
    return await _json(request, "settings", org_id=path_id(request))


async def put_settings(request: Request):
    org_id = path_id(request)
    data = await _body(request, {"registration_start": str, "version": int})
    return await _json(request, "set_settings", org_id=org_id, data=data)


async def put_base(request: Request):
    member_id = path_id(request)
    data = await _body(request, {"kind": str, "amount": (str, int), "from_month": str})
    return await _json(request, "set_base", member_id=member_id, data=data)


async def base_roster(request: Request):
    return await _json(request, "base_roster", org_id=path_id(request), year=request.query_params.get("year"))


async def set_bases(request: Request):
    org_id = path_id(request)
    data = await _body(request, {"year": (int, str), "from_month": str, "bases": list})
    return await _json(request, "set_bases", org_id=org_id, data=data)


async def base_template(request: Request):
    """The 党费基数表 prefilled with the organization's members."""
    session = await require_session(request)
    sheet = await call(request, session, "dues", "base_sheet", org_id=path_id(request))
    filename = quote(f"{sheet['org']['name']}-党费基数表.xlsx")
    return Response(dues_base_template(sheet), media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{filename}"})


async def create_base_import(request: Request):
    """An uploaded 党费基数表 read as every sheet is (limits, a worker process), previewed by the
    dues service."""
    session = await require_session(request)
    org_id = path_id(request)
    rows = await uploaded_rows(request, "dues_base")
    return JSONResponse(await call(request, session, "dues", "create_base_import", org_id=org_id, rows=rows,
                                   timeout=IMPORT_TIMEOUT), status_code=201)


async def get_base_import(request: Request):
    return await _json(request, "get_base_import", import_id=request.path_params["id"])


async def commit_base_import(request: Request):
    session = await require_session(request)
    await read_json(request, optional=True)
    return JSONResponse(await call(request, session, "dues", "commit_base_import",
                                   import_id=request.path_params["id"], timeout=IMPORT_TIMEOUT))


async def member_dues(request: Request):
    return await _json(request, "member_dues", member_id=path_id(request), year=request.query_params.get("year"))


async def paid_to(request: Request):
    return await _json(request, "paid_to", member_id=path_id(request))


async def record_payments(request: Request):
    org_id = path_id(request)
    data = await _body(request, {"month": str, "payments": list})
    return await _json(request, "record_payments", status=201, org_id=org_id, data=data)


async def record_inflow_payments(request: Request):
    """党费 of 流入 members from outside this deployment (the inflow ledger)."""
    org_id = path_id(request)
    data = await _body(request, {"month": str, "payments": list})
    return await _json(request, "record_inflow_payments", status=201, org_id=org_id, data=data)


async def branch_month(request: Request):
    return await _json(request, "branch_month", org_id=path_id(request), month=request.query_params.get("month"))


async def record_large(request: Request):
    member_id = path_id(request)
    data = await _body(request, {"amount": (str, int), "paid_on": str, "receipt_no": str})
    return await _json(request, "record_large", status=201, member_id=member_id, data=data)


async def apply_exemption(request: Request):
    member_id = path_id(request)
    data = await _body(request, {"from_month": str, "to_month": str, "kind": str, "amount": (str, int),
                                 "reason": str})
    return await _json(request, "apply_exemption", status=201, member_id=member_id, data=data)


async def exemptions(request: Request):
    params = request.query_params
    return await _json(request, "exemptions", org_id=path_id(request), state=params.get("state", "applied"),
                       page=params.get("page", "1"), size=params.get("size", "50"))


async def summary(request: Request):
    params = request.query_params
    return await _json(request, "summary", org_id=path_id(request), year=params.get("year"),
                       month=params.get("month"))


async def arrears(request: Request):
    params = request.query_params
    return await _json(request, "arrears", org_id=path_id(request), months=params.get("months", "6"),
                       page=params.get("page", "1"), size=params.get("size", "50"))


async def arrears_counts(request: Request):
    return await _json(request, "arrears_counts", org_id=path_id(request))


async def remittances(request: Request):
    params = request.query_params
    return await _json(request, "remittances", org_id=path_id(request), year=params.get("year"),
                       period=params.get("period"))


async def remittance_due(request: Request):
    return await _json(request, "remittance_due", org_id=path_id(request))


async def large_dues(request: Request):
    params = request.query_params
    return await _json(request, "large_dues", org_id=path_id(request), year=params.get("year"),
                       page=params.get("page", "1"), size=params.get("size", "50"))


LARGE_PAGE = 200


async def large_xlsx(request: Request):
    """A subtree's 大额党费 of a year in Excel: every page of the list, then the totals."""
    session = await require_session(request)
    org_id, year = path_id(request), request.query_params.get("year")
    pages = [await call(request, session, "dues", "large_dues", org_id=org_id, year=year, page=1, size=LARGE_PAGE)]
    while len(pages) * LARGE_PAGE < pages[0]["total"]:
        pages.append(await call(request, session, "dues", "large_dues", org_id=org_id, year=year,
                                page=len(pages) + 1, size=LARGE_PAGE))
    writer, rows = large_sheet(pages[0], pages)

    async def chunks():
        yield rows

    listing = pages[0]
    return await workbook_download(request, session, writer, chunks(),
                                   f"{listing['org']['name']}-{listing['year']}年大额党费.xlsx")


async def publication(request: Request):
    return await _json(request, "publication", org_id=path_id(request), year=request.query_params.get("year"))


REMITTANCE_TYPES = {"amount": (str, int), "remitted_on": str, "receipt_no": str, "note": str}


async def record_remittance(request: Request):
    org_id = path_id(request)
    data = await _body(request, {"period": str, **REMITTANCE_TYPES})
    return await _json(request, "record_remittance", status=201, org_id=org_id, data=data)


async def correct_remittance(request: Request):
    """更正: the old record voided with the reason, the new one recorded (201)."""
    remittance_id = path_id(request)
    data = await _body(request, {**REMITTANCE_TYPES, "reason": str, "version": int})
    return await _json(request, "correct_remittance", status=201, remittance_id=remittance_id, data=data)


async def large_remittances(request: Request):
    return await _json(request, "large_remittances", org_id=path_id(request), year=request.query_params.get("year"))


async def record_large_remittance(request: Request):
    """大额党费 handed up in full: the payments held (all, or `payment_ids`), the amount their sum (201)."""
    org_id = path_id(request)
    data = await _body(request, {"remitted_on": str, "amount": (str, int), "voucher_no": str, "note": str,
                                 "payment_ids": list})
    return await _json(request, "record_large_remittance", status=201, org_id=org_id, data=data)


def _sheet(method: str, param: str, build, filename):
    """An Excel download of one dues RPC's answer (`method(org_id, <param>=?<param>)`): `build`
    gives the writer and rows, `filename` the file's name."""
    async def endpoint(request: Request):
        session = await require_session(request)
        answer = await call(request, session, "dues", method, org_id=path_id(request),
                            **{param: request.query_params.get(param)})
        writer, rows = build(answer)

        async def pages():
            yield rows

        return await workbook_download(request, session, writer, pages(), filename(answer))
    endpoint.__name__ = f"{method}_xlsx"
    return endpoint


month_xlsx = _sheet("branch_month", "month", month_sheet, lambda s: f"{s['org']['name']}-{s['label']}党费收缴表.xlsx")
summary_xlsx = _sheet("summary", "year", summary_sheet, lambda s: f"{s['org_name']}-{s['year']}年党费收缴汇总.xlsx")
remittances_xlsx = _sheet("remittances", "year", remittance_sheet,
                          lambda s: f"{s['org']['name']}-{s['year']}年党费上缴.xlsx")
large_remittances_xlsx = _sheet("large_remittance_year", "year", large_remittance_sheet,
                                lambda s: f"{s['org']['name']}-{s['year']}年大额党费上缴.xlsx")
publication_xlsx = _sheet("publication", "year", publication_sheet,
                          lambda s: f"{s['org']['name']}-{s['year']}年党费收缴情况公示.xlsx")


routes = [
    Route("/orgs/{id}/dues/settings", get_settings),
    Route("/orgs/{id}/dues/settings", put_settings, methods=["PUT"]),
    Route("/members/{id}/dues/base", put_base, methods=["PUT"]),
    Route("/orgs/{id}/dues/bases", base_roster),
    Route("/orgs/{id}/dues/bases", set_bases, methods=["POST"]),
    Route("/orgs/{id}/dues/bases/template.xlsx", base_template),
    Route("/orgs/{id}/dues/bases/imports", create_base_import, methods=["POST"]),
    Route("/dues/base-imports/{id}", get_base_import),
    Route("/dues/base-imports/{id}/commit", commit_base_import, methods=["POST"]),
    Route("/members/{id}/dues", member_dues),
    Route("/members/{id}/dues/paid-to", paid_to),
    Route("/members/{id}/dues/large", record_large, methods=["POST"]),
    Route("/members/{id}/dues/exemptions", apply_exemption, methods=["POST"]),
    Route("/orgs/{id}/dues/payments", record_payments, methods=["POST"]),
    Route("/orgs/{id}/dues/inflow-payments", record_inflow_payments, methods=["POST"]),
    Route("/orgs/{id}/dues/month", branch_month),
    Route("/orgs/{id}/dues/month.xlsx", month_xlsx),
    Route("/orgs/{id}/dues/exemptions", exemptions),
    Route("/orgs/{id}/dues/summary", summary),
    Route("/orgs/{id}/dues/summary.xlsx", summary_xlsx),
    Route("/orgs/{id}/dues/remittances", remittances),
    Route("/orgs/{id}/dues/remittances", record_remittance, methods=["POST"]),
    Route("/orgs/{id}/dues/remittances.xlsx", remittances_xlsx),
    Route("/orgs/{id}/dues/remittances/due", remittance_due),
    Route("/orgs/{id}/dues/large", large_dues),
    Route("/orgs/{id}/dues/large.xlsx", large_xlsx),
    Route("/orgs/{id}/dues/large/remittances", large_remittances),
    Route("/orgs/{id}/dues/large/remittances", record_large_remittance, methods=["POST"]),
    Route("/orgs/{id}/dues/large/remittances.xlsx", large_remittances_xlsx),
    Route("/dues/large-remittances/{id}/void", record_action("dues", "void_large_remittance", "remittance_id",
                                                             {"reason": str}), methods=["POST"]),
    Route("/dues/large-remittances/{id}/confirm", record_action("dues", "confirm_large_remittance", "remittance_id",
                                                                {"opinion": str}), methods=["POST"]),
    Route("/dues/large-remittances/{id}/return", record_action("dues", "return_large_remittance", "remittance_id",
                                                               {"reason": str}), methods=["POST"]),
    Route("/orgs/{id}/dues/publication", publication),
    Route("/orgs/{id}/dues/publication.xlsx", publication_xlsx),
    Route("/dues/remittances/{id}/correct", correct_remittance, methods=["POST"]),
    Route("/dues/remittances/{id}/void", record_action("dues", "void_remittance", "remittance_id", {"reason": str}),
          methods=["POST"]),
    Route("/dues/remittances/{id}/confirm", record_action("dues", "confirm_remittance", "remittance_id",
                                                          {"opinion": str}), methods=["POST"]),
    Route("/dues/remittances/{id}/return", record_action("dues", "return_remittance", "remittance_id",
                                                         {"reason": str}), methods=["POST"]),
    Route("/orgs/{id}/dues/arrears", arrears),
    Route("/orgs/{id}/dues/arrears/counts", arrears_counts),
    Route("/dues/payments/{id}/void", record_action("dues", "void_payment", "payment_id", {"reason": str}),
          methods=["POST"]),
    Route("/dues/inflow-payments/{id}/void", record_action("dues", "void_inflow_payment", "payment_id",
                                                           {"reason": str}), methods=["POST"]),
    Route("/dues/exemptions/{id}/approve", record_action("dues", "approve_exemption", "exemption_id",
                                                         {"opinion": str}), methods=["POST"]),
    Route("/dues/exemptions/{id}/refuse", record_action("dues", "refuse_exemption", "exemption_id",
                                                        {"opinion": str}), methods=["POST"]),
]

# --- OpenAPI ----------------------------------------------------------------------------------

KINDS = {"type": "string", "enum": ["employed", "annual_salary", "self_employed", "retired", "farmer", "student",
                                    "unemployed", "relief", "subsistence"],
         "description": "；".join((
             "employed 在职（税后月工资）", "annual_salary 年薪制（当月实际收入）",
             "self_employed 个体（上季度月平均纯收入）", "retired 离退休（实得离退休费）",
             "farmer 农民（每月0.2—1元，支部确定的数额）", "student 学生", "unemployed 下岗失业",
             "relief 依靠抚恤或救济生活", "subsistence 低保（每月0.2元）"))}
VERSION = {"type": "integer", "description": "读取时得到的 version；已被他人修改时返回 409"}
SETTINGS = obj(["org_id", "registration_start", "quarterly", "version"], org_id=INT,
               registration_start={**MONTH, "description": "党费登记开始月份（此前的月份不计欠交）"},
               quarterly={**BOOL, "description": "允许按季度交纳"}, version=INT,
               set={**BOOL, "description": "是否已设置（未设置时开始月份按本月计）"})
MONTH_ROW = obj(["month", "due", "paid", "paid_on"], month=MONTH,
                due={**NULLABLE, "description": "应交（少交/免交批准后；无基数时为 null）"},
                standard={**NULLABLE, "description": "按基数应交"}, bracket=NULLABLE, paid=AMOUNT,
                paid_on={**NULLABLE, "format": "date"},
                status={"type": "string", "enum": ["paid", "unpaid", "reduced", "exempt", "not_counted"]},
                status_name=STR, owed=AMOUNT, overdue=BOOL)
PAYMENT = obj(["id", "member_id", "month", "amount", "paid_on", "kind"], id=INT, member_id=INT, month=MONTH,
              amount=AMOUNT, paid_on=DATE, method={"type": "string", "enum": ["self", "proxy"]}, collector=STR,
              kind={"type": "string", "enum": ["monthly", "late", "early"], "description": "按月、补交、预交"},
              collected_by_org_id={"type": ["integer", "null"],
                                   "description": "在流入地交纳时：收缴的流入党组织（否则为 null）"},
              collected_by_org_name={**NULLABLE, "description": "收缴的流入党组织名称"},
              inflow_id={"type": ["integer", "null"], "description": "交纳时的流入登记"},
              voided=BOOL, void_reason=NULLABLE, warnings={"type": "array", "items": STR})
INFLOW_PAYMENT = obj(["id", "inflow_id", "month", "amount", "paid_on"], id=INT, inflow_id=INT, org_id=INT,
                     month=MONTH, amount=AMOUNT, paid_on=DATE, method={"type": "string", "enum": ["self", "proxy"]},
                     collector=STR, certificate_no={**NULLABLE, "description": "活动证编号"}, voided=BOOL,
                     void_reason=NULLABLE)
INFLOW_ENTRY = obj(["inflow_id", "amount", "paid_on"], inflow_id={**INT, "description": "系统外流入党员的流入登记编号"},
                   amount=AMOUNT_IN, paid_on=DATE,
                   method={"type": "string", "enum": ["self", "proxy"], "description": "本人（默认）或代交"},
                   collector={"type": "string", "maxLength": 50, "description": "收缴人"},
                   month={**MONTH, "description": "本笔的交纳月份（缺省为上面的 month）"})
EXEMPTION = obj(["id", "member_id", "from_month", "to_month", "kind", "state"], id=INT, member_id=INT,
                member_name=STR, from_month=MONTH, to_month=MONTH,
                kind={"type": "string", "enum": ["reduce", "exempt"]},
                amount={**NULLABLE, "description": "少交后每月应交"}, reason=STR,
                state={"type": "string", "enum": ["applied", "approved", "refused"]}, state_name=STR,
                opinion=NULLABLE, approver=NULLABLE, version=INT)
SIGNED = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "金额（元，两位小数，可为负）"}
FIGURES = {"due": {**AMOUNT, "description": "应交"}, "paid": {**AMOUNT, "description": "实交"},
           "remitted": {**AMOUNT, "description": "本组织上缴上级的金额（按所缴期间的最后一个月计）"},
           "late": {**AMOUNT, "description": "实交中的补交"}, "large": {**AMOUNT, "description": "大额党费"},
           "exempt": {**AMOUNT, "description": "少交、免交减免的金额"},
           "arrears_members": {**INT, "description": "欠交人数（年：当年有逾期未交月份的党员；月：该月未交的党员）"},
           "exempt_members": {**INT, "description": "少交/免交人数"}}
SUMMARY = obj(["due", "paid", "arrears_members", "large", "exempt"], org_id=INT, org_name=STR, year=INT,
              month={"type": ["integer", "null"]}, **FIGURES,
              months={"type": "array", "items": obj([], month=MONTH, **FIGURES)},
              children={"type": "array", "items": obj([], org_id=INT, name=STR, **FIGURES),
                        "description": "直属下级党组织（各含其下级）"})
ENTRY = obj(["member_id", "amount", "paid_on"], member_id=INT, amount=AMOUNT_IN, paid_on=DATE,
            method={"type": "string", "enum": ["self", "proxy"], "description": "本人（默认）或代交"},
            collector={"type": "string", "maxLength": 50, "description": "收缴人"},
            month={**MONTH, "description": "本笔的交纳月份（缺省为上面的 month）"})
PAYMENTS_IN = obj(["month", "payments"], month={**MONTH, "description": "交纳月份（每笔可另指定，用于补交、预交）"},
                  payments={"type": "array", "maxItems": 500, "items": ENTRY},
                  all_or_nothing={**BOOL, "description": "true：任何一笔不能登记则全部不登记（409）"})
REFUSED = {"type": "array", "items": obj(["member_id", "message"], member_id={"type": ["integer", "null"]},
                                          message=STR)}
RECORDED = obj(["recorded", "refused"], recorded={"type": "array", "items": PAYMENT}, refused=REFUSED, count=INT)
INFLOW_RECORDED = obj(["recorded", "refused"], recorded={"type": "array", "items": INFLOW_PAYMENT}, count=INT,
                      refused={"type": "array", "items": obj(["inflow_id", "message"],
                                                             inflow_id={"type": ["integer", "null"]}, message=STR)})
MEMBER_DUES = obj(["paid_to", "months"], paid_to={**NULLABLE, "description": "党费交至 YYYY-MM"},
                  months={"type": "array", "items": MONTH_ROW}, payments={"type": "array", "items": PAYMENT},
                  exemptions={"type": "array", "items": EXEMPTION}, base={"type": ["object", "null"]},
                  arrears={"type": ["object", "null"]})
BASE_OUT = obj(["monthly_due", "bracket"], monthly_due=AMOUNT, bracket=STR, kind=STR, kind_name=STR,
               amount=NULLABLE, from_month=MONTH, rule_version=STR)
BASE_IN = obj(["kind", "from_month"], kind=KINDS, amount=AMOUNT_IN, from_month=MONTH)
LARGE = obj(["id", "amount", "paid_on", "receipt_no"], id=INT, amount=AMOUNT, paid_on=DATE, receipt_no=STR)
LARGE_IN = obj(["amount", "paid_on", "receipt_no"], amount=AMOUNT_IN, paid_on=DATE,
               receipt_no={"type": "string", "maxLength": 40, "description": "收据号（不能重复）"})
EXEMPTION_IN = obj(["from_month", "to_month", "kind", "reason"], from_month=MONTH, to_month=MONTH,
                   kind={"type": "string", "enum": ["reduce", "exempt"], "description": "reduce 少交；exempt 免交"},
                   amount={**AMOUNT_IN, "description": "少交后每月应交（少交时必填）"},
                   reason={"type": "string", "maxLength": 500})
ARREAR = obj(["member_id", "name", "streak"], member_id=INT, name=STR, org_id=INT, org_name=NULLABLE, streak=INT,
             streak_from=MONTH, arrears_months=INT, amount=AMOUNT, paid_to=NULLABLE, level=NULLABLE,
             level_name=NULLABLE)
BASE_ROW = obj(["member_id", "kind", "from_month", "monthly_due", "bracket"], row={"type": ["integer", "null"]},
               member_id=INT, name=STR, id_number=STR, kind=KINDS, amount=NULLABLE, from_month=MONTH,
               monthly_due=AMOUNT, bracket=STR, rule_version=STR)
ROSTER_BASE = {"type": ["object", "null"], "description": "现行基数（无基数时为 null）",
               "properties": {"kind": KINDS, "kind_name": STR, "amount": NULLABLE, "from_month": MONTH,
                              "monthly_due": AMOUNT, "bracket": STR, "problem": NULLABLE}}
BASE_ROSTER = obj(["year", "from_month", "members", "counts"], year=INT,
                  from_month={**MONTH, "description": "新基数缺省的起始月份（该年1月）"}, as_of=MONTH,
                  org={"type": "object"}, kinds={"type": "object"},
                  members={"type": "array", "items": obj(
                      ["member_id", "name", "base", "reset"], member_id=INT, name=STR, category=NULLABLE,
                      base=ROSTER_BASE, reset={**BOOL, "description": "该年1月以来已核定（有从该年某月起的基数）"})},
                  counts=obj(["members", "reset", "not_reset"], members=INT, reset=INT, not_reset=INT))
BASES_IN = obj(["bases"], year={**INT, "description": "核定年度，缺省为今年"},
               from_month={**MONTH, "description": "起始月份，缺省为该年1月"},
               bases={"type": "array", "maxItems": 2000, "items": obj(
                   ["member_id"], member_id=INT, amount=AMOUNT_IN,
                   kind={**KINDS, "description": "缺省为现行基数的类别"},
                   from_month={**MONTH, "description": "本项的起始月份（缺省为上面的 from_month）"})})
BASES_OUT = obj(["written", "bases"], org_id=INT, year=INT, written=INT, bases={"type": "array", "items": BASE_ROW})
IMPORT_ERRORS = {"type": "array", "items": obj(["row", "field", "message"], row=INT, field=STR, message=STR,
                                                 name=STR, id_number=STR)}
BASE_IMPORT = obj(["id", "rows", "valid", "errors", "items"], id=STR, status=STR, org_id=INT, org_name=STR,
                  rows=INT, valid=INT, written={"type": ["integer", "null"]}, errors=IMPORT_ERRORS,
                  items={"type": "array", "items": BASE_ROW, "description": "有效行：匹配到的党员、每月应交及档次"})
PERIOD = {"type": "string", "description": "所缴期间：YYYY-MM（月）、YYYY-Qn（季度）、YYYY-Hn（半年）或 YYYY（全年）"}
REMITTANCE = obj(
    ["id", "org_id", "to_org_id", "period", "amount", "remitted_on", "state"], id=INT, org_id=INT,
    org_name={**NULLABLE, "description": "上缴的党组织"}, to_org_id=INT,
    to_org_name={**NULLABLE, "description": "收款的上级党组织"}, period=PERIOD, period_label=STR, amount=AMOUNT,
    collected={**AMOUNT, "description": "上缴组织（含下级）该期间的实交党费"},
    difference={**SIGNED, "description": "差额：实交 − 上缴"}, remitted_on=DATE, receipt_no=NULLABLE, note=NULLABLE,
    state={"type": "string", "enum": ["recorded", "confirmed", "returned"],
           "description": "recorded 待确认；confirmed 已确认收到；returned 已退回（收款方退回，不再计入，可重新登记）"},
    state_name=STR, opinion=NULLABLE, confirmed_by=NULLABLE, confirmed_at=NULLABLE,
    replaces_id={"type": ["integer", "null"], "description": "更正时：被更正（已作废）的记录"}, voided=BOOL,
    void_reason=NULLABLE, voided_by=NULLABLE, recorded_by=NULLABLE, recorded_at=NULLABLE, version=INT,
    can_confirm=BOOL, can_return={**BOOL, "description": "本账号可以退回（收款的上级党组织或更上级，待确认的）"},
    can_correct=BOOL, can_void=BOOL)
STANDING = obj(["period", "collected", "remitted", "difference"], period=PERIOD, label=STR,
               collected={**AMOUNT, "description": "实交"}, remitted={**AMOUNT, "description": "上缴"},
               confirmed={**AMOUNT, "description": "其中已确认收到"},
               difference={**SIGNED, "description": "实交 − 上缴"},
               pending={**INT, "description": "待确认的上缴笔数"})
REMITTANCES = obj(
    ["org", "year", "own", "children", "received"], org={"type": "object"}, year=INT, period=PERIOD, period_label=STR,
    parent={"type": ["object", "null"], "description": "收款的上级党组织（无上级时为 null）"},
    can_record={**BOOL, "description": "本账号可以登记本组织的上缴（本组织的账号）"},
    choices={"type": "array", "description": "可选的所缴期间（已开始的；taken：与已登记的重叠）",
             "items": obj(["period", "label", "taken"], period=PERIOD, label=STR, taken=BOOL)},
    own=obj(["quarters", "year", "items"], quarters={"type": "array", "items": STANDING}, year=STANDING,
            items={"type": "array", "items": REMITTANCE}),
    children={"type": "array", "items": obj(["org_id", "name"], org_id=INT, name=STR,
                                            **STANDING["properties"]),
              "description": "直属下级党组织：其（含下级）实交、上缴本组织的金额和差额"},
    received={"type": "array", "items": REMITTANCE, "description": "下级上缴本组织的记录（含已作废）"})
REMITTANCE_FIELDS = dict(amount=AMOUNT_IN, remitted_on={**DATE, "description": "上缴日期"},
                         receipt_no={"type": "string", "maxLength": 40, "description": "收据号"},
                         note={"type": "string", "maxLength": 500, "description": "备注"})
REMITTANCE_IN = obj(["period", "amount", "remitted_on"], period=PERIOD, **REMITTANCE_FIELDS)
CORRECTION_IN = obj(["amount", "remitted_on", "reason"], **REMITTANCE_FIELDS,
                    reason={"type": "string", "maxLength": 500, "description": "更正原因"}, version=VERSION)
YEAR = query_param("year", INT, "年度，缺省为今年")
REMITTANCE_DUE = obj(
    ["period", "own", "children"], org_id=INT, period=PERIOD, period_label=STR,
    own={"type": ["object", "null"],
         "description": "本组织尚未上缴的月份（months）及其实交（collected）、收款的上级（parent）；"
                        "已上缴或无实交时为 null"},
    children={"type": "array", "description": "尚未上缴的直属下级党组织",
              "items": obj(["org_id", "name", "months", "collected"], org_id=INT, name=STR,
                           months={"type": "array", "items": MONTH}, collected=AMOUNT)})
FORWARDING = obj(["remittance_id", "org_id", "remitted_on"], remittance_id=INT, org_id=INT, org_name=NULLABLE,
                 to_org_id={"type": ["integer", "null"], "description": "收款的上级党组织（null：上缴党中央）"},
                 to_org_name=NULLABLE, remitted_on=DATE, voucher_no=STR)
LARGE_COUNT = obj(["count", "amount"], count=INT, amount=AMOUNT)
LARGE_ITEM = obj(["id", "member_id", "name", "amount", "paid_on", "receipt_no"], id=INT, member_id=INT, name=STR,
                 org_id={**INT, "description": "党员现所在党组织"}, org_name=NULLABLE,
                 recorded_org_id={**INT, "description": "登记时的党组织"}, recorded_org_name=NULLABLE,
                 amount=AMOUNT, paid_on=DATE, receipt_no=STR, recorded_by=NULLABLE,
                 forwarded={"type": "array", "items": FORWARDING,
                            "description": "各级上缴该笔大额党费的记录（按日期）"},
                 remitted_on={**NULLABLE, "description": "本组织上缴该笔的日期（未上缴为 null）"},
                 held_by={**NULLABLE, "description": "（持有清单）该笔现在所在的党组织"})
LARGE_LIST = obj(["year", "items", "total", "amount", "years"], org={"type": "object"}, year=INT,
                 items={"type": "array", "items": LARGE_ITEM}, total={**INT, "description": "该年笔数"},
                 amount={**AMOUNT, "description": "该年合计"}, page=INT, size=INT,
                 years={"type": "array", "description": "各年度合计（新的在前）",
                        "items": obj(["year", "count", "amount"], year=INT, count=INT, amount=AMOUNT)},
                 remitted={**LARGE_COUNT, "description": "该年已由本组织上缴的笔数、金额"},
                 unremitted={**LARGE_COUNT, "description": "该年本组织尚未上缴的笔数、金额"})
LARGE_REMITTANCE = obj(
    ["id", "org_id", "remitted_on", "amount", "voucher_no", "payments", "voided"], id=INT, org_id=INT,
    org_name=NULLABLE, to_org_id={"type": ["integer", "null"], "description": "收款的上级党组织（null：党中央）"},
    to_org_name=NULLABLE, remitted_on=DATE, amount=AMOUNT, voucher_no=STR, note=NULLABLE,
    payments={"type": "array", "items": obj(["id", "amount", "paid_on", "receipt_no"], id=INT, member_id=INT,
                                            name=NULLABLE, amount=AMOUNT, paid_on=DATE, receipt_no=STR)},
    state={"type": "string", "enum": ["recorded", "confirmed", "returned", "centre"],
           "description": "recorded 待确认；confirmed 收款的党组织已确认收到；"
                          "returned 已退回（所缴各笔重新计为本组织未上缴）；"
                          "centre 报党中央（根组织上缴党中央，系统内没有收款的党组织，无需确认）"},
    state_name={**STR, "description": "待确认、已确认、已退回、已作废、报党中央"},
    opinion={**NULLABLE, "description": "收款的党组织的确认意见或退回原因"}, confirmed_by=NULLABLE,
    confirmed_at=NULLABLE,
    voided=BOOL, void_reason=NULLABLE, voided_by=NULLABLE, recorded_by=NULLABLE, recorded_at=NULLABLE,
    version=INT, can_void=BOOL,
    can_confirm={**BOOL, "description": "本账号可以确认收到（收款的党组织的账号，待确认的）"},
    can_return={**BOOL, "description": "本账号可以退回（同上）"})
LARGE_REMITTANCE_IN = obj(
    ["remitted_on", "amount", "voucher_no"], remitted_on={**DATE, "description": "上缴日期"},
    amount={**AMOUNT_IN, "description": "上缴金额：须等于所缴各笔大额党费之和"},
    voucher_no={"type": "string", "maxLength": 40, "description": "收据（凭证）号"},
    note={"type": "string", "maxLength": 500, "description": "备注"},
    payment_ids={"type": "array", "maxItems": 500, "items": INT,
                 "description": "所缴的大额党费（编号）；缺省为本组织持有的全部未上缴大额党费"})
LARGE_REMITTANCES = obj(
    ["org", "to", "can_record", "held", "items"], org={"type": "object"},
    to_confirm={**INT, "description": "下级上缴本组织、本组织尚未确认或退回的记录数"},
    to={"type": "object", "description": "收款的上级党组织（根组织为党中央，id 为 null）"},
    can_record={**BOOL, "description": "本账号可以登记本组织的大额党费上缴（本组织的账号）"},
    held=obj(["count", "amount", "items"], count=INT, amount=AMOUNT,
             items={"type": "array", "items": LARGE_ITEM,
                    "description": "本组织持有（本组织及下级登记、本组织尚未上缴）的大额党费；held_by 现在何处"}),
    items={"type": "array", "items": LARGE_REMITTANCE, "description": "本组织及下级的大额党费上缴记录（新的在前）"})
YEAR_LINE = {"months": {"type": "array", "items": obj(["month", "due", "paid"], month=MONTH,
                                                      due={**NULLABLE, "description": "应交（未计的月份为 null）"},
                                                      paid={**NULLABLE, "description": "实交"})},
             "due": {**AMOUNT, "description": "全年应交"}, "paid": {**AMOUNT, "description": "全年实交"},
             "large": {**AMOUNT, "description": "大额党费（不计入实交）"}}
PUBLICATION = obj(["year", "members", "totals"], org={"type": "object"}, year=INT, as_of=MONTH,
                  through={**MONTH, "description": "统计截至月份"}, generated_on=DATE,
                  members={"type": "array", "items": obj(["member_id", "name", "months", "due", "paid"],
                                                         member_id=INT, name=STR, left=BOOL, **YEAR_LINE)},
                  totals=obj(["members", "months", "due", "paid"], members=INT, **YEAR_LINE))
MONTH_PARAM = query_param("month", MONTH, "缺省为本月")
PAGING = [query_param("page", INT), query_param("size", INT, "每页条数，1到200，默认50")]
STATE = query_param("state", {"type": "string", "enum": ["applied", "approved", "refused", "all"]}, "缺省为待审批")
DECISION = obj([], opinion={"type": "string", "maxLength": 500, "description": "审批意见（不批准时必填）"},
               version=VERSION)
SUMMARY_TEXT = "本组织及下级的党费汇总（年或月）：应交、实交、补交、大额、减免、欠交人数"
PAYMENTS_TEXT = ("交纳登记：一个支部一个月（或逐笔指定月份的补交、预交）的党费；"
                 "不能登记的列在 refused（没有一笔能登记时 409，不写入）")
DUES_TEXT = "党员的党费：基数、当年各月应交/实交/交纳日期、党费交至、欠交、大额党费、少交/免交"


def _list(items: dict) -> dict:
    return obj(["items", "total"], items={"type": "array", "items": items}, total=INT, page=INT, size=INT)


OPENAPI_PATHS = {
    "/orgs/{id}/dues/settings": {
        "get": op("支部党费设置（党费登记开始月份、是否按季度交纳）", "设置", SETTINGS, params=[ID]),
        "put": op("修改支部党费设置；本支部党员的欠交随之重算", "设置", SETTINGS, obj(
            ["registration_start"], registration_start=MONTH, quarterly=BOOL, version=VERSION), params=[ID])},
    "/members/{id}/dues/base": {"put": op("核定党费基数（从某月起）：按规定计算每月应交及所用档次", "应交",
                                          BASE_OUT, BASE_IN, params=[ID])},
    "/members/{id}/dues": {"get": op(DUES_TEXT, "党费", MEMBER_DUES, params=[ID, YEAR])},
    "/orgs/{id}/dues/bases": {
        "get": op("年度核定名册：本组织在册党员的现行基数（类别、金额、起始月份、每月应交），是否已于该年核定",
                  "名册", BASE_ROSTER, params=[ID, YEAR]),
        "post": op("年度核定：一次为多名党员核定新基数（起始月份缺省为该年1月）；任何一项有误则全部不核定，"
                   "fields 按党员编号列出原因（400 输入有误，409 不在本组织在册党员中）", "已核定", BASES_OUT, BASES_IN,
                   params=[ID])},
    "/orgs/{id}/dues/bases/template.xlsx": {"get": download_operation(
        "下载党费基数表（按本组织在册党员预填姓名、公民身份号码、现行类别和基数，起始月份为本月）", params=[ID])},
    "/orgs/{id}/dues/bases/imports": {"post": {
        **op("上传党费基数表，返回预览：每行匹配的党员、每月应交及档次，或该行的问题", "预览", BASE_IMPORT,
             params=[ID], status="201"),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
            ["file"], file={"type": "string", "format": "binary",
                            "description": FILE_LIMITS + "；党费基数表最多 2000 行"})}}}}},
    "/dues/base-imports/{id}": {"get": op("党费基数导入的预览和状态", "导入", BASE_IMPORT, params=[IMPORT_ID])},
    "/dues/base-imports/{id}/commit": {"post": op(
        "写入预览中的全部有效行（一个事务）；预览后有党员不能再核定（已转出、减少等）时全部不写入（409）", "写入结果",
        obj(["written", "refused"], id=STR, org_id=INT, written=INT, skipped_rows=INT,
            refused={**ERRORS_LIST, "description": "预览中有误、未写入的行"},
            bases={"type": "array", "items": BASE_ROW}),
        params=[IMPORT_ID])},
    "/members/{id}/dues/paid-to": {"get": op("党费交至（组织关系介绍信使用）", "党费交至", obj(
        ["member_id", "paid_to"], member_id=INT, paid_to=NULLABLE), params=[ID])},
    "/orgs/{id}/dues/payments": {"post": op(PAYMENTS_TEXT, "已登记", RECORDED, PAYMENTS_IN, params=[ID],
                                            status="201")},
    "/orgs/{id}/dues/inflow-payments": {"post": op(
        "系统外流入党员在本组织交纳的党费（单独的流入党费账，记活动证编号）：仅本组织流入中的党员，"
        "流入月份起；不能登记的列在 refused（没有一笔能登记时 409，不写入）", "已登记", INFLOW_RECORDED, obj(
            ["month", "payments"], month=MONTH, payments={"type": "array", "maxItems": 500, "items": INFLOW_ENTRY},
            all_or_nothing={**BOOL, "description": "true：任何一笔不能登记则全部不登记（409）"}),
        params=[ID], status="201")},
    "/dues/inflow-payments/{id}/void": {"post": op("作废系统外流入党员的一笔党费（流入党组织，须填原因）", "已作废",
                                                   INFLOW_PAYMENT, obj(["reason"], reason={"type": "string",
                                                                                           "maxLength": 500}),
                                                   params=[ID])},
    "/orgs/{id}/dues/month": {"get": op(
        "交纳登记名册：该月在册党员、应交（预填）、已交；inflows 为本组织当前的流入党员（不计入合计）", "名册", obj(
            ["month", "members", "totals"], month=MONTH, members={"type": "array", "items": {"type": "object"}},
            totals={"type": "object"}, inflows=obj(["members", "totals"],
                                                   members={"type": "array", "items": {"type": "object"}},
                                                   totals={"type": "object"})), params=[ID, MONTH_PARAM])},
    "/orgs/{id}/dues/month.xlsx": {"get": download_operation("导出支部月度党费收缴表（Excel）",
                                                             params=[ID, MONTH_PARAM])},
    "/dues/payments/{id}/void": {"post": op("作废一笔党费（须填原因，保留记录）；该月重新计为未交", "已作废",
                                            PAYMENT, obj(["reason"], reason={"type": "string", "maxLength": 500}),
                                            params=[ID])},
    "/members/{id}/dues/large": {"post": op("大额党费（一次1000元以上，单独登记，不计入按月党费）", "已登记",
                                            LARGE, LARGE_IN, params=[ID], status="201")},
    "/members/{id}/dues/exemptions": {"post": op("申请少交/免交（由上级党委审批，批准后改变应交）", "已申请",
                                                 EXEMPTION, EXEMPTION_IN, params=[ID], status="201")},
    "/orgs/{id}/dues/exemptions": {"get": op("本组织及下级的少交/免交申请", "列表", _list(EXEMPTION),
                                             params=[ID, STATE, *PAGING])},
    "/dues/exemptions/{id}/approve": {"post": op("上级党委批准少交/免交", "已批准", EXEMPTION, DECISION, params=[ID],
                                                 body_required=False)},
    "/dues/exemptions/{id}/refuse": {"post": op("上级党委不批准少交/免交（须填意见）", "未批准", EXEMPTION, DECISION,
                                                params=[ID], body_required=False)},
    "/orgs/{id}/dues/summary": {"get": op(SUMMARY_TEXT, "汇总", SUMMARY, params=[
        ID, YEAR, query_param("month", INT, "1—12；缺省为全年")])},
    "/orgs/{id}/dues/summary.xlsx": {"get": download_operation("导出年度党费收缴汇总（按月、按直属下级）",
                                                               params=[ID, YEAR])},
    "/orgs/{id}/dues/remittances": {
        "get": op("党费上缴：本组织上缴上级的记录及各季度实交、上缴、差额；直属下级的实交、上缴本组织的金额和差额；"
                  "下级上缴本组织的记录（待确认可确认收到）", "上缴", REMITTANCES,
                  params=[ID, YEAR, query_param("period", PERIOD, "下级汇总的期间，缺省为全年")]),
        "post": op("登记本组织上缴上级党组织的党费（仅本组织的账号）：期间已开始、已有实交、不超过实交、"
                   "与已登记的期间不重叠", "已登记", REMITTANCE, REMITTANCE_IN, params=[ID], status="201")},
    "/orgs/{id}/dues/remittances.xlsx": {"get": download_operation("导出年度党费上缴情况（Excel）", params=[ID, YEAR])},
    "/dues/remittances/{id}/correct": {"post": op(
        "更正未确认的上缴（本组织）：原记录作废（保留，注明原因），按新金额等重新登记同一期间", "已更正", REMITTANCE,
        CORRECTION_IN, params=[ID], status="201")},
    "/dues/remittances/{id}/void": {"post": op(
        "作废上缴记录（须填原因，保留记录）：待确认的由本组织作废，已确认的由收款的上级党组织作废", "已作废",
        REMITTANCE,
        obj(["reason"], reason={"type": "string", "maxLength": 500}, version=VERSION), params=[ID])},
    "/dues/remittances/{id}/confirm": {"post": op(
        "收款的上级党组织（或更上级）确认收到上缴", "已确认", REMITTANCE,
        obj([], opinion={"type": "string", "maxLength": 500}, version=VERSION), params=[ID], body_required=False)},
    "/dues/remittances/{id}/return": {"post": op(
        "收款的上级党组织（或更上级）退回待确认的上缴（须填原因）：记录保留为已退回、不再计入，该期间可由上缴方重新登记",
        "已退回", REMITTANCE, obj(["reason"], reason={"type": "string", "maxLength": 500}, version=VERSION),
        params=[ID])},
    "/orgs/{id}/dues/remittances/due": {"get": op(
        "上缴提醒：上一季度（已结束的最近一个季度）有实交而尚未登记上缴的月份——本组织（有上级时）和各直属下级党组织；"
        "按月、季度、半年或全年登记的上缴均计入", "提醒", REMITTANCE_DUE, params=[ID])},
    "/orgs/{id}/dues/large": {"get": op(
        "本组织及下级党员交纳的大额党费（单独登记，不计入按月党费）：该年逐笔（党员、所在党组织、金额、日期、收据号）"
        "及各年度合计", "大额党费", LARGE_LIST, params=[ID, YEAR, *PAGING])},
    "/orgs/{id}/dues/large.xlsx": {"get": download_operation("导出该年大额党费（逐笔及各年度合计，Excel）",
                                                             params=[ID, YEAR])},
    "/orgs/{id}/dues/large/remittances": {
        "get": op("大额党费上缴：本组织持有（本组织及下级登记、本组织尚未上缴）的大额党费及合计；"
                  "本组织及下级的上缴记录",
                  "大额党费上缴", LARGE_REMITTANCES, params=[ID, query_param("year", INT, "只列该年的上缴记录")]),
        "post": op("登记本组织将大额党费全额上缴上级党组织（仅本组织的账号）：缺省为持有的全部未上缴大额党费；"
                   "金额须等于所缴各笔之和（否则422）；本组织已上缴过的（409）；非本组织及下级登记的（403）；"
                   "不符时不登记任何内容", "已登记", LARGE_REMITTANCE, LARGE_REMITTANCE_IN, params=[ID],
                   status="201")},
    "/dues/large-remittances/{id}/void": {"post": op(
        "作废大额党费上缴记录（须填原因，保留记录）：待确认的由本组织作废，已确认的只能由收款的党组织作废（上缴方409）；"
        "所缴各笔重新计为本组织未上缴", "已作废", LARGE_REMITTANCE,
        obj(["reason"], reason={"type": "string", "maxLength": 500}, version=VERSION), params=[ID])},
    "/orgs/{id}/dues/large/remittances.xlsx": {"get": download_operation(
        "导出该年本组织及下级的大额党费上缴记录（逐条及所缴各笔、状态，按状态合计；Excel）", params=[ID, YEAR])},
    "/dues/large-remittances/{id}/confirm": {"post": op(
        "收款的党组织（仅其账号）确认收到下级的大额党费上缴；确认后上缴方不能作废（409）；上缴党中央的无需确认（409）",
        "已确认", LARGE_REMITTANCE, obj([], opinion={"type": "string", "maxLength": 500}, version=VERSION),
        params=[ID], body_required=False)},
    "/dues/large-remittances/{id}/return": {"post": op(
        "收款的党组织（仅其账号）退回待确认的大额党费上缴（须填原因）：记录保留为已退回，所缴各笔重新计为上缴方未上缴，"
        "由上缴方重新登记", "已退回", LARGE_REMITTANCE,
        obj(["reason"], reason={"type": "string", "maxLength": 500}, version=VERSION), params=[ID])},
    "/orgs/{id}/dues/publication": {"get": op(
        "党费收缴情况公示（年度）：本组织党员每月应交、实交及全年合计，大额党费单独列出，支部合计；"
        "不能公示尚未开始的年度（400）", "公示", PUBLICATION, params=[ID, YEAR])},
    "/orgs/{id}/dues/publication.xlsx": {"get": download_operation(
        "导出党费收缴情况公示（Excel，A4横向）", params=[ID, YEAR])},
    "/orgs/{id}/dues/arrears": {"get": op("欠交党员：连续 months 个月（缺省6）未交党费的在册党员", "列表",
                                          {**_list(ARREAR), "properties": {**_list(ARREAR)["properties"],
                                                                           "months": INT}},
                                          params=[ID, query_param("months", INT, "连续未交月数，缺省6"), *PAGING])},
    "/orgs/{id}/dues/arrears/counts": {"get": op("连续3个月、6个月未交党费的人数", "人数", obj(
        ["three", "six"], three=INT, six=INT), params=[ID])},
}
