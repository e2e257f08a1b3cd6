"""Read paths of the dues service: a branch's settings and month (交纳登记 roster, 应交 prefilled),
a member's dues (the card), 党费交至, the summaries (read from the counters: a dozen rows
whatever the subtree), the arrears list (an index range of the counted streaks) and the
少交/免交 applications."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.org_directory import OrgDirectory

from . import inflows as visiting
from .domain import (
    LAPSED,
    REPORT,
    STATUS_LABELS,
    DuesRefused,
    Month,
    MonthlyDue,
    money,
    month_status,
    monthly_due,
    statement,
)
from .domain.bulk_bases import reset_month, was_reset
from .models import (
    bases,
    counted,
    exemptions,
    inflow_payments,
    inflows,
    large_payments,
    members,
    org_directory,
    payments,
    totals,
)
from .remittances import remitted_by_month
from .store import (
    ACTIVE,
    AMOUNTS,
    EXEMPTION_STATE_NAMES,
    FIELDS,
    KIND_NAMES,
    MEMBERS_PER_SHEET,
    accounts,
    base_in_force,
    base_view,
    bases_of,
    branch_of,
    branch_rows,
    exemption_view,
    higher_committee,
    inflow_payment_view,
    large_view,
    load_member,
    member_brief,
    members_by_id,
    month_text,
    on_rolls_in,
    org_views,
    payment_view,
    settings_row,
    shown,
    subtree_identities,
    this_month,
    totals_of,
    year_of,
)

LEVEL_NAMES = {REPORT: "连续3个月未交", LAPSED: "连续6个月未交（按自行脱党处理的情形）"}
PAGE_MAX = 200


def _month(value, default: Month | None = None) -> Month:
    if value in (None, "") and default is not None:
        return default
    try:
        return Month.parse(value)
    except ValueError as error:
        raise ValidationFailed(f"月份{error}", {"month": str(error)}) from None


def _page(page, size, default: int = 50) -> tuple[int, int]:
    try:
        page, size = int(page or 1), int(size or default)
    except (TypeError, ValueError):
        raise ValidationFailed("分页参数应为整数", {"page": "应为整数"}) from None
    if page < 1 or not 1 <= size <= PAGE_MAX:
        raise ValidationFailed(f"页码应为正整数，每页1到{PAGE_MAX}条", {"page": "超出范围"})
    return page, size


def settings(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id) -> dict:
    org = orgs.org(caller, org_id)
    with sessions() as session:
        row = settings_row(session, org["id"])
    if row is None:
        return {"org_id": org["id"], "registration_start": str(this_month()), "quarterly": False, "version": 0,
                "set": False}
    return {"org_id": row.org_id, "registration_start": month_text(row.registration_start),
            "quarterly": row.quarterly, "version": row.version, "set": True}


def _status_view(status) -> dict:
    """One month of the ledger as the API shows it (amounts as strings with two decimals)."""
    standard = status.standard
    return {"month": str(status.month), "due": None if status.due is None else shown(status.due),
            "standard": None if standard is None else shown(standard.amount),
            "bracket": None if standard is None else standard.bracket, "paid": shown(status.paid),
            "paid_on": status.paid_on.isoformat() if status.paid_on else None, "status": status.status,
            "status_name": STATUS_LABELS[status.status], "owed": shown(status.owed), "overdue": status.overdue,
            "problem": status.problem}


def current_base(session, member_id: int, as_of: Month) -> dict | None:
    """The base in force this month (the latest from a month on or before it; else the first to
    come), with its monthly amount and bracket by this month's rules."""
    return base_shown(base_in_force(bases_of(session, [member_id]).get(member_id, []), as_of), as_of)


def base_shown(row, as_of: Month) -> dict | None:
    if row is None:
        return None
    view = base_view(row)
    try:
        due: MonthlyDue = monthly_due(row.kind, row.amount, max(as_of, Month.of(row.from_month)))
        view.update(monthly_due=shown(due.amount), bracket=due.bracket, rule_version=due.rule_version)
    except DuesRefused as refused:
        view["problem"] = refused.message
    return view


