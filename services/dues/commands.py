"""Use cases that change dues: a branch's 系统设置, bases, payments (and voiding one), 大额党费,
少交/免交 applications and their approval. Each validates with the pure rules (domain/), checks
the caller's scope, locks the members concerned, writes, recounts the summary counters and
records its event, in one transaction; a refusal writes nothing."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed
from services.shared.field_errors import FieldErrors
from services.shared.field_rules import iso_date
from services.shared.messaging.outbox import record_event, record_events
from services.shared.org_directory import OrgDirectory
from services.shared.versions import require_version

from . import events
from . import inflows as visiting
from .domain import (
    DuesRefused,
    Exemption,
    Month,
    accept_payments,
    check_exemption,
    check_external_payments,
    check_inflow_payments,
    check_large,
    money,
    parse_base,
    parse_exemption,
    parse_payment,
)
from .domain.bulk_bases import check_reset, reset_month
from .models import (
    bases,
    branch_settings,
    counted,
    exemptions,
    inflow_payments,
    inflows,
    large_payments,
    members,
    outbox,
    payments,
)
from .store import (
    ACTIVE,
    accounts,
    base_view,
    branch_of,
    branch_rows,
    counting_lock,
    current_kinds,
    exemption_view,
    inflow_payment_view,
    large_view,
    load_member,
    member_id_of,
    month_text,
    paid_to_of,
    payment_view,
    recount,
    require_higher_committee,
    settings_row,
    this_month,
    year_of,
)

MAX_PAYMENTS = 500  # one request: a large branch's month, or a member's years of 补交
TEXT_MAX = 50
ALREADY_RECORDED = "该月党费已登记，不能重复登记（如需更正，请先作废原记录）"
REASON_MAX = 500
NOT_HERE = "该党员不在本组织的党员名册中，也不是本组织的流入党员"
FIELD_LABELS = {"month": "月份", "amount": "金额", "paid_on": "交纳日期", "method": "交纳方式",
                "member_id": "党员", "collector": "收缴人"}


def _fields_message(errors: FieldErrors, labels: dict = FIELD_LABELS) -> str:
    return "；".join(f"{labels.get(name, name)}：{message}" for name, message in errors.fields.items())


def _event(session: Session, caller: Caller, event_type: str, aggregate: str, version: int, payload: dict) -> None:
    record_event(session, outbox, event_type, aggregate, version, payload, caller)


# 操作日志 lines of the views (their *_name keys already read as names, amounts as text).
BASE_LABELS = {"kind_name": "基数类型", "amount": "基数", "from_month": "起始月份", "monthly_due": "月缴党费"}
PAYMENT_LABELS = {"month": "月份", "amount": "金额", "paid_on": "交纳日期", "method_name": "交纳方式",
                  "kind_name": "类别", "void_reason": "作废原因"}
LARGE_LABELS = {"amount": "金额", "paid_on": "交纳日期", "receipt_no": "收据号"}
INFLOW_PAYMENT_LABELS = {"month": "月份", "amount": "金额", "paid_on": "交纳日期", "method_name": "交纳方式",
                         "collector": "收缴人", "certificate_no": "活动证编号", "void_reason": "作废原因"}
EXEMPTION_LABELS = {"from_month": "起始月份", "to_month": "截止月份", "kind_name": "类型", "amount": "金额",
                    "reason": "原因", "state_name": "状态", "opinion": "审批意见"}


def _audit_event(caller: Caller, row, entity: str, entity_id, action: str, before=None, after=None,
                 labels: dict | None = None) -> tuple:
    """One 操作日志 entry about a member's dues (`row`: the member) as an outbox event tuple."""
    return audit.event(outbox, caller, org_path=row.org_path, entity=entity, entity_id=entity_id, action=action,
                       lines=[{"field": "党员", "before": None, "after": row.name}], before=before, after=after,
                       labels=labels)


def _audit(session: Session, caller: Caller, row, entity: str, entity_id, action: str, before=None, after=None,
           labels: dict | None = None) -> None:
    """One 操作日志 entry about a member's dues, in the change's transaction."""
    record_events(session, outbox, [_audit_event(caller, row, entity, entity_id, action, before, after, labels)],
                  caller)


def _audit_inflow(session: Session, caller: Caller, path: str, name: str, view: dict, action: str,
                  before: dict | None = None) -> None:
    """One 操作日志 entry about a payment of the inflow ledger (a 流入 member from outside), placed under the
    inflow organization that collected it."""
    audit.record(session, outbox, caller, org_path=path, entity="dues_inflow_payment", entity_id=view["id"],
                 action=action, lines=[{"field": "流入党员", "before": None, "after": name}], before=before,
                 after=view, labels=INFLOW_PAYMENT_LABELS)


