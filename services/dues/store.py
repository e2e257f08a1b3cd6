"""The dues service's interior, shared by its write side (commands) and read side (queries):
loading members with the caller's scope, their accounts for the pure rules, a branch's 系统设置,
the counting of the summary counters and the views both sides return.

Counting (docs/DUES.md, "Summary counters"): a member's contributions are a pure function of
their ledger (`contributions`); every change recounts the member in its own transaction, adds
`new − old` to `totals` at every organization on the member's path (one sorted upsert per
transaction, so two transactions never lock the same rows in a different order) and keeps the
new contributions and arrears in `counted`. Every counting transaction holds the shared
advisory lock; an organization move holds it exclusively while it re-homes paths and sums."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.shared.context import Caller
from services.shared.errors import Forbidden, NotFound, ValidationFailed
from services.shared.org_directory import OrgDirectory
from services.shared.paths import path_ids

from .domain import (
    Account,
    Base,
    Branch,
    Exemption,
    Month,
    Payment,
    money,
)
from .domain.bulk_bases import KINDS
from .domain.counters import AMOUNTS, FIELDS, member_counts
from .models import bases, branch_settings, counted, exemptions, large_payments, members, payments, totals

FLUSH_ROWS = 5000  # totals rows an upsert: 10 parameters each
COUNTING_LOCK = 0x6475657301  # pg advisory lock key: counting (shared) vs org moves (exclusive)
ACTIVE = "active"
KIND_NAMES = dict(KINDS.items())  # the kinds of base by their Chinese names (domain/bulk_bases.KINDS)
PAYMENT_KIND_NAMES = {"monthly": "按月", "late": "补交", "early": "预交"}
METHOD_NAMES = {"self": "本人", "proxy": "代交"}
EXEMPTION_KIND_NAMES = {"reduce": "少交", "exempt": "免交"}
EXEMPTION_STATE_NAMES = {"applied": "待审批", "approved": "已批准", "refused": "未批准"}
# Who approves 少交/免交 (art. 7: 上一级党委): an account of a 党委 (地方委员会, 党委, 党工委) above the
# member's branch. The branch itself, a 党总支, or an organization outside the path may not.
COMMITTEES = frozenset({"10", "11", "12"})
NOT_HIGHER = "少交、免交须由党员所在支部的上级党委审批，本账号不能审批"


def this_month() -> Month:
    return Month.of(date.today())


def month_text(day: date | None) -> str | None:
    return None if day is None else str(Month.of(day))


def counting_lock(session: Session, exclusive: bool = False) -> None:
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    session.execute(text(f"SELECT {function}(:key)"), {"key": COUNTING_LOCK})


# --- loading ----------------------------------------------------------------------------------

def member_id_of(value) -> int:
    try:
        member_id = int(value)
    except (TypeError, ValueError):
        raise NotFound("党员不存在") from None
    if not 1 <= member_id < 2**63:
        raise NotFound("党员不存在")
    return member_id


def year_of(value) -> int:
    """A year from a query or form (this year when empty); 400 outside 2000—2100."""
    if value in (None, ""):
        return date.today().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("年份应为四位数字", {"year": "应为四位数字"}) from None
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年份超出范围（2000—2100）", {"year": "超出范围"})
    return year


def load_member(session: Session, caller: Caller, member_id, lock: bool = False, scoped: bool = True):
    """The projected member if the caller may act on them (NotFound while the member service's
    event is on its way: the dues service knows only what its projection holds). `scoped=False`
    only where the caller's scope was checked otherwise (the inflow organization's payment)."""
    statement_ = select(members).where(members.c.member_id == member_id_of(member_id))
    row = session.execute(statement_.with_for_update() if lock else statement_).first()
    if row is None:
        raise NotFound("党员不存在（新增的党员稍后才出现在党费中）")
    if scoped:
        caller.require(row.org_path, "该党员")
    return row


def branch_rows(session: Session, org_id: int, lock: bool = False) -> list:
    """The members placed directly in an organization (on the rolls or not), by id."""
    query = select(members).where(members.c.org_id == org_id).order_by(members.c.member_id)
    return session.execute(query.with_for_update() if lock else query).all()


def members_by_id(session: Session, member_ids: Sequence[int]) -> dict[int, object]:
    """{member id: its row in the projection} of those of `member_ids` it holds."""
    if not member_ids:
        return {}
    return {row.member_id: row for row in session.execute(select(members).where(members.c.member_id.in_(member_ids)))}


def org_views(orgs: OrgDirectory, org_ids: Iterable[int]) -> dict[int, dict]:
    """{org id: its directory view} of the members' organizations (one directory read each); one
    gone meanwhile has an empty name and path."""
    return {org_id: orgs.find(org_id) or {"name": "", "path": ""} for org_id in set(org_ids)}


def bases_of(session: Session, member_ids: Sequence[int]) -> dict[int, list]:
    """Every base given to each of the members, in the order given."""
    found = defaultdict(list)
    if member_ids:
        for row in session.execute(select(bases).where(bases.c.member_id.in_(list(member_ids))).order_by(bases.c.id)):
            found[row.member_id].append(row)
    return found


def base_in_force(rows: Sequence, as_of: Month):
    """Of a member's bases, the one in force in `as_of` (the latest from a month on or before it,
    the last given of one month); else the first to come; None without any."""
    if not rows:
        return None
    started = [row for row in rows if Month.of(row.from_month) <= as_of]
    if started:
        return max(started, key=lambda r: (r.from_month, r.id))
    return min(rows, key=lambda r: (r.from_month, r.id))


def current_kinds(session: Session, org_id: int) -> dict[int, str]:
    """The kind of base in force this month of each member placed in the organization."""
    ids = [row.member_id for row in branch_rows(session, org_id)]
    as_of = this_month()
    return {member_id: base_in_force(rows, as_of).kind for member_id, rows in bases_of(session, ids).items()}


MEMBERS_PER_SHEET = 20_000  # a 党费 sheet's members: the member service answers this many 公民身份号码 at once


def subtree_identities(roster_page, org_id: int, most: int, size: int = 2000) -> list[dict]:
    """The members on the member service's rolls in the organization and those under it, by name,
    with their 公民身份号码 and organization (the dues projection keeps no ID numbers):
    `roster_page(org_id, after_id, limit)`, the member service's RPC, page by page; more than
    `most` is refused (a sheet that large is to be taken per subordinate organization)."""
    found, after = [], 0
    while True:
        answer = roster_page(org_id, after, size)
        found.extend(answer["items"])
        if len(found) > most:
            raise ValidationFailed(f"本组织及下级党组织的在册党员超过{most}名，请在下级党组织分别下载",
                                   {"org_id": "党员过多"})
        if not answer["items"] or not answer["next_after_id"]:
            return found
        after = answer["next_after_id"]


def settings_row(session: Session, org_id: int):
    return session.execute(select(branch_settings).where(branch_settings.c.org_id == org_id)).first()


def branch_of(session: Session, org_id: int) -> Branch:
    """The branch's 系统设置; a branch that has set none starts registration this month (no
    arrears before it: the clerk sets the real start month, the pages say so)."""
    row = settings_row(session, org_id)
    if row is None:
        return Branch(this_month(), False)
    return Branch(Month.of(row.registration_start), row.quarterly)


def accounts(session: Session, rows: Sequence) -> dict[int, Account]:
    """The rules' Account of each member (bases in the order given, active payments, approved
    exemptions); members without a 支部大会 date (入党日期) have none."""
    ids = [row.member_id for row in rows if row.joined_on is not None]
    if not ids:
        return {}
    found_bases, found_payments, found_exemptions = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in session.execute(select(bases).where(bases.c.member_id.in_(ids)).order_by(bases.c.id)):
        found_bases[row.member_id].append(Base(row.kind, row.amount, Month.of(row.from_month)))
    for row in session.execute(select(payments).where(payments.c.member_id.in_(ids), payments.c.voided_at.is_(None))
                               .order_by(payments.c.id)):
        found_payments[row.member_id].append(Payment(Month.of(row.month), row.amount, row.paid_on, row.method))
    for row in session.execute(select(exemptions).where(exemptions.c.member_id.in_(ids),
                                                        exemptions.c.state == "approved")):
        found_exemptions[row.member_id].append(Exemption(Month.of(row.from_month), Month.of(row.to_month), row.kind,
                                                         row.amount, approved=True))
    return {row.member_id: Account(row.joined_on, tuple(found_bases[row.member_id]),
                                   tuple(found_payments[row.member_id]), tuple(found_exemptions[row.member_id]),
                                   left_on=left_on(row))
            for row in rows if row.joined_on is not None}


def left_on(row) -> date | None:
    if row.status == ACTIVE:
        return None
    return row.left_on or date.today()


def on_rolls_in(row, month: Month) -> bool:
    """On the rolls any day of `month` (dues are owed for it)."""
    if row.joined_on is None or Month.of(row.joined_on) > month:
        return False
    gone = left_on(row)
    return gone is None or Month.of(gone) >= month


def higher_committee(caller: Caller, orgs: OrgDirectory, member_path: str) -> dict | None:
    """The caller's organization if it is a 党委 strictly above the member's organization."""
    ids = path_ids(caller.scope_path)
    org = orgs.find(ids[-1]) if ids else None
    if org is None or org["type"] not in COMMITTEES or member_path == caller.scope_path \
            or not member_path.startswith(caller.scope_path):
        return None
    return org


def require_higher_committee(caller: Caller, orgs: OrgDirectory, member_path: str) -> dict:
    org = higher_committee(caller, orgs, member_path)
    if org is None:
        raise Forbidden(NOT_HIGHER)
    return org


# --- counting ---------------------------------------------------------------------------------

class Tally:
    """The counters' changes of one transaction, written once, in key order (`flush`)."""

    def __init__(self):
        self.deltas: dict[tuple, list] = defaultdict(lambda: [Decimal(0)] * AMOUNTS + [0, 0])

    def add(self, path: str | None, found: dict | None, sign: int) -> None:
        if not path or not found:
            return
        ids = path_ids(path)
        for key, values in found.items():
            year, month = int(key[:4]), int(key[5:7])
            for org_id in ids:
                delta = self.deltas[(org_id, year, month)]
                for index, value in enumerate(values):
                    delta[index] += (Decimal(value) if index < AMOUNTS else int(value)) * sign

    def flush(self, session: Session) -> int:
        rows = [{"org_id": org_id, "year": year, "month": month, **dict(zip(FIELDS, values))}
                for (org_id, year, month), values in sorted(self.deltas.items()) if any(values)]
        self.deltas.clear()
        # In key order, a chunk a statement (a statement takes at most 65,535 parameters: a batch
        # of members across many branches — the monthly advance — touches thousands of rows).
        for start in range(0, len(rows), FLUSH_ROWS):
            statement_ = insert(totals).values(rows[start:start + FLUSH_ROWS])
            session.execute(statement_.on_conflict_do_update(
                index_elements=[totals.c.org_id, totals.c.year, totals.c.month],
                set_={name: totals.c[name] + statement_.excluded[name] for name in FIELDS}))
        return len(rows)