def base_roster(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, year=None) -> dict:
    """年度核定: the organization's members on the rolls, each with the base in force (kind, amount,
    from month, monthly due and bracket) and whether it was re-set for `year` (a base applying
    from a month of that year); the base shown is the one in force this month, or in the year's
    December (January) for a year past (to come)."""
    org = orgs.org(caller, org_id)
    year = year_of(year)
    as_of = min(max(this_month(), Month(year, 1)), Month(year, 12))
    with sessions() as session:
        rows = [row for row in branch_rows(session, org["id"]) if row.status == ACTIVE]
        found = bases_of(session, [row.member_id for row in rows])
    entries = []
    for row in sorted(rows, key=lambda r: (r.name, r.member_id)):
        history = found.get(row.member_id, [])
        reset = was_reset([Month.of(b.from_month) for b in history], year)
        entries.append({"member_id": row.member_id, "name": row.name, "category": row.category,
                        "base": base_shown(base_in_force(history, as_of), as_of), "reset": reset})
    done = sum(1 for item in entries if item["reset"])
    return {"org": {"id": org["id"], "name": org["name"], "type": org.get("type")}, "year": year,
            "from_month": str(reset_month(year)), "as_of": str(as_of), "members": entries,
            "counts": {"members": len(entries), "reset": done, "not_reset": len(entries) - done},
            "kinds": KIND_NAMES}


def base_sheet(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, roster_page, org_id) -> dict:
    """The 党费基数表 prefilled: the members on the rolls of the organization and of those under it
    (a branch's sheet, or a whole committee's for 数据迁移, as the import takes), on both the member
    service's rolls and the dues service's (name and 公民身份号码 as in the member roster, each with
    its own organization, by the tree's order) with the kind and amount of the base in force this
    month; `from_month` is this month. `branches`: the sheet spans more than one organization."""
    org = orgs.org(caller, org_id)
    identities = subtree_identities(roster_page, org["id"], MEMBERS_PER_SHEET)
    as_of = this_month()
    with sessions() as session:
        rows = {member_id: row for member_id, row in members_by_id(session, [int(item["id"]) for item in identities])
                .items() if row.status == ACTIVE}
        found = bases_of(session, list(rows))
    places = org_views(orgs, (int(item["org_id"]) for item in identities))
    entries = []
    for item in identities:
        member_id, placed = int(item["id"]), int(item["org_id"])
        row = rows.get(member_id)
        if row is None or row.org_id != placed:  # not (or not yet) where the member service has them
            continue
        base = base_in_force(found.get(member_id, []), as_of)
        entries.append({"member_id": member_id, "name": item["name"], "id_number": item["id_number"],
                        "kind": KIND_NAMES[base.kind] if base else "",
                        "amount": "" if base is None or base.amount is None else shown(base.amount),
                        "from_month": str(as_of), "org_id": placed, "org_name": places[placed]["name"]})
    entries.sort(key=lambda entry: places[entry["org_id"]]["path"])  # stable: by name within an organization
    return {"org": {"id": org["id"], "name": org["name"]}, "from_month": str(as_of), "members": entries,
            "branches": len({entry["org_id"] for entry in entries}) > 1}


