"""上缴 (docs/DUES.md, "上缴"): an organization records what it remitted of its collected dues to its
higher organization; the receiving organization (or one above it) confirms receipt; a record is
voided or corrected with its reason and kept. A higher organization sees, per direct subordinate, what
the subordinate's subtree collected (实交, from the summary counters), what it remitted and the 差额.

Who may do what (scope as everywhere, and narrower):
- record, correct, void an unconfirmed record: only an account of the remitting organization itself;
- confirm, 退回 an unconfirmed record (with the reason: the record is closed as 已退回, its period free
  for the remitter to record anew), void a confirmed record: an account of the receiving organization or
  above it.
Each change takes the organization's remittance lock, judges the pure rules (domain/remittance.py),
writes and records its event and its 操作日志 entry in one transaction; a refusal writes nothing."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.shared.field_errors import FieldErrors
from services.shared.messaging.outbox import record_event
from services.shared.org_directory import OrgDirectory
from services.shared.paths import path_ids
from services.shared.versions import require_version

from . import events
from . import inflows as visiting
from .commands import REASON_MAX, _fields_message, _text
from .domain import DuesRefused, Month, money
from .domain.remittance import (
    Period,
    Remittance,
    choices,
    collected_in,
    parse_remittance,
    previous_quarter,
    quarters,
    standing,
    unremitted,
)
from .domain.remittance import check_remittance as judge
from .models import org_directory, outbox, remittances, totals
from .store import shown, this_month, year_of

RECORDED, CONFIRMED, RETURNED = "recorded", "confirmed", "returned"
STATE_NAMES = {RECORDED: "待确认", CONFIRMED: "已确认", RETURNED: "已退回"}
# 操作日志 lines of a record's view (docs/AUDIT.md)
AUDIT_LABELS = {"period_label": "期间", "to_org_name": "收款组织", "amount": "金额", "remitted_on": "上缴日期",
                "receipt_no": "收据号", "note": "备注", "state_name": "状态", "opinion": "意见",
                "void_reason": "作废或退回原因"}
FIELD_LABELS = {"period": "期间", "amount": "金额", "remitted_on": "上缴日期", "receipt_no": "收据号", "note": "备注"}
NOT_OWN = "上缴由本组织登记：只有本组织的账号可以登记、更正或作废本组织的上缴"
NOT_RECEIVER = "上缴须由收款的上级党组织（或更上级）确认"
NOT_RECEIVER_RETURN = "上缴只能由收款的上级党组织（或更上级）退回"
NO_PARENT = "本组织没有上级党组织，无需登记上缴"
MISSING = "上缴记录不存在"


def own_org(caller: Caller) -> int | None:
    """The organization the caller's account belongs to (the last of its scope path)."""
    ids = path_ids(caller.scope_path)
    return ids[-1] if ids else None


def _lock(session: Session, org_id: int) -> None:
    """One organization's remittances are changed one transaction at a time (overlap checks)."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                    {"key": f"dues-remittance-{org_id}"})


def _parsed(data: dict, period) -> Remittance:
    try:
        return parse_remittance(period, data.get("amount"), data.get("remitted_on"), data.get("receipt_no"),
                                data.get("note"))
    except FieldErrors as errors:
        raise ValidationFailed(f"上缴信息有误：{_fields_message(errors, FIELD_LABELS)}", errors.fields) from None


def paid_by_month(session: Session, org_ids, year: int) -> dict[int, dict[Month, Decimal]]:
    """实交 of each organization's subtree by month of a year (the summary counters)."""
    found: dict[int, dict[Month, Decimal]] = defaultdict(dict)
    if org_ids:
        for row in session.execute(select(totals.c.org_id, totals.c.month, totals.c.paid).where(
                totals.c.org_id.in_(list(org_ids)), totals.c.year == year, totals.c.month > 0)):
            found[row.org_id][Month(year, row.month)] = row.paid
    return found


def remitted_by_month(session: Session, org_ids, year: int) -> dict[int, dict[int, Decimal]]:
    """What each organization remitted upward (active records) by the month its period ends in — a
    quarter's remittance counts in the quarter's last month (the summaries' `remitted`)."""
    found: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: money.ZERO))
    if org_ids:
        month = func.extract("month", remittances.c.to_month)
        for row in session.execute(select(remittances.c.org_id, month.label("month"),
                                          func.sum(remittances.c.amount).label("amount"))
                                   .where(remittances.c.org_id.in_(list(org_ids)), remittances.c.voided_at.is_(None),
                                          func.extract("year", remittances.c.from_month) == year)
                                   .group_by(remittances.c.org_id, month)):
            found[row.org_id][int(row.month)] += row.amount
    return found