def _by_month(rows: Iterable, day) -> dict[Month, Decimal]:
    found = defaultdict(lambda: money.ZERO)
    for row in rows:
        found[Month.of(day(row))] += row.amount
    return found


def count_members(session: Session, rows: Sequence, tally: Tally, as_of: Month | None = None,
                  branches: dict | None = None) -> None:
    """Recount members (rows of `members`, locked by the caller) into `tally` and `counted`."""
    if not rows:
        return
    as_of = as_of or this_month()
    ids = [row.member_id for row in rows]
    found = accounts(session, rows)
    branches = dict(branches or {})
    late, large = defaultdict(list), defaultdict(list)
    for row in session.execute(select(payments.c.member_id, payments.c.month, payments.c.amount).where(
            payments.c.member_id.in_(ids), payments.c.voided_at.is_(None), payments.c.kind == "late")):
        late[row.member_id].append(row)
    for row in session.execute(select(large_payments.c.member_id, large_payments.c.paid_on, large_payments.c.amount)
                               .where(large_payments.c.member_id.in_(ids))):
        large[row.member_id].append(row)
    old = {row.member_id: row for row in session.execute(
        select(counted).where(counted.c.member_id.in_(ids)).order_by(counted.c.member_id).with_for_update())}
    values = []
    for row in rows:
        account = found.get(row.member_id)
        if account is not None and row.org_id not in branches:
            branches[row.org_id] = branch_of(session, row.org_id)
        counts = member_counts(account, branches.get(row.org_id), as_of,
                               _by_month(late[row.member_id], lambda r: r.month),
                               _by_month(large[row.member_id], lambda r: r.paid_on))
        before = old.get(row.member_id)
        if before is not None:
            tally.add(before.org_path, before.contributions, -1)
        tally.add(row.org_path, counts["contributions"], +1)
        values.append({"member_id": row.member_id, "org_path": row.org_path, **counts})
    statement_ = insert(counted).values(values)
    session.execute(statement_.on_conflict_do_update(
        index_elements=[counted.c.member_id],
        set_={name: statement_.excluded[name] for name in values[0] if name != "member_id"}))