def member_dues(sessions: sessionmaker, caller: Caller, member_id, year=None) -> dict:
    """The member card's dues: the base, the year's months (应交/实交/date/status), 党费交至, arrears,
    payments of the year (voided ones too), 大额党费 and 少交/免交."""
    year, as_of = year_of(year), this_month()
    with sessions() as session:
        row = load_member(session, caller, member_id)
        account = accounts(session, [row]).get(row.member_id)
        branch = branch_of(session, row.org_id)
        ledger = statement(account, branch, as_of, through=Month(year, 12)) if account else None
        counted_months = {status.month: status for status in ledger.months} if ledger else {}
        months = []
        for number in range(1, 13):
            month = Month(year, number)
            status = counted_months.get(month)
            months.append(_status_view(status) if status else {
                "month": str(month), "due": None, "standard": None, "bracket": None, "paid": "0.00",
                "paid_on": None, "status": "not_counted", "status_name": "不计", "owed": "0.00", "overdue": False,
                "problem": None})
        history = [base_view(b) for b in session.execute(
            select(bases).where(bases.c.member_id == row.member_id).order_by(bases.c.id.desc()))]
        year_payments = with_collectors(session, [payment_view(p) for p in session.execute(
            select(payments).where(payments.c.member_id == row.member_id,
                                   func.extract("year", payments.c.month) == year)
            .order_by(payments.c.month, payments.c.id))])
        elsewhere = {p["month"]: p["collected_by_org_name"] for p in year_payments
                     if not p["voided"] and p["collected_by_org_id"]}
        for entry in months:
            entry["collected_by_org_name"] = elsewhere.get(entry["month"])
        large = [large_view(p) for p in session.execute(
            select(large_payments).where(large_payments.c.member_id == row.member_id)
            .order_by(large_payments.c.paid_on.desc()))]
        applications = [exemption_view(e, row.name) for e in session.execute(
            select(exemptions).where(exemptions.c.member_id == row.member_id).order_by(exemptions.c.id.desc()))]
        base = current_base(session, row.member_id, as_of)
    arrears = ledger.arrears if ledger else None
    return {
        "member": member_brief(row), "year": year, "as_of": str(as_of),
        "paid_to": str(ledger.paid_to) if ledger and ledger.paid_to else None,
        "base": base, "bases": history, "months": months, "payments": year_payments, "large": large,
        "exemptions": applications,
        "arrears": None if arrears is None else {
            "months": [str(m) for m in arrears.months], "amount": shown(arrears.amount), "streak": arrears.streak,
            "streak_from": str(arrears.streak_from) if arrears.streak_from else None, "level": arrears.level,
            "level_name": LEVEL_NAMES.get(arrears.level)},
        "registration_start": str(branch.registration_start), "quarterly": branch.quarterly,
        "kinds": KIND_NAMES, "problem": None if account else "该党员缺少入党日期，无法计算党费",
    }


def paid_to(sessions: sessionmaker, caller: Caller, member_id) -> dict:
    """党费交至 (the transfer letter reads it): the last month of the unbroken run of settled months."""
    as_of = this_month()
    with sessions() as session:
        row = load_member(session, caller, member_id)
        account = accounts(session, [row]).get(row.member_id)
        ledger = statement(account, branch_of(session, row.org_id), as_of) if account else None
    return {"member_id": row.member_id, "paid_to": str(ledger.paid_to) if ledger and ledger.paid_to else None}


def branch_month(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, month=None) -> dict:
    """交纳登记: the organization's members on the rolls in the month, each with 应交 (after an
    approved 少交/免交), what is paid, the payment recorded and what to prefill; the sheet's totals."""
    org = orgs.org(caller, org_id)
    month, as_of = _month(month, this_month()), this_month()
    with sessions() as session:
        rows = [row for row in branch_rows(session, org["id"]) if on_rolls_in(row, month)]
        found = accounts(session, rows)
        branch = branch_of(session, org["id"])
        setting = settings_row(session, org["id"])
        recorded = {p.member_id: p for p in session.execute(select(payments).where(
            payments.c.member_id.in_([row.member_id for row in rows]), payments.c.month == month.first_day,
            payments.c.voided_at.is_(None)))}
        names = visiting.org_names(session, {p.collected_by_org_id for p in recorded.values()})
        visitors = _inflow_section(session, org["id"], month, as_of)
    entries, sums = [], defaultdict(lambda: money.ZERO)
    counts = defaultdict(int)
    for row in sorted(rows, key=lambda r: (r.name, r.member_id)):
        account = found.get(row.member_id)
        status = month_status(account, branch, month, as_of) if account else None
        view, suggested = _roster_row(status)
        payment = recorded.get(row.member_id)
        shown_payment = payment_view(payment) if payment else None
        if shown_payment:
            shown_payment["collected_by_org_name"] = names.get(payment.collected_by_org_id)
        entries.append({"member_id": row.member_id, "name": row.name, "category": row.category, **view,
                        "payment": shown_payment,
                        "suggested": None if suggested is None else shown(suggested),
                        "payable": status is not None and status.status == "unpaid" and payment is None})
        if status:
            sums["due"] += status.due or money.ZERO
            sums["paid"] += status.paid
            counts[status.status] += 1
    return {"org": {"id": org["id"], "name": org["name"], "type": org.get("type")}, "month": str(month),
            "label": month.label, "as_of": str(as_of), "current": month == as_of,
            "registration_start": str(branch.registration_start), "quarterly": branch.quarterly,
            "settings_set": setting is not None, "members": entries, "inflows": visitors,
            "totals": {"members": len(entries), "due": shown(sums["due"]), "paid": shown(sums["paid"]),
                       "paid_members": counts["paid"], "unpaid_members": counts["unpaid"],
                       "reduced_members": counts["reduced"], "exempt_members": counts["exempt"]}}


