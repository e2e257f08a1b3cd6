"""Two read-only reports of the dues service (docs/DUES.md, "大额党费 upward" and "公示"):

- 大额党费 of a subtree for a higher 党委, county or province: each payment (member, branch, amount, date,
  receipt number), which levels handed it up (large_remittances.py) and the totals per year — kept apart
  from monthly dues as everywhere;
- 党费收缴情况公示: a branch's year for its members — each member's 应交/实交 by month and the year's
  sums, 大额党费 apart, the branch's totals (pure lines: domain/publication.py).

Both count a member where they are now, as the summaries do (a transferred member's ledger moves with
them), so their totals equal the summary's `large`, `due` and `paid`."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.org_directory import OrgDirectory

from . import inflows as visiting
from .domain import Month, money, statement
from .domain.publication import YearLine, branch_year, member_year
from .large_remittances import forwardings
from .models import large_payments, large_remittance_items, members
from .queries import _page
from .store import accounts, branch_of, branch_rows, shown, this_month, year_of


def _org(org: dict) -> dict:
    return {"id": org["id"], "name": org["name"], "type": org.get("type")}


def large_list(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, year=None, page=1,
               size=50) -> dict:
    """The subtree's 大额党费 of a year, by date (a page), with the year's count and amount and every
    year's totals. Large payments are few (a voluntary ≥ 1000 yuan): the year filter and the path of
    the member's current organization are checked on the joined rows."""
    org = orgs.org(caller, org_id)
    year = year_of(year)
    page, size = _page(page, size)
    under = members.c.org_path.startswith(org["path"], autoescape=True)
    joined = large_payments.join(members, members.c.member_id == large_payments.c.member_id)
    in_year = (large_payments.c.paid_on >= date(year, 1, 1), large_payments.c.paid_on < date(year + 1, 1, 1))
    paid_year = func.extract("year", large_payments.c.paid_on)
    with sessions() as session:
        years = session.execute(select(paid_year.label("year"), func.count().label("count"),
                                       func.sum(large_payments.c.amount).label("amount"))
                                .select_from(joined).where(under).group_by(paid_year).order_by(paid_year.desc())).all()
        rows = session.execute(select(large_payments, members.c.name, members.c.org_id.label("member_org_id"))
                               .select_from(joined).where(under, *in_year)
                               .order_by(large_payments.c.paid_on, large_payments.c.id)
                               .limit(size).offset((page - 1) * size)).all()
        names = visiting.org_names(session, {row.member_org_id for row in rows} | {row.org_id for row in rows})
        levels = forwardings(session, [row.id for row in rows])
        # 已上缴 / 未上缴 of the year, as this organization sees it: handed up by it, or still held at it or below
        here = select(large_remittance_items.c.payment_id).where(large_remittance_items.c.org_id == org["id"],
                                                                  large_remittance_items.c.voided.is_(False))
        sent = session.execute(select(func.count().label("count"), func.sum(large_payments.c.amount).label("amount"))
                               .select_from(joined).where(under, *in_year, large_payments.c.id.in_(here))).one()
    this_year = next((y for y in years if int(y.year) == year), None)
    year_amount = this_year.amount if this_year else money.ZERO
    sent_amount = sent.amount or money.ZERO
    items = [{"id": row.id, "member_id": row.member_id, "name": row.name, "org_id": row.member_org_id,
              "org_name": names.get(row.member_org_id), "recorded_org_id": row.org_id,
              "recorded_org_name": names.get(row.org_id), "amount": shown(row.amount),
              "paid_on": row.paid_on.isoformat(), "receipt_no": row.receipt_no, "recorded_by": row.created_by,
              "forwarded": levels.get(row.id, []),
              "remitted_on": next((f["remitted_on"] for f in levels.get(row.id, []) if f["org_id"] == org["id"]),
                                  None)}
             for row in rows]
    return {"org": _org(org), "year": year, "items": items, "total": this_year.count if this_year else 0,
            "amount": shown(year_amount), "page": page, "size": size,
            "remitted": {"count": sent.count, "amount": shown(sent_amount)},
            "unremitted": {"count": (this_year.count if this_year else 0) - sent.count,
                           "amount": shown(year_amount - sent_amount)},
            "years": [{"year": int(y.year), "count": y.count, "amount": shown(y.amount)} for y in years]}


def _line(line: YearLine, year: int) -> dict:
    def value(amount):
        return None if amount is None else shown(amount)
    return {"months": [{"month": f"{year:04d}-{n + 1:02d}", "due": value(line.due[n]), "paid": value(line.paid[n])}
                       for n in range(12)],
            "due": shown(line.due_total), "paid": shown(line.paid_total), "large": shown(line.large)}


def publication(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, year=None) -> dict:
    """党费收缴情况公示 of an organization's own members (a branch's) for a year: every member with a
    counted month that year (or 大额党费 paid in it), by name; the branch's line; a year to come is refused."""
    org = orgs.org(caller, org_id)
    year, as_of = year_of(year), this_month()
    if year > as_of.year:
        raise ValidationFailed(f"{year}年尚未开始，不能公示", {"year": "不能晚于今年"})
    with sessions() as session:
        rows = branch_rows(session, org["id"])
        found = accounts(session, rows)
        branch = branch_of(session, org["id"])
        large = defaultdict(lambda: money.ZERO)
        if found:
            for item in session.execute(select(large_payments.c.member_id, large_payments.c.amount).where(
                    large_payments.c.member_id.in_(list(found)), large_payments.c.paid_on >= date(year, 1, 1),
                    large_payments.c.paid_on < date(year + 1, 1, 1))):
                large[item.member_id] += item.amount
    entries, lines = [], []
    for row in sorted(rows, key=lambda r: (r.name, r.member_id)):
        account = found.get(row.member_id)
        if account is None:
            continue
        line = member_year(statement(account, branch, as_of, through=Month(year, 12)), year, as_of,
                           large[row.member_id])
        if all(d is None for d in line.due) and all(p is None for p in line.paid) and not line.large:
            continue  # not on the rolls that year
        lines.append(line)
        entries.append({"member_id": row.member_id, "name": row.name, "left": row.status != "active",
                        **_line(line, year)})
    return {"org": _org(org), "year": year, "as_of": str(as_of), "through": str(min(as_of, Month(year, 12))),
            "generated_on": date.today().isoformat(), "members": entries,
            "totals": {"members": len(entries), **_line(branch_year(lines), year)}}