def recount(session: Session, rows: Sequence, as_of: Month | None = None) -> None:
    """Recount members in the caller's transaction (the counting lock taken here)."""
    counting_lock(session)
    tally = Tally()
    count_members(session, rows, tally, as_of)
    tally.flush(session)


def rehome(session: Session, old_prefix: str, new_prefix: str) -> int:
    """An organization moved: the counted members under it take their contributions from the old
    ancestors to the new ones (common ancestors net nothing); their paths are rewritten."""
    tally, moved = Tally(), 0
    for row in session.execute(select(counted.c.org_path, counted.c.contributions).where(
            counted.c.org_path.startswith(old_prefix, autoescape=True))):
        tally.add(row.org_path, row.contributions, -1)
        tally.add(new_prefix + row.org_path[len(old_prefix):], row.contributions, +1)
        moved += 1
    tally.flush(session)
    return moved


def totals_of(session: Session, org_id: int, year: int) -> dict[int, dict]:
    """The counters of an organization's subtree for a year, by month (0: the year's counts)."""
    rows = session.execute(select(totals).where(totals.c.org_id == org_id, totals.c.year == year)).all()
    return {row.month: {name: getattr(row, name) for name in FIELDS} for row in rows}


def paid_to_of(session: Session, member_id: int) -> str | None:
    return month_text(session.execute(select(counted.c.paid_to).where(counted.c.member_id == member_id)).scalar())