def _period(row) -> Period:
    return Period.of(row.from_month, row.to_month)


def _active_periods(session: Session, org_id: int) -> list[Period]:
    return [_period(row) for row in session.execute(select(remittances.c.from_month, remittances.c.to_month).where(
        remittances.c.org_id == org_id, remittances.c.voided_at.is_(None)))]


def _payload(row, **extra) -> dict:
    period = _period(row)
    return {"remittance_id": row.id, "org_id": row.org_id, "to_org_id": row.to_org_id, "period": str(period),
            "from_month": str(period.first), "to_month": str(period.last), "amount": shown(row.amount),
            "remitted_on": row.remitted_on.isoformat(), "receipt_no": row.receipt_no, "state": row.state,
            "replaces_id": row.replaces_id, **extra}


def _event(session: Session, caller: Caller, event_type: str, row, **extra) -> None:
    record_event(session, outbox, event_type, f"remittance-{row.id}", row.version, _payload(row, **extra), caller)


def _audit(session: Session, caller: Caller, row, action: str, before: dict | None, after: dict) -> None:
    """One 操作日志 entry about a record, placed under the remitting organization (the receiver above
    sees it too)."""
    path = _paths(session, [row.org_id]).get(row.org_id)
    audit.record(session, outbox, caller, org_path=path, entity="dues_remittance", entity_id=row.id, action=action,
                 lines=[{"field": "上缴组织", "before": None, "after": after["org_name"]}], before=before,
                 after=after, labels=AUDIT_LABELS)


def _write(session: Session, caller: Caller, org: dict, to_org_id: int, new: Remittance,
           replaces: int | None = None):
    """Judge `new` against what the organization's subtree collected in the period and its other
    active remittances, then insert it (the caller holds the organization's lock)."""
    collected = collected_in(new.period, paid_by_month(session, [org["id"]], new.period.year).get(org["id"], {}))
    try:
        judge(new, collected, _active_periods(session, org["id"]), date.today())
    except DuesRefused as refused:
        raise Conflict(refused.message) from None
    try:
        with session.begin_nested():
            row = session.execute(remittances.insert().values(
                org_id=org["id"], to_org_id=to_org_id, from_month=new.period.first.first_day,
                to_month=new.period.last.first_day, amount=new.amount, remitted_on=new.remitted_on,
                receipt_no=new.receipt_no, note=new.note, replaces_id=replaces,
                created_by=caller.username or caller.user_id).returning(*remittances.c)).one()
    except IntegrityError:  # the unique index: the same period at once
        raise Conflict(f"{new.period.label}的上缴已登记，不能重复登记") from None
    _event(session, caller, events.DUES_REMITTED, row)
    return row


def _view(session: Session, caller: Caller, row) -> dict:
    return _views(session, caller, [row])[0]


def record(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, data: dict) -> dict:
    """The organization's remittance to its parent: period, amount, date, receipt number, note."""
    org = orgs.org(caller, org_id)
    if own_org(caller) != org["id"]:
        raise Forbidden(NOT_OWN)
    parent = orgs.find(org.get("parent_id")) if org.get("parent_id") is not None else None
    if parent is None:
        raise Conflict(NO_PARENT)
    data = data or {}
    new = _parsed(data, data.get("period"))
    with sessions.begin() as session:
        _lock(session, org["id"])
        row = _write(session, caller, org, parent["id"], new)
        view = _view(session, caller, row)
        _audit(session, caller, row, "登记上缴", None, view)
        return view


def _load(session: Session, caller: Caller, remittance_id):
    """A remittance locked, with its remitting organization and the receiving one's path; NotFound
    outside the caller's scope (neither organization in it)."""
    try:
        remittance_id = int(remittance_id)
    except (TypeError, ValueError):
        raise NotFound(MISSING) from None
    if not 1 <= remittance_id < 2**63:
        raise NotFound(MISSING)
    row = session.execute(select(remittances).where(remittances.c.id == remittance_id)).first()
    if row is None:
        raise NotFound(MISSING)
    _lock(session, row.org_id)
    row = session.execute(select(remittances).where(remittances.c.id == remittance_id).with_for_update()).one()
    paths = _paths(session, [row.org_id, row.to_org_id])
    if not any(path and caller.covers(path) for path in paths.values()):
        raise NotFound(MISSING)
    return row, paths