def _roster_row(status) -> tuple[dict, object]:
    """A roster row's month (without the month itself) and the amount to prefill: what is still
    owed, else the due; a member without 入党日期 has no status."""
    if status is None:
        return {"due": None, "standard": None, "bracket": None, "paid": "0.00", "paid_on": None, "status": "unpaid",
                "status_name": "未交", "owed": "0.00", "overdue": False, "problem": "缺少入党日期"}, None
    view = _status_view(status)
    view.pop("month", None)
    return view, status.owed if status.owed > 0 else (status.due or None)


def with_collectors(session, views: list[dict]) -> list[dict]:
    """Payment views with the name of the inflow organization that collected them (在流入地交纳)."""
    names = visiting.org_names(session, {view.get("collected_by_org_id") for view in views})
    for view in views:
        view["collected_by_org_name"] = names.get(view.get("collected_by_org_id"))
    return views


def _inflow_section(session, org_id: int, month: Month, as_of: Month) -> dict:
    """The organization's current 流入党员 for a month's roster (not its members: not in its totals).
    A member of this deployment shows their own ledger's month (应交 by their home branch); a
    member from outside, the inflow ledger's payment of the month."""
    rows = visiting.current(session, org_id, month)
    own = [row for row in rows if row.member_id is not None]
    homes = {row.member_id: row for row in session.execute(
        select(members).where(members.c.member_id.in_([row.member_id for row in own])))} if own else {}
    found = accounts(session, list(homes.values()))
    branches = {home.org_id: branch_of(session, home.org_id) for home in homes.values()}
    recorded = {p.member_id: p for p in session.execute(select(payments).where(
        payments.c.member_id.in_(list(homes)), payments.c.month == month.first_day,
        payments.c.voided_at.is_(None)))} if homes else {}
    outside = {p.inflow_id: p for p in session.execute(select(inflow_payments).where(
        inflow_payments.c.inflow_id.in_([row.inflow_id for row in rows if row.member_id is None]),
        inflow_payments.c.month == month.first_day, inflow_payments.c.voided_at.is_(None)))}
    names = visiting.org_names(session, [home.org_id for home in homes.values()]
                               + [p.collected_by_org_id for p in recorded.values()])
    entries, paid = [], money.ZERO
    for row in rows:
        opened = Month.of(row.from_date) <= month
        base = {"inflow_id": row.inflow_id, "member_id": row.member_id, "name": row.member_name,
                "certificate_no": row.certificate_no, "from_date": row.from_date.isoformat(),
                "external": row.member_id is None}
        if row.member_id is None:
            payment = outside.get(row.inflow_id)
            entries.append({**base, "home_org_name": None, "due": None, "bracket": None,
                            "paid": shown(payment.amount if payment else 0),
                            "paid_on": payment.paid_on.isoformat() if payment else None,
                            "status": "paid" if payment else "unpaid", "status_name": "已交" if payment else "未交",
                            "payment": inflow_payment_view(payment) if payment else None, "suggested": None,
                            "payable": payment is None and opened})
            paid += payment.amount if payment else money.ZERO
            continue
        home = homes.get(row.member_id)
        account = found.get(row.member_id)
        status = month_status(account, branches[home.org_id], month, as_of) if account and home else None
        view, suggested = _roster_row(status)
        payment = recorded.get(row.member_id)
        shown_payment = payment_view(payment) if payment else None
        if shown_payment:
            shown_payment["collected_by_org_name"] = names.get(payment.collected_by_org_id)
        entries.append({**base, **view, "home_org_name": names.get(home.org_id) if home else None,
                        "payment": shown_payment, "suggested": None if suggested is None else shown(suggested),
                        "payable": opened and status is not None and status.status == "unpaid" and payment is None})
        paid += status.paid if status else money.ZERO
    return {"members": entries, "totals": {"members": len(entries), "paid": shown(paid),
                                           "paid_members": sum(1 for e in entries if e["status"] != "unpaid")}}