def _text(data: dict, name: str, label: str, limit: int = TEXT_MAX, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(f"请填写{label}", {name: f"请填写{label}"})
        return None
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise ValidationFailed(f"{label}应为不超过{limit}字的文本", {name: f"不超过{limit}字"})
    return value.strip()


# --- 系统设置 ------------------------------------------------------------------------------------

def set_settings(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, data: dict) -> dict:
    """党费登记开始月份 and quarterly payment of a branch; its members are recounted (months before
    the start are not arrears)."""
    org = orgs.org(caller, org_id)
    data = data or {}
    errors = {}
    try:
        start = Month.parse(data.get("registration_start"))
    except ValueError as error:
        errors["registration_start"] = str(error)
    quarterly = data.get("quarterly", False)
    if not isinstance(quarterly, bool):
        errors["quarterly"] = "应为是或否"
    if errors:
        raise ValidationFailed("党费设置有误", errors)
    if start > this_month():
        raise ValidationFailed("党费登记开始月份不能晚于本月", {"registration_start": "不能晚于本月"})
    with sessions.begin() as session:
        counting_lock(session)
        current = session.execute(select(branch_settings).where(branch_settings.c.org_id == org["id"])
                                  .with_for_update()).first()
        require_version(current.version if current else 0, data.get("version"), "党费设置")
        values = {"registration_start": start.first_day, "quarterly": quarterly, "updated_by": caller.username
                  or caller.user_id, "updated_at": datetime.now(timezone.utc)}
        if current is None:
            session.execute(branch_settings.insert().values(org_id=org["id"], version=1, **values))
        else:
            session.execute(update(branch_settings).where(branch_settings.c.org_id == org["id"])
                            .values(version=branch_settings.c.version + 1, **values))
        recount(session, branch_rows(session, org["id"], lock=True))
        row = settings_row(session, org["id"])
        audit.record(session, outbox, caller, org_path=org["path"], entity="dues_settings", entity_id=org["id"],
                     action="党费设置", before=settings_view(current) if current else None, after=settings_view(row),
                     labels={"registration_start": "党费登记开始月份", "quarterly": "按季度交纳"})
        _event(session, caller, events.DUES_SETTINGS_CHANGED, f"branch-{org['id']}", row.version,
               {"org_id": org["id"], "registration_start": str(start), "quarterly": quarterly})
        return settings_view(row)


def settings_view(row) -> dict:
    return {"org_id": row.org_id, "registration_start": month_text(row.registration_start),
            "quarterly": row.quarterly, "version": row.version, "set": True}


# --- 基数 ---------------------------------------------------------------------------------------

def set_base(sessions: sessionmaker, caller: Caller, member_id, data: dict) -> dict:
    """A member's base from a month on: the monthly amount is computed by the rules in force."""
    data = data or {}
    try:
        base, due = parse_base(data.get("kind"), data.get("amount"), data.get("from_month"))
    except FieldErrors as errors:
        raise ValidationFailed(f"党费基数有误：{_fields_message(errors)}", errors.fields) from None
    except DuesRefused as refused:
        raise ValidationFailed(refused.message, {"amount": refused.message}) from None
    with sessions.begin() as session:
        row = load_member(session, caller, member_id, lock=True)
        base_id = session.execute(bases.insert().values(
            member_id=row.member_id, kind=base.kind, amount=base.amount, from_month=base.from_month.first_day,
            monthly_due=due.amount, bracket=due.bracket, rule_version=due.rule_version,
            created_by=caller.username or caller.user_id).returning(bases.c.id)).scalar_one()
        recount(session, [row])
        saved = session.execute(select(bases).where(bases.c.id == base_id)).one()
        view = {**base_view(saved), "monthly_due": money.shown(due.amount), "bracket": due.bracket}
        _audit(session, caller, row, "dues_base", row.member_id, "设定党费基数", None, view, BASE_LABELS)
        _event(session, caller, events.DUES_BASE_SET, f"member-{row.member_id}", base_id,
               {"member_id": row.member_id, "org_id": row.org_id, **{k: view[k] for k in (
                   "kind", "amount", "from_month", "monthly_due", "bracket", "rule_version")}})
        return view


# --- bases in bulk (年度核定, the 党费基数表) ----------------------------------------------------

MAX_BASES = 2000  # one request or import: a branch's members (a branch over 50 is split; a 党委's own members)
NOT_ON_ROLLS = "该党员不在本组织的在册党员中"


def _base_event(view: dict, row) -> tuple:
    return (events.DUES_BASE_SET, f"member-{row.member_id}", view["id"], {
        "member_id": row.member_id, "org_id": row.org_id,
        **{k: view[k] for k in ("kind", "amount", "from_month", "monthly_due", "bracket", "rule_version")}})


def write_bases(session: Session, caller: Caller, placed: dict[int, int],
                entries: list[dict]) -> tuple[list[dict], dict]:
    """Bases of many members in the caller's transaction (`entries` judged by domain/bulk_bases:
    member_id, kind, amount, from_month, monthly_due, bracket, rule_version; `placed`: {member_id:
    the organization whose rolls they must be on}): the members locked in id order, every one
    checked to be on those rolls; then all written, recounted and their events recorded — or, when
    any is refused, nothing, and the refusals {member_id: reason} answered (the caller raises, so
    nothing is written)."""
    ids = sorted({item["member_id"] for item in entries})
    counting_lock(session)
    rows = {row.member_id: row for row in session.execute(
        select(members).where(members.c.member_id.in_(ids)).order_by(members.c.member_id).with_for_update())}
    refused = {}
    for member_id in ids:
        row = rows.get(member_id)
        if (row is None or row.org_id != placed.get(member_id) or row.status != ACTIVE
                or not caller.covers(row.org_path)):
            refused[member_id] = NOT_ON_ROLLS
    if refused:
        return [], refused
    who = caller.username or caller.user_id
    saved = session.execute(bases.insert().values([{
        "member_id": item["member_id"], "kind": item["kind"], "amount": item["amount"],
        "from_month": Month.parse(item["from_month"]).first_day, "monthly_due": item["monthly_due"],
        "bracket": item["bracket"], "rule_version": item["rule_version"], "created_by": who} for item in entries])
        .returning(*bases.c)).all()
    recount(session, [rows[member_id] for member_id in ids])
    views = [{**base_view(row), "member_id": row.member_id, "name": rows[row.member_id].name} for row in saved]
    for view in views:
        _audit(session, caller, rows[view["member_id"]], "dues_base", view["member_id"], "核定党费基数", None, view,
               BASE_LABELS)
    record_events(session, outbox, [_base_event(view, rows[view["member_id"]]) for view in views], caller)
    return views, refused


def set_bases(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, data: dict) -> dict:
    """年度核定: new bases for many members of an organization in one request — `year` (its January
    is where they start unless `from_month` or an entry's own month says otherwise) and `bases`
    [{member_id, amount, kind?, from_month?}] (a missing kind keeps the member's current one).
    All or nothing: any entry refused → 400 (its input) or 409 (not on the rolls), each reason
    keyed by the member id, nothing written."""
    org = orgs.org(caller, org_id)
    data = data or {}
    year = year_of(data.get("year"))
    default = reset_month(year)
    if data.get("from_month") not in (None, ""):
        try:
            default = Month.parse(data["from_month"])
        except ValueError as error:
            raise ValidationFailed(f"起始月份{error}", {"from_month": str(error)}) from None
    entries = data.get("bases")
    if isinstance(entries, list) and len(entries) > MAX_BASES:
        raise ValidationFailed(f"一次最多核定{MAX_BASES}名党员的基数", {"bases": f"最多{MAX_BASES}项"})
    with sessions.begin() as session:
        kinds = current_kinds(session, org["id"])
        try:
            judged, errors = check_reset(entries, kinds, default)
        except ValueError as error:
            raise ValidationFailed(str(error), {"bases": str(error)}) from None
        names = {row.member_id: row.name for row in branch_rows(session, org["id"])}
        if errors:
            raise ValidationFailed(f"有{len(errors)}名党员的基数有误，全部未核定：" + _named(errors, names), errors)
        views, refused = write_bases(session, caller, {item["member_id"]: org["id"] for item in judged}, judged)
        if refused:
            fields = {str(k): v for k, v in refused.items()}
            raise Conflict(f"有{len(refused)}名党员不能核定，全部未核定：" + _named(fields, names), fields)
    return {"org_id": org["id"], "year": year, "written": len(views), "bases": views}


def _named(errors: dict[str, str], names: dict[int, str]) -> str:
    """Reasons keyed by member id, as a sentence naming the members."""
    def who(key: str) -> str:
        return names.get(int(key), key) if key.isdigit() else key
    return "；".join(f"{who(key)}：{message}" for key, message in list(errors.items())[:20]) + (
        "等" if len(errors) > 20 else "")


# --- 交纳登记 -----------------------------------------------------------------------------------

def _parse_entries(data: dict, key: str = "member_id") -> tuple[dict, list]:
    """{member_id (or inflow_id): [(Payment, collector)]} and the entries refused on their own."""
    entries = data.get("payments")
    if not isinstance(entries, list) or not entries:
        raise ValidationFailed("请至少登记一名党员的党费", {"payments": "请至少登记一笔"})
    if len(entries) > MAX_PAYMENTS:
        raise ValidationFailed(f"一次最多登记{MAX_PAYMENTS}笔党费", {"payments": f"最多{MAX_PAYMENTS}笔"})
    parsed, refused = defaultdict(list), []
    for entry in entries:
        if not isinstance(entry, dict):
            refused.append({key: None, "message": "每笔党费应为一个对象", "input": True})
            continue
        try:
            member_id = member_id_of(entry.get(key))
        except NotFound:
            refused.append({key: None, "message": "党员编号有误" if key == "member_id" else "流入登记编号有误",
                            "input": True})
            continue
        try:
            payment = parse_payment(entry.get("month") or data.get("month"), entry.get("amount"),
                                    entry.get("paid_on"), entry.get("method"))
            collector = _text(entry, "collector", "收缴人")
        except FieldErrors as errors:
            refused.append({key: member_id, "message": _fields_message(errors), "input": True})
            continue
        except ValidationFailed as error:
            refused.append({key: member_id, "message": error.message, "input": True})
            continue
        parsed[member_id].append((payment, collector))
    return parsed, refused


def record_payments(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, data: dict) -> dict:
    """A branch's payments for a month (or several: each entry may name its own month for 补交/
    预交). Each member's are judged by the rules against their ledger; a member refused is listed
    with the reason and the others recorded — or, with `all_or_nothing`, nothing is recorded. A
    request with nothing recorded is refused as a whole (409, nothing written)."""
    org = orgs.org(caller, org_id)
    data = data or {}
    all_or_nothing = data.get("all_or_nothing", False)
    if not isinstance(all_or_nothing, bool):
        raise ValidationFailed("all_or_nothing 应为 true 或 false", {"all_or_nothing": "应为是或否"})
    parsed, refused = _parse_entries(data)
    with sessions.begin() as session:
        return write_payments(session, caller, org, parsed, refused, all_or_nothing)


def write_payments(session: Session, caller: Caller, org: dict, parsed: dict, refused: list,
                   all_or_nothing: bool, action: str = "登记党费") -> dict:
    """The payments of `parsed` ({member_id: [(Payment, collector)]}) judged against each member's
    ledger and written in the caller's transaction, with their events and 操作日志 entries (交纳登记,
    and the 党费交纳记录表's commit: imports.commit_payment_import); `refused` collects the members
    refused, listed in the answer — or, with `all_or_nothing` or nothing accepted, nothing is written.
    `action` names the 操作日志 entry of each payment."""
    today = date.today()
    recorded, written = [], []
    counting_lock(session)
    rows = {row.member_id: row for row in session.execute(
        select(members).where(members.c.member_id.in_(sorted(parsed))).order_by(members.c.member_id)
        .with_for_update())}
    # 流入党员 of this organization pay into their own ledger, judged by their home branch's settings.
    here = visiting.open_at(session, org["id"], [m for m, row in rows.items() if row.org_id != org["id"]])
    branches = {org["id"]: branch_of(session, org["id"])}
    found = accounts(session, list(rows.values()))
    accepted_by_member = {}
    for member_id in sorted(parsed):
        row, inflow = rows.get(member_id), here.get(member_id)
        if row is None or (row.org_id != org["id"] and inflow is None):
            refused.append({"member_id": member_id, "message": NOT_HERE})
            continue
        if member_id not in found:
            refused.append({"member_id": member_id, "message": "该党员缺少入党日期，无法计算党费"})
            continue
        new = [payment for payment, _ in parsed[member_id]]
        taken = {payment.month for payment in found[member_id].payments}
        duplicates = sorted({payment.month for payment in new if payment.month in taken})
        if duplicates:
            refused.append({"member_id": member_id, "message": "；".join(
                f"{month.label}：{ALREADY_RECORDED}" for month in duplicates)})
            continue
        if row.org_id not in branches:
            branches[row.org_id] = branch_of(session, row.org_id)
        try:
            if inflow is not None:
                check_inflow_payments(inflow.state == visiting.IN, inflow.from_date, new)
            accepted_by_member[member_id] = accept_payments(found[member_id], branches[row.org_id], new, today)
        except DuesRefused as refusal:
            refused.append({"member_id": member_id, "message": refusal.message})
    if refused and (all_or_nothing or not accepted_by_member):
        _refuse_all(refused, {row.member_id: row.name for row in rows.values()}, all_or_nothing,
                    bool(accepted_by_member))
    values = []
    for member_id, accepted in accepted_by_member.items():
        collectors = [collector for _, collector in parsed[member_id]]
        inflow = here.get(member_id)
        at = {"collected_by_org_id": org["id"], "inflow_id": inflow.inflow_id} if inflow is not None else {}
        values.extend({"member_id": member_id, "org_id": rows[member_id].org_id, "month": item.payment.month.first_day,
                       "amount": item.payment.amount, "paid_on": item.payment.paid_on, "method": item.payment.method,
                       "collector": collector, "kind": item.kind, "created_by": caller.username or caller.user_id,
                       "collected_by_org_id": None, "inflow_id": None, **at}
                      for item, collector in zip(accepted, collectors))
    # One statement for the whole roster. A month another clerk's payment took meanwhile (the unique
    # index) is skipped; that member's other months are taken back and the member refused.
    saved_by_member = defaultdict(list)
    for saved in session.execute(insert(payments).values(values).on_conflict_do_nothing()
                                 .returning(*payments.c)).all() if values else ():
        saved_by_member[saved.member_id].append(saved)
    for member_id, accepted in accepted_by_member.items():
        saved = sorted(saved_by_member.get(member_id, []), key=lambda payment: payment.id)
        if len(saved) < len(accepted):
            if saved:
                session.execute(delete(payments).where(payments.c.id.in_([payment.id for payment in saved])))
            refused.append({"member_id": member_id, "message": "该月党费已由他人登记，不能重复登记"})
            continue
        warnings = [warning for item in accepted for warning in item.warnings]
        recorded.extend({**payment_view(row), "warnings": warnings} for row in saved)
        written.append((rows[member_id], saved))
    if not written:
        raise Conflict("党费未登记：" + "；".join(item["message"] for item in refused))
    recount(session, [row for row, _ in written])
    paid_to = dict(session.execute(select(counted.c.member_id, counted.c.paid_to).where(
        counted.c.member_id.in_([row.member_id for row, _ in written]))).all())
    outgoing = []
    for row, saved in written:
        outgoing.extend(_audit_event(caller, row, "dues_payment", payment.id, action, None, payment_view(payment),
                                     PAYMENT_LABELS) for payment in saved)
        outgoing.append((events.DUES_PAID, f"member-{row.member_id}", saved[-1].id, {
            "member_id": row.member_id, "org_id": row.org_id, "collected_by_org_id": saved[-1].collected_by_org_id,
            "paid_to": month_text(paid_to.get(row.member_id)),
            "payments": [{key: view[key] for key in ("id", "month", "amount", "paid_on", "method", "kind")}
                         for view in map(payment_view, saved)]}))
    record_events(session, outbox, outgoing, caller)
    return {"recorded": recorded, "count": len(recorded),
            "refused": [{"member_id": item["member_id"], "message": item["message"]} for item in refused]}


def _refuse_all(refused: list, names: dict, all_or_nothing: bool, any_accepted: bool, key: str = "member_id"):
    """Nothing is written: one error listing every refusal (400 when all are input errors, else 409)."""
    lines = [f"{names.get(item[key]) or item[key]}：{item['message']}" for item in refused]
    prefix = "党费未登记："
    if all_or_nothing and any_accepted:
        prefix = f"有{len(refused)}名党员的党费不能登记，全部未登记："
    error = ValidationFailed if all(item.get("input") for item in refused) else Conflict
    raise error(prefix + "；".join(lines), {str(item[key]): item["message"] for item in refused})


def record_inflow_payments(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, data: dict) -> dict:
    """党费 of 流入 members from outside this deployment, paid at this organization: a separate
    inflow ledger (no member record, no base), with the 活动证 number; the same refusals and
    all-or-nothing option as `record_payments`."""
    org = orgs.org(caller, org_id)
    data = data or {}
    all_or_nothing = data.get("all_or_nothing", False)
    if not isinstance(all_or_nothing, bool):
        raise ValidationFailed("all_or_nothing 应为 true 或 false", {"all_or_nothing": "应为是或否"})
    parsed, refused = _parse_entries(data, "inflow_id")
    today, recorded, accepted = date.today(), [], {}
    with sessions.begin() as session:
        rows = {row.inflow_id: row for row in session.execute(
            select(inflows).where(inflows.c.inflow_id.in_(sorted(parsed))).order_by(inflows.c.inflow_id)
            .with_for_update())}
        taken: dict = {}
        for payment in session.execute(select(inflow_payments.c.inflow_id, inflow_payments.c.month).where(
                inflow_payments.c.inflow_id.in_(sorted(rows)), inflow_payments.c.voided_at.is_(None))):
            taken.setdefault(payment.inflow_id, set()).add(Month.of(payment.month))
        for inflow_id in sorted(parsed):
            row = rows.get(inflow_id)
            if row is None or row.org_id != org["id"] or row.member_id is not None:
                refused.append({"inflow_id": inflow_id, "message": "不是本组织登记的系统外流入党员"})
                continue
            new = [payment for payment, _ in parsed[inflow_id]]
            try:
                check_external_payments(row.state == visiting.IN, row.from_date, new, taken.get(inflow_id, set()),
                                        today)
                accepted[inflow_id] = new
            except DuesRefused as refusal:
                refused.append({"inflow_id": inflow_id, "message": refusal.message})
        if refused and (all_or_nothing or not accepted):
            _refuse_all(refused, {i: row.member_name for i, row in rows.items()}, all_or_nothing, bool(accepted),
                        "inflow_id")
        for inflow_id, new in accepted.items():
            row = rows[inflow_id]
            values = [{"inflow_id": inflow_id, "org_id": org["id"], "month": payment.month.first_day,
                       "amount": payment.amount, "paid_on": payment.paid_on, "method": payment.method,
                       "collector": collector, "certificate_no": row.certificate_no,
                       "created_by": caller.username or caller.user_id}
                      for payment, (_, collector) in zip(new, parsed[inflow_id])]
            try:
                with session.begin_nested():
                    saved = session.execute(inflow_payments.insert().values(values)
                                            .returning(*inflow_payments.c)).all()
            except IntegrityError:  # the unique index: another clerk's payment of that month won
                refused.append({"inflow_id": inflow_id, "message": "该月党费已由他人登记，不能重复登记"})
                continue
            views = [inflow_payment_view(p) for p in saved]
            recorded.extend(views)
            for view in views:
                _audit_inflow(session, caller, org["path"], row.member_name, view, "登记流入党员党费")
            _event(session, caller, events.DUES_INFLOW_PAID, f"inflow-{inflow_id}", saved[-1].id, {
                "inflow_id": inflow_id, "org_id": org["id"], "certificate_no": row.certificate_no,
                "payments": [{key: view[key] for key in ("id", "month", "amount", "paid_on", "method")}
                             for view in views]})
        if not recorded:
            raise Conflict("党费未登记：" + "；".join(item["message"] for item in refused))
    return {"recorded": recorded, "count": len(recorded),
            "refused": [{"inflow_id": item["inflow_id"], "message": item["message"]} for item in refused]}


def void_inflow_payment(sessions: sessionmaker, caller: Caller, payment_id, data: dict) -> dict:
    """作废 a payment of the inflow ledger (a member from outside) by the inflow organization."""
    data = data or {}
    reason = _text(data, "reason", "作废原因", REASON_MAX, required=True)
    payment_id = member_id_of(payment_id)
    with sessions.begin() as session:
        current = session.execute(select(inflow_payments).where(inflow_payments.c.id == payment_id)
                                  .with_for_update()).first()
        path = visiting.org_path(session, current.org_id) if current is not None else None
        if current is None or path is None or not caller.covers(path):
            raise NotFound("党费记录不存在")
        if current.voided_at is not None:
            raise Conflict("该笔党费已作废")
        session.execute(update(inflow_payments).where(inflow_payments.c.id == payment_id).values(
            voided_at=datetime.now(timezone.utc), void_reason=reason, voided_by=caller.username or caller.user_id))
        saved = session.execute(select(inflow_payments).where(inflow_payments.c.id == payment_id)).one()
        view = inflow_payment_view(saved)
        name = session.execute(select(inflows.c.member_name).where(inflows.c.inflow_id == saved.inflow_id)).scalar()
        _audit_inflow(session, caller, path, name, view, "作废流入党员党费", inflow_payment_view(current))
        _event(session, caller, events.DUES_INFLOW_PAYMENT_VOIDED, f"inflow-{saved.inflow_id}", payment_id, {
            "inflow_id": saved.inflow_id, "org_id": saved.org_id, "payment_id": payment_id, "month": view["month"],
            "amount": view["amount"], "reason": reason})
        return view


def _collecting(session: Session, caller: Caller, payment) -> bool:
    """The inflow organization that collected a payment may void it while the member is still there."""
    path = visiting.org_path(session, payment.collected_by_org_id)
    if path is None or not caller.covers(path):
        return False
    return session.execute(select(inflows.c.inflow_id).where(
        inflows.c.inflow_id == payment.inflow_id, inflows.c.state == visiting.IN)).first() is not None


def _member_record(session: Session, caller: Caller, table, record_id: int, missing: str,
                   collector_may: bool = False):
    """A member's record (a payment, an application) and the member, both locked, member first
    (the order every change of that member takes); NotFound, or Forbidden out of scope (with
    `collector_may`, a payment's collecting inflow organization is in scope too)."""
    found = session.execute(select(table).where(table.c.id == record_id)).first()
    if found is None:
        raise NotFound(missing)
    collector = collector_may and found.collected_by_org_id is not None and _collecting(session, caller, found)
    member = load_member(session, caller, found.member_id, lock=True, scoped=not collector)
    return member, session.execute(select(table).where(table.c.id == record_id).with_for_update()).one()


def void_payment(sessions: sessionmaker, caller: Caller, payment_id, data: dict) -> dict:
    """作废 a payment with its reason (kept, shown struck out); the month is owed again."""
    data = data or {}
    reason = _text(data, "reason", "作废原因", REASON_MAX, required=True)
    payment_id = member_id_of(payment_id)
    with sessions.begin() as session:
        row, current = _member_record(session, caller, payments, payment_id, "党费记录不存在",
                                      collector_may=True)
        if current.voided_at is not None:
            raise Conflict("该笔党费已作废")
        session.execute(update(payments).where(payments.c.id == payment_id).values(
            voided_at=datetime.now(timezone.utc), void_reason=reason, voided_by=caller.username or caller.user_id))
        recount(session, [row])
        saved = session.execute(select(payments).where(payments.c.id == payment_id)).one()
        _audit(session, caller, row, "dues_payment", payment_id, "作废党费记录", payment_view(current),
               payment_view(saved), {**PAYMENT_LABELS, "voided": "已作废"})
        _event(session, caller, events.DUES_PAYMENT_VOIDED, f"member-{row.member_id}", payment_id, {
            "member_id": row.member_id, "org_id": row.org_id, "payment_id": payment_id,
            "month": month_text(saved.month), "amount": money.shown(saved.amount), "reason": reason,
            "paid_to": paid_to_of(session, row.member_id)})
        return payment_view(saved)


# --- 大额党费 -----------------------------------------------------------------------------------

def record_large(sessions: sessionmaker, caller: Caller, member_id, data: dict) -> dict:
    """A voluntary single payment of 1000 元 or more, with its receipt number, apart from dues."""
    data = data or {}
    errors, values = {}, {}
    for name, check in (("amount", money.amount), ("paid_on", iso_date)):
        try:
            values[name] = check(data.get(name))
        except ValueError as error:
            errors[name] = str(error)
    try:
        receipt = _text(data, "receipt_no", "收据号", 40, required=True)
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        raise ValidationFailed("大额党费信息有误：" + "；".join(
            f"{FIELD_LABELS.get(k, '收据号')}：{v}" for k, v in errors.items()), errors)
    if values["paid_on"] > date.today():
        raise ValidationFailed("交纳日期不能晚于今天", {"paid_on": "不能晚于今天"})
    try:
        check_large(values["amount"], values["paid_on"])
    except DuesRefused as refused:
        raise ValidationFailed(refused.message, {"amount": refused.message}) from None
    with sessions.begin() as session:
        row = load_member(session, caller, member_id, lock=True)
        if row.joined_on is None or values["paid_on"] < row.joined_on:
            raise Conflict("交纳日期早于入党日期")
        if row.status != "active" and row.left_on and values["paid_on"] > row.left_on:
            raise Conflict("该党员此时已不在册")
        try:
            with session.begin_nested():
                saved = session.execute(large_payments.insert().values(
                    member_id=row.member_id, org_id=row.org_id, amount=values["amount"], paid_on=values["paid_on"],
                    receipt_no=receipt, created_by=caller.username or caller.user_id)
                    .returning(*large_payments.c)).one()
        except IntegrityError:
            raise Conflict(f"收据号{receipt}已登记过大额党费", {"receipt_no": "已登记"}) from None
        recount(session, [row])
        view = large_view(saved)
        _audit(session, caller, row, "dues_payment", saved.id, "登记大额党费", None, view, LARGE_LABELS)
        _event(session, caller, events.DUES_LARGE_PAID, f"member-{row.member_id}", saved.id,
               {**{k: view[k] for k in ("id", "amount", "paid_on", "receipt_no")}, "member_id": row.member_id,
                "org_id": row.org_id})
        return view


# --- 少交/免交 ----------------------------------------------------------------------------------

def _exemption(row) -> Exemption:
    return Exemption(Month.of(row.from_month), Month.of(row.to_month), row.kind, row.amount,
                     approved=row.state == "approved")


def _exemptions_of(session: Session, member_id: int, state: str, but: int | None = None) -> list:
    query = select(exemptions).where(exemptions.c.member_id == member_id, exemptions.c.state == state)
    if but is not None:
        query = query.where(exemptions.c.id != but)
    return [_exemption(row) for row in session.execute(query)]


def apply_exemption(sessions: sessionmaker, caller: Caller, member_id, data: dict) -> dict:
    """The branch applies for 少交/免交 for a member (period, kind, amount, reason)."""
    data = data or {}
    try:
        new = parse_exemption(data.get("from_month"), data.get("to_month"), data.get("kind"), data.get("amount"),
                              data.get("reason"))
    except FieldErrors as errors:
        raise ValidationFailed("少交/免交申请有误", errors.fields) from None
    with sessions.begin() as session:
        row = load_member(session, caller, member_id, lock=True)
        account = accounts(session, [row]).get(row.member_id)
        if account is None:
            raise Conflict("该党员缺少入党日期，无法申请")
        try:
            check_exemption(account, new, _exemptions_of(session, row.member_id, "applied"))
        except DuesRefused as refused:
            raise Conflict(refused.message) from None
        saved = session.execute(exemptions.insert().values(
            member_id=row.member_id, org_id=row.org_id, from_month=new.from_month.first_day,
            to_month=new.to_month.first_day, kind=new.kind, amount=new.amount, reason=data["reason"].strip(),
            applied_by=caller.username or caller.user_id).returning(*exemptions.c)).one()
        view = exemption_view(saved, row.name)
        _audit(session, caller, row, "dues_exemption", saved.id, "申请少交/免交", None, view, EXEMPTION_LABELS)
        _event(session, caller, events.DUES_EXEMPTION_APPLIED, f"member-{row.member_id}", saved.id,
               exemption_payload(view))
        return view


def exemption_payload(view: dict) -> dict:
    return {"exemption_id": view["id"], **{key: view[key] for key in (
        "member_id", "org_id", "from_month", "to_month", "kind", "amount", "state", "opinion", "approver_org_id")}}


def decide_exemption(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, exemption_id, approve: bool,
                     data: dict) -> dict:
    """The higher 党委 approves (应交 changes from then on) or refuses, with its opinion."""
    data = data or {}
    opinion = _text(data, "opinion", "审批意见", REASON_MAX, required=not approve)
    exemption_id = member_id_of(exemption_id)
    with sessions.begin() as session:
        row, current = _member_record(session, caller, exemptions, exemption_id, "少交/免交申请不存在")
        approver = require_higher_committee(caller, orgs, row.org_path)
        require_version(current.version, data.get("version"), "该申请")
        if current.state != "applied":
            raise Conflict("该申请已审批，不能再次审批")
        if approve:
            account = accounts(session, [row])[row.member_id]
            try:
                check_exemption(account, _exemption(current))
            except DuesRefused as refused:
                raise Conflict(refused.message) from None
        session.execute(update(exemptions).where(exemptions.c.id == exemption_id).values(
            state="approved" if approve else "refused", opinion=opinion, approver_org_id=approver["id"],
            approver=f"{approver['name']}（{caller.username or caller.user_id}）",
            decided_at=datetime.now(timezone.utc), version=exemptions.c.version + 1))
        if approve:
            recount(session, [row])
        saved = session.execute(select(exemptions).where(exemptions.c.id == exemption_id)).one()
        view = exemption_view(saved, row.name)
        _audit(session, caller, row, "dues_exemption", saved.id, "批准少交/免交" if approve else "不批准少交/免交",
               exemption_view(current, row.name), view, EXEMPTION_LABELS)
        _event(session, caller, events.DUES_EXEMPTION_DECIDED, f"member-{row.member_id}", saved.id,
               exemption_payload(view))
        return view


# --- the monthly advance ----------------------------------------------------------------------

def advance(sessions: sessionmaker, limit: int = 200) -> int:
    """Members counted in an earlier month are recounted (a month over makes arrears and 应交 of
    the new month): a batch per call, from a timer, until none is behind."""
    first = this_month().first_day
    with sessions.begin() as session:
        ids = session.execute(select(counted.c.member_id).where(counted.c.as_of < first)
                              .order_by(counted.c.member_id).limit(limit)).scalars().all()
        if not ids:
            return 0
        rows = session.execute(select(members).where(members.c.member_id.in_(ids)).order_by(members.c.member_id)
                               .with_for_update(skip_locked=True)).all()
        recount(session, rows)
        return len(rows)