def _paths(session: Session, ids) -> dict[int, str]:
    return dict(session.execute(select(org_directory.c.id, org_directory.c.path).where(
        org_directory.c.id.in_(list(ids)))).all())


def _receiver(caller: Caller, row, paths: dict) -> bool:
    path = paths.get(row.to_org_id)
    return path is not None and caller.covers(path)


def _void_row(session: Session, caller: Caller, row, reason: str):
    session.execute(update(remittances).where(remittances.c.id == row.id).values(
        voided_at=datetime.now(timezone.utc), void_reason=reason, voided_by=caller.username or caller.user_id,
        version=remittances.c.version + 1))
    saved = session.execute(select(remittances).where(remittances.c.id == row.id)).one()
    _event(session, caller, events.DUES_REMITTANCE_VOIDED, saved, reason=reason)
    return saved


def void(sessions: sessionmaker, caller: Caller, remittance_id, data: dict) -> dict:
    """作废 with a reason: an unconfirmed record by the remitting organization, a confirmed one by the
    receiving organization (or above) — receipt confirmed by mistake, money returned."""
    data = data or {}
    reason = _text(data, "reason", "作废原因", REASON_MAX, required=True)
    with sessions.begin() as session:
        row, paths = _load(session, caller, remittance_id)
        if row.voided_at is not None:
            raise Conflict("该上缴记录已作废")
        require_version(row.version, data.get("version"), "该上缴记录")
        if row.state == CONFIRMED and not _receiver(caller, row, paths):
            raise Forbidden("上级党组织已确认收到，只有收款的上级党组织可以作废该记录")
        if row.state == RECORDED and own_org(caller) != row.org_id:
            raise Forbidden(NOT_OWN)
        before = _view(session, caller, row)
        view = _view(session, caller, _void_row(session, caller, row, reason))
        _audit(session, caller, row, "作废上缴记录", before, view)
        return view


def correct(sessions: sessionmaker, caller: Caller, remittance_id, data: dict) -> dict:
    """更正 an unconfirmed record (the remitting organization): the old one voided with the reason,
    a new one of the same period recorded in its place (`replaces_id`), judged again."""
    data = data or {}
    reason = _text(data, "reason", "更正原因", REASON_MAX, required=True)
    with sessions.begin() as session:
        row, paths = _load(session, caller, remittance_id)
        if own_org(caller) != row.org_id:
            raise Forbidden(NOT_OWN)
        if row.voided_at is not None:
            raise Conflict("该上缴记录已作废，不能更正")
        if row.state == CONFIRMED:
            raise Conflict("上级党组织已确认收到，不能更正（请上级党组织作废后重新登记）")
        require_version(row.version, data.get("version"), "该上缴记录")
        new = _parsed(data, str(_period(row)))
        org = {"id": row.org_id}
        before = _view(session, caller, row)
        _void_row(session, caller, row, f"更正：{reason}")
        saved = _write(session, caller, org, row.to_org_id, new, replaces=row.id)
        view = _view(session, caller, saved)
        _audit(session, caller, saved, "更正上缴", before, view)
        return view


def confirm(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, remittance_id, data: dict) -> dict:
    """确认收到: the receiving organization or one above it, with an optional opinion."""
    data = data or {}
    opinion = _text(data, "opinion", "确认意见", REASON_MAX)
    with sessions.begin() as session:
        row, paths = _load(session, caller, remittance_id)
        if not _receiver(caller, row, paths):
            raise Forbidden(NOT_RECEIVER)
        if row.voided_at is not None:
            raise Conflict("该上缴记录已作废，不能确认")
        if row.state == CONFIRMED:
            raise Conflict("该上缴已确认收到，不能再次确认")
        require_version(row.version, data.get("version"), "该上缴记录")
        before = _view(session, caller, row)
        confirmer_id, confirmed_by = _answerer(orgs, caller)
        session.execute(update(remittances).where(remittances.c.id == row.id).values(
            state=CONFIRMED, opinion=opinion, confirmer_org_id=confirmer_id, confirmed_by=confirmed_by,
            confirmed_at=datetime.now(timezone.utc), version=remittances.c.version + 1))
        saved = session.execute(select(remittances).where(remittances.c.id == row.id)).one()
        _event(session, caller, events.DUES_REMITTANCE_CONFIRMED, saved, opinion=opinion,
               confirmer_org_id=saved.confirmer_org_id)
        view = _view(session, caller, saved)
        _audit(session, caller, saved, "确认收到上缴", before, view)
        return view