def inflow_dues(sessions: sessionmaker, caller: Caller, inflow_ids) -> dict:
    """The dues paid at the inflow organization during each inflow (for the transfer service's
    inflow page and 返回 report): {inflow id: {months: [{month, amount, paid_on}], count, total}}.
    Inflows the caller may not see (or not projected here yet) are left out."""
    if not isinstance(inflow_ids, list) or len(inflow_ids) > 50:
        raise ValidationFailed("流入登记编号应为不超过50个的列表", {"inflow_ids": "应为列表"})
    ids = sorted({int(i) for i in inflow_ids if isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**63})
    with sessions() as session:
        rows = [row for row in session.execute(select(inflows).where(inflows.c.inflow_id.in_(ids)))
                if visiting.may_see(session, caller, row)]
        paid: dict = {row.inflow_id: [] for row in rows}
        own = [row.inflow_id for row in rows if row.member_id is not None]
        outside = [row.inflow_id for row in rows if row.member_id is None]
        for table, wanted in ((payments, own), (inflow_payments, outside)):
            if wanted:
                for p in session.execute(select(table).where(table.c.inflow_id.in_(wanted), table.c.voided_at.is_(None))
                                         .order_by(table.c.month, table.c.id)):
                    paid[p.inflow_id].append(p)
    return {str(inflow_id): {"inflow_id": inflow_id, "count": len(found),
                             "total": shown(sum((p.amount for p in found), money.ZERO)),
                             "months": [{"month": month_text(p.month), "amount": shown(p.amount),
                                         "paid_on": p.paid_on.isoformat()} for p in found]}
            for inflow_id, found in paid.items()}


def _figures(row: dict | None) -> dict:
    row = row or {name: 0 for name in FIELDS}
    return {"due": shown(row["due"]), "paid": shown(row["paid"]), "late": shown(row["late"]),
            "exempt": shown(row["waived"]), "large": shown(row["large"]),
            "arrears_members": int(row["unpaid_members"]), "exempt_members": int(row["exempt_members"])}


def _year_sum(by_month: dict) -> dict:
    summed = {name: Decimal(0) for name in FIELDS[:AMOUNTS]}
    for number in range(1, 13):
        for name in summed:
            summed[name] += Decimal(by_month.get(number, {}).get(name, 0))
    year_counts = by_month.get(0, {})
    return {**summed, "unpaid_members": year_counts.get("unpaid_members", 0),
            "exempt_members": year_counts.get("exempt_members", 0)}


def summary(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, year=None, month=None) -> dict:
    """The subtree's 应交, 实交 (of it 补交), 大额党费, 少交/免交 amounts and 欠交人数 for a year (欠交:
    members with an overdue month unpaid that year) or one month (欠交: not settled that month),
    with the months of the year and the direct sub-organizations' figures; `remitted`: what the
    organization itself remitted upward (上缴, by the month its period ends in)."""
    org = orgs.org(caller, org_id)
    year = year_of(year)
    number = None
    if month not in (None, ""):
        try:
            number = int(month)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 12:
            raise ValidationFailed("月份应为1到12", {"month": "应为1到12"})
    with sessions() as session:
        by_month = totals_of(session, org["id"], year)
        children = session.execute(select(org_directory.c.id, org_directory.c.name).where(
            org_directory.c.parent_id == org["id"], org_directory.c.status != "deleted")
            .order_by(org_directory.c.id)).all()
        child_rows = defaultdict(dict)
        if children:
            for row in session.execute(select(totals).where(totals.c.org_id.in_([c.id for c in children]),
                                                            totals.c.year == year)):
                child_rows[row.org_id][row.month] = {name: getattr(row, name) for name in FIELDS}

        remitted = remitted_by_month(session, [org["id"], *(c.id for c in children)], year)

    def pick(rows: dict) -> dict:
        return rows.get(number) if number else _year_sum(rows)

    def sent(org_id: int, month: int | None = None) -> dict:
        by_month = remitted.get(org_id, {})
        month = month or number
        return {"remitted": shown(by_month.get(month, 0) if month else sum(by_month.values(), money.ZERO))}

    return {"org_id": org["id"], "org_name": org["name"], "year": year, "month": number,
            **_figures(pick(by_month)), **sent(org["id"]),
            "months": [{"month": f"{year:04d}-{n:02d}", **_figures(by_month.get(n)), **sent(org["id"], n)}
                       for n in range(1, 13)],
            "children": [{"org_id": c.id, "name": c.name, **_figures(pick(child_rows.get(c.id, {}))), **sent(c.id)}
                         for c in children]}