# --- views --------------------------------------------------------------------------------------

def shown(value) -> str:
    return money.shown(money.ZERO if value is None else Decimal(value))


def payment_view(row) -> dict:
    return {"id": row.id, "member_id": row.member_id, "org_id": row.org_id, "month": month_text(row.month),
            "amount": shown(row.amount), "paid_on": row.paid_on.isoformat(), "method": row.method,
            "method_name": METHOD_NAMES.get(row.method, row.method), "collector": row.collector or "",
            "kind": row.kind, "kind_name": PAYMENT_KIND_NAMES.get(row.kind, row.kind),
            "collected_by_org_id": row.collected_by_org_id, "inflow_id": row.inflow_id,
            "voided": row.voided_at is not None, "void_reason": row.void_reason,
            "voided_by": row.voided_by, "recorded_by": row.created_by,
            "recorded_at": row.created_at.isoformat() if row.created_at else None}


def inflow_payment_view(row) -> dict:
    """A payment of the inflow ledger (a member from outside this deployment)."""
    return {"id": row.id, "inflow_id": row.inflow_id, "org_id": row.org_id, "month": month_text(row.month),
            "amount": shown(row.amount), "paid_on": row.paid_on.isoformat(), "method": row.method,
            "method_name": METHOD_NAMES.get(row.method, row.method), "collector": row.collector or "",
            "certificate_no": row.certificate_no, "voided": row.voided_at is not None,
            "void_reason": row.void_reason, "recorded_by": row.created_by}


def base_view(row) -> dict:
    return {"id": row.id, "kind": row.kind, "kind_name": KIND_NAMES.get(row.kind, row.kind),
            "amount": None if row.amount is None else shown(row.amount), "from_month": month_text(row.from_month),
            "monthly_due": shown(row.monthly_due), "bracket": row.bracket, "rule_version": row.rule_version,
            "recorded_by": row.created_by, "recorded_at": row.created_at.isoformat() if row.created_at else None}


def exemption_view(row, member_name: str | None = None) -> dict:
    return {"id": row.id, "member_id": row.member_id, "member_name": member_name, "org_id": row.org_id,
            "from_month": month_text(row.from_month), "to_month": month_text(row.to_month), "kind": row.kind,
            "kind_name": EXEMPTION_KIND_NAMES.get(row.kind, row.kind),
            "amount": None if row.amount is None else shown(row.amount), "reason": row.reason, "state": row.state,
            "state_name": EXEMPTION_STATE_NAMES.get(row.state, row.state), "opinion": row.opinion,
            "approver": row.approver, "approver_org_id": row.approver_org_id,
            "decided_at": row.decided_at.isoformat() if row.decided_at else None, "applied_by": row.applied_by,
            "version": row.version}


def large_view(row) -> dict:
    return {"id": row.id, "member_id": row.member_id, "org_id": row.org_id, "amount": shown(row.amount),
            "paid_on": row.paid_on.isoformat(), "receipt_no": row.receipt_no, "recorded_by": row.created_by}


def member_brief(row) -> dict:
    return {"id": row.member_id, "name": row.name, "org_id": row.org_id, "status": row.status,
            "category": row.category, "joined_on": row.joined_on.isoformat() if row.joined_on else None,
            "left_on": row.left_on.isoformat() if row.left_on else None}


def count_of(session: Session, table, *where) -> int:
    return session.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