def return_(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, remittance_id, data: dict) -> dict:
    """退回 an unconfirmed record with the reason (the receiving organization or one above it: not received,
    a wrong amount …): closed as 已退回 and kept; it no longer counts, its period is free and the remitting
    organization records anew."""
    data = data or {}
    reason = _text(data, "reason", "退回原因", REASON_MAX, required=True)
    with sessions.begin() as session:
        row, paths = _load(session, caller, remittance_id)
        if not _receiver(caller, row, paths):
            raise Forbidden(NOT_RECEIVER_RETURN)
        if row.voided_at is not None:
            raise Conflict("该上缴记录已作废或已退回")
        if row.state == CONFIRMED:
            raise Conflict("该上缴已确认收到，不能退回（确认有误的，请作废）")
        require_version(row.version, data.get("version"), "该上缴记录")
        before = _view(session, caller, row)
        who = _answerer(orgs, caller)
        session.execute(update(remittances).where(remittances.c.id == row.id).values(
            state=RETURNED, opinion=reason, confirmer_org_id=who[0], confirmed_by=who[1],
            confirmed_at=datetime.now(timezone.utc), voided_at=datetime.now(timezone.utc),
            void_reason=f"退回：{reason}", voided_by=who[1], version=remittances.c.version + 1))
        saved = session.execute(select(remittances).where(remittances.c.id == row.id)).one()
        _event(session, caller, events.DUES_REMITTANCE_RETURNED, saved, reason=reason, confirmer_org_id=who[0])
        view = _view(session, caller, saved)
        _audit(session, caller, saved, "退回上缴", before, view)
        return view


def _answerer(orgs: OrgDirectory, caller: Caller) -> tuple[int | None, str]:
    """The answering organization's id and "its name（account）" (who confirmed or returned)."""
    mine = own_org(caller)
    found = orgs.find(mine) if mine else None
    who = caller.username or caller.user_id
    return (found["id"], f"{found['name']}（{who}）") if found else (None, who)


# --- reading ------------------------------------------------------------------------------------

def _views(session: Session, caller: Caller, rows) -> list[dict]:
    """Remittances as the API shows them, each with the remitting subtree's 实交 of its period (live,
    from the counters), the 差额 and what this caller may do with it."""
    rows = list(rows)
    ids = {row.org_id for row in rows} | {row.to_org_id for row in rows}
    names = visiting.org_names(session, ids)
    paths = _paths(session, ids)
    paid: dict = {}
    for year in {row.from_month.year for row in rows}:
        for org_id, months in paid_by_month(session, {row.org_id for row in rows}, year).items():
            paid.setdefault(org_id, {}).update(months)
    mine = own_org(caller)
    views = []
    for row in rows:
        period = _period(row)
        collected = collected_in(period, paid.get(row.org_id, {}))
        active = row.voided_at is None
        receiver = _receiver(caller, row, paths)
        views.append({
            "id": row.id, "org_id": row.org_id, "org_name": names.get(row.org_id), "to_org_id": row.to_org_id,
            "to_org_name": names.get(row.to_org_id), "period": str(period), "period_label": period.label,
            "amount": shown(row.amount), "collected": shown(collected), "difference": shown(collected - row.amount),
            "remitted_on": row.remitted_on.isoformat(), "receipt_no": row.receipt_no, "note": row.note,
            "state": row.state,
            "state_name": STATE_NAMES[RETURNED] if row.state == RETURNED else "已作废" if not active
            else STATE_NAMES.get(row.state, row.state),
            "opinion": row.opinion, "confirmed_by": row.confirmed_by,
            "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
            "replaces_id": row.replaces_id, "voided": not active, "void_reason": row.void_reason,
            "voided_by": row.voided_by, "recorded_by": row.created_by,
            "recorded_at": row.created_at.isoformat() if row.created_at else None, "version": row.version,
            "can_confirm": active and row.state == RECORDED and receiver,
            "can_return": active and row.state == RECORDED and receiver,
            "can_correct": active and row.state == RECORDED and mine == row.org_id,
            "can_void": active and ((row.state == RECORDED and mine == row.org_id)
                                    or (row.state == CONFIRMED and receiver))})
    return views


def _figures(found) -> dict:
    return {"period": str(found.period), "label": found.period.label, "collected": shown(found.collected),
            "remitted": shown(found.remitted), "confirmed": shown(found.confirmed),
            "difference": shown(found.difference), "pending": found.pending}