def arrears(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, months=6, page=1, size=50) -> dict:
    """Members on the rolls of the subtree with `months` or more consecutive overdue months with
    no payment (counted from each branch's start month, approved 免交 not counted), longest first."""
    org = orgs.org(caller, org_id)
    try:
        months = int(months or 6)
    except (TypeError, ValueError):
        raise ValidationFailed("months 应为正整数", {"months": "应为正整数"}) from None
    if not 1 <= months <= 120:
        raise ValidationFailed("months 应为1到120", {"months": "应为1到120"})
    page, size = _page(page, size)
    where = (counted.c.org_path.startswith(org["path"], autoescape=True), counted.c.streak >= months,
             counted.c.streak > 0, members.c.status == "active")
    joined = counted.join(members, members.c.member_id == counted.c.member_id).outerjoin(
        org_directory, org_directory.c.id == members.c.org_id)
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(joined).where(*where)).scalar_one()
        rows = session.execute(select(counted, members.c.name, members.c.org_id, org_directory.c.name.label("org_name"))
                               .select_from(joined).where(*where)
                               .order_by(counted.c.streak.desc(), counted.c.member_id)
                               .limit(size).offset((page - 1) * size)).all()
    items = [{"member_id": row.member_id, "name": row.name, "org_id": row.org_id, "org_name": row.org_name,
              "streak": row.streak, "streak_from": month_text(row.streak_from), "arrears_months": row.arrears_months,
              "amount": shown(row.arrears_amount), "paid_to": month_text(row.paid_to),
              "level": LAPSED if row.streak >= 6 else REPORT if row.streak >= 3 else None,
              "level_name": LEVEL_NAMES.get(LAPSED if row.streak >= 6 else REPORT if row.streak >= 3 else None)}
             for row in rows]
    return {"org_id": org["id"], "months": months, "items": items, "total": total, "page": page, "size": size}


def arrears_counts(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id) -> dict:
    """How many of the subtree's members have 3 and 6 months unpaid (home page, 工作督查)."""
    org = orgs.org(caller, org_id)
    where = (counted.c.org_path.startswith(org["path"], autoescape=True), counted.c.streak >= 3,
             members.c.status == "active")
    with sessions() as session:
        three, six = session.execute(select(func.count(), func.count().filter(counted.c.streak >= 6)).select_from(
            counted.join(members, members.c.member_id == counted.c.member_id)).where(*where)).one()
    return {"three": three, "six": six}


def exemption_list(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, state="applied",
                   page=1, size=50) -> dict:
    """少交/免交 applications of the subtree's members (待审批 by default), newest first, each with
    whether this account may approve it (a 党委 above the member's branch)."""
    org = orgs.org(caller, org_id)
    if state not in (*EXEMPTION_STATE_NAMES, "all"):
        raise ValidationFailed("状态应为 applied、approved、refused 或 all", {"state": "未知的状态"})
    page, size = _page(page, size)
    where = [members.c.org_path.startswith(org["path"], autoescape=True)]
    if state != "all":
        where.append(exemptions.c.state == state)
    joined = exemptions.join(members, members.c.member_id == exemptions.c.member_id).outerjoin(
        org_directory, org_directory.c.id == members.c.org_id)
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(joined).where(*where)).scalar_one()
        rows = session.execute(select(exemptions, members.c.name.label("member_name"), members.c.org_path,
                                      org_directory.c.name.label("org_name"))
                               .select_from(joined).where(*where).order_by(exemptions.c.id.desc())
                               .limit(size).offset((page - 1) * size)).all()
    items = [{**exemption_view(row, row.member_name), "org_name": row.org_name,
              "can_decide": row.state == "applied" and higher_committee(caller, orgs, row.org_path) is not None}
             for row in rows]
    return {"org_id": org["id"], "state": state, "items": items, "total": total, "page": page, "size": size}