def overview(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, year=None, period=None) -> dict:
    """An organization's 上缴 for a year: its own (to its parent) with the quarters' and the year's 实交,
    上缴 and 差额; per direct subordinate what its subtree collected and remitted to this organization
    in the year (or `period`); and the records received from subordinates, to confirm."""
    org = orgs.org(caller, org_id)
    if period not in (None, ""):
        try:
            chosen = Period.parse(period)
        except ValueError as error:
            raise ValidationFailed(str(error), {"period": str(error)}) from None
        year = year_of(chosen.year)
    else:
        year = year_of(year)
        chosen = Period.parse(f"{year:04d}")
    parent = orgs.find(org.get("parent_id")) if org.get("parent_id") is not None else None
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    with sessions() as session:
        children = session.execute(select(org_directory.c.id, org_directory.c.name).where(
            org_directory.c.parent_id == org["id"], org_directory.c.status != "deleted")
            .order_by(org_directory.c.id)).all()
        paid = paid_by_month(session, [org["id"], *(c.id for c in children)], year)
        rows = session.execute(select(remittances).where(
            remittances.c.from_month >= first, remittances.c.from_month < after,
            or_(remittances.c.org_id == org["id"], remittances.c.to_org_id == org["id"]))
            .order_by(remittances.c.from_month, remittances.c.id)).all()
        views = _views(session, caller, rows)
    own = [(row, view) for row, view in zip(rows, views) if row.org_id == org["id"]]
    received = [(row, view) for row, view in zip(rows, views) if row.to_org_id == org["id"]]

    def active(pairs) -> list:
        return [(_period(row), row.amount, row.state == CONFIRMED) for row, _ in pairs if row.voided_at is None]

    mine = active(own)
    whole = Period.parse(f"{year:04d}")
    may_record = parent is not None and own_org(caller) == org["id"]
    by_child = defaultdict(list)
    for row, view in received:
        by_child[row.org_id].append((row, view))
    return {
        "org": {"id": org["id"], "name": org["name"], "type": org.get("type")}, "year": year,
        "period": str(chosen), "period_label": chosen.label,
        "parent": {"id": parent["id"], "name": parent["name"]} if parent else None,
        "can_record": may_record,
        "choices": choices(year, [period for period, _, _ in mine], Month.of(date.today())) if may_record else [],
        "own": {"quarters": [_figures(standing(q, paid.get(org["id"], {}), mine)) for q in quarters(year)],
                "year": _figures(standing(whole, paid.get(org["id"], {}), mine)),
                "items": [view for _, view in own]},
        "children": [{"org_id": c.id, "name": c.name,
                      **_figures(standing(chosen, paid.get(c.id, {}), active(by_child.get(c.id, []))))}
                     for c in children],
        "received": [view for _, view in received],
    }


def due(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id) -> dict:
    """上缴提醒 (the home page): the last quarter over (the 总支 remits quarterly, MANUALS §4.2) — whether
    the organization itself (when it has a parent) has months with 实交 that no active remittance
    covers, and which direct subordinates have. A period remitted by month, quarter, half-year or year
    counts; a quarter with nothing collected asks nothing (there is nothing to remit)."""
    org = orgs.org(caller, org_id)
    period = previous_quarter(this_month())
    with sessions() as session:
        children = session.execute(select(org_directory.c.id, org_directory.c.name).where(
            org_directory.c.parent_id == org["id"], org_directory.c.status != "deleted")
            .order_by(org_directory.c.id)).all()
        ids = ([org["id"]] if org.get("parent_id") is not None else []) + [c.id for c in children]
        paid = paid_by_month(session, ids, period.year)
        active = defaultdict(list)
        if ids:
            for row in session.execute(select(remittances.c.org_id, remittances.c.from_month, remittances.c.to_month)
                                       .where(remittances.c.org_id.in_(ids), remittances.c.voided_at.is_(None),
                                              remittances.c.from_month <= period.last.first_day,
                                              remittances.c.to_month >= period.first.first_day)):
                active[row.org_id].append(_period(row))
        parent = orgs.find(org["parent_id"]) if org.get("parent_id") is not None else None

    def missing(org_id: int) -> dict | None:
        months = unremitted(period, paid.get(org_id, {}), active.get(org_id, []))
        if not months:
            return None
        return {"months": [str(m) for m in months],
                "collected": shown(sum((paid[org_id][m] for m in months), money.ZERO))}

    own = missing(org["id"]) if parent is not None else None
    behind = [{"org_id": c.id, "name": c.name, **found} for c in children if (found := missing(c.id))]
    return {"org_id": org["id"], "period": str(period), "period_label": period.label,
            "own": {**own, "parent": {"id": parent["id"], "name": parent["name"]}} if own else None,
            "children": behind}
