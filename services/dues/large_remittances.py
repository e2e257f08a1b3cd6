"""大额党费 上缴 (docs/DUES.md, "大额党费 上缴"): an organization records handing the 大额党费 it holds up in
full — those recorded at it or below that it has not forwarded yet, all by default or chosen ones — in one
record whose amount equals their sum; voided with a reason and kept. Each level records its own forwarding
(a branch to its 党委, …, the root to the Centre), so a payment shows which levels handed it on and when.

Never mixed with the monthly dues' 上缴 (remittances.py): other table, other money (RPC `large_*`).
Who: recording and voiding an unconfirmed record — only an account of the forwarding organization itself (as
for 上缴: the organization states what it handed up); 确认收到 or 退回 (with the reason) — only an account of
the receiving organization (`to_org_id`; the one above has its own record from the receiver to answer); a
confirmed record is final for the sender (409), the receiver may void it (confirmed by mistake). A 退回 closes
the record as 已退回, its payments held again by the sender, who records anew — as the monthly 上缴's 退回.
The root's forwarding to the Centre has no receiver in PMIS: it stays 报党中央. Reading — the
organization's scope as everywhere. Every write records its event and its 操作日志 entry."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import and_, exists, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, NotFound, Refused, ValidationFailed
from services.shared.field_errors import FieldErrors
from services.shared.ids import int_or_not_found
from services.shared.messaging.outbox import record_event
from services.shared.org_directory import OrgDirectory
from services.shared.versions import require_version

from . import events
from . import inflows as visiting
from .commands import REASON_MAX, _fields_message, _text
from .domain import money
from .domain.large_remittance import Held, LargeRefused, check_large_remittance, overdue_before, parse_large_remittance
from .models import large_payments, large_remittance_items, large_remittances, members, org_directory, outbox
from .queries import _page
from .remittances import STATE_NAMES, own_org
from .store import shown, year_of

CENTRE = "党中央"  # the root hands 大额党费 up outside PMIS (RULES §1: to the Centre)
RECORDED, CONFIRMED, RETURNED = "recorded", "confirmed", "returned"
TO_CENTRE = "报党中央"  # the state shown for the root's forwarding: no receiver in PMIS to confirm it
NOT_RECEIVER = "大额党费上缴只能由收款的党组织（本组织的账号）确认收到或退回"
CONFIRMED_FINAL = "上级党组织已确认收到，不能作废（确认有误的，由收款的党组织作废）"
AUDIT_LABELS = {"to_org_name": "收款", "remitted_on": "上缴日期", "amount": "金额", "voucher_no": "收据（凭证）号",
                "note": "备注", "payments_text": "所缴各笔", "state_name": "状态", "opinion": "意见",
                "void_reason": "作废或退回原因"}
FIELD_LABELS = {"remitted_on": "上缴日期", "amount": "金额", "voucher_no": "收据（凭证）号", "note": "备注",
                "payment_ids": "所缴大额党费"}
NOT_OWN = "大额党费上缴由本组织登记：只有本组织的账号可以登记或作废本组织的上缴"
OUTSIDE = "所选大额党费不是本组织或下级登记的（编号：{}）"
MISSING = "大额党费上缴记录不存在"
REFUSALS = {"forwarded": Conflict, "empty": Conflict, "amount": Refused, "date": Refused}


def _lock(session: Session, org_id: int) -> None:
    """One organization's 大额党费 上缴 are written one transaction at a time (the "once" check)."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                    {"key": f"dues-large-remittance-{org_id}"})


def _forwarded_by(org_id):
    """An active item: the payment was handed up by `org_id`."""
    items = large_remittance_items.c
    return exists().where(items.payment_id == large_payments.c.id, items.org_id == org_id, items.voided.is_(False))


def _recorded_under(path: str):
    """Payments recorded at an organization of the subtree (the recording organization's directory path)."""
    return exists().where(org_directory.c.id == large_payments.c.org_id,
                          org_directory.c.path.startswith(path, autoescape=True))


def _held(row) -> Held:
    return Held(row.id, row.amount, row.paid_on, row.receipt_no)


def record(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, data: dict) -> dict:
    """{remitted_on, amount, voucher_no, note?, payment_ids?}: the organization hands up the payments
    (default: every one it holds) — 403 for a payment not recorded in its subtree, 409 one it already
    forwarded (or nothing to forward), 422 an amount that is not their sum; nothing written then."""
    org = orgs.org(caller, org_id)
    if own_org(caller) != org["id"]:
        raise Forbidden(NOT_OWN)
    data = data or {}
    try:
        new = parse_large_remittance(data.get("remitted_on"), data.get("amount"), data.get("voucher_no"),
                                     data.get("note"), data.get("payment_ids"))
    except FieldErrors as errors:
        raise ValidationFailed(f"大额党费上缴信息有误：{_fields_message(errors, FIELD_LABELS)}",
                               errors.fields) from None
    parent = orgs.find(org.get("parent_id")) if org.get("parent_id") is not None else None
    with sessions.begin() as session:
        _lock(session, org["id"])
        query = select(large_payments).where(_recorded_under(org["path"]))
        if new.payment_ids is None:
            rows = session.execute(query.where(~_forwarded_by(org["id"])).order_by(large_payments.c.id)).all()
            forwarded = set()
        else:
            rows = session.execute(query.where(large_payments.c.id.in_(new.payment_ids))
                                   .order_by(large_payments.c.id)).all()
            outside = sorted(set(new.payment_ids) - {row.id for row in rows})
            if outside:  # unknown or outside the subtree: the same answer (existence is not told)
                raise Forbidden(OUTSIDE.format("、".join(map(str, outside))))
            forwarded = set(session.execute(select(large_remittance_items.c.payment_id).where(
                large_remittance_items.c.org_id == org["id"], large_remittance_items.c.voided.is_(False),
                large_remittance_items.c.payment_id.in_(new.payment_ids))).scalars())
        try:
            check_large_remittance(new, [_held(row) for row in rows], forwarded, date.today())
        except LargeRefused as refused:  # the form marks the field at fault
            field = {"amount": "amount", "date": "remitted_on"}.get(refused.kind)
            raise REFUSALS[refused.kind](refused.message, {field: refused.message} if field else None) from None
        try:
            with session.begin_nested():
                saved = session.execute(large_remittances.insert().values(
                    org_id=org["id"], to_org_id=parent["id"] if parent else None, remitted_on=new.remitted_on,
                    amount=new.amount, voucher_no=new.voucher_no, note=new.note,
                    created_by=caller.username or caller.user_id).returning(*large_remittances.c)).one()
                session.execute(large_remittance_items.insert(), [
                    {"remittance_id": saved.id, "payment_id": row.id, "org_id": org["id"]} for row in rows])
        except IntegrityError:  # the unique index: the same payment at once
            raise Conflict("所选大额党费本组织已上缴，不能重复上缴") from None
        view = _views(session, caller, [saved])[0]
        _event(session, caller, events.DUES_LARGE_REMITTED, saved, view)
        _audit(session, caller, org["path"], saved, "登记大额党费上缴", None, view)
        return view


def void(sessions: sessionmaker, caller: Caller, remittance_id, data: dict) -> dict:
    """作废 with a reason (the forwarding organization): its payments are held again, the record kept."""
    data = data or {}
    reason = _text(data, "reason", "作废原因", REASON_MAX, required=True)
    with sessions.begin() as session:
        row, path = _load(session, caller, remittance_id)
        mine = own_org(caller)
        receiver = row.to_org_id is not None and mine == row.to_org_id
        if row.state == CONFIRMED and row.voided_at is None and not receiver:
            if mine == row.org_id:
                raise Conflict(CONFIRMED_FINAL)
            raise Forbidden(CONFIRMED_FINAL)
        if row.state != CONFIRMED and mine != row.org_id:
            raise Forbidden(NOT_OWN)
        if row.voided_at is not None:
            raise Conflict("该大额党费上缴记录已退回，不能作废" if row.state == RETURNED
                           else "该大额党费上缴记录已作废")
        require_version(row.version, data.get("version"), "该大额党费上缴记录")
        before = _views(session, caller, [row])[0]
        saved = _close(session, row, reason=reason, voided_by=caller.username or caller.user_id)
        view = _views(session, caller, [saved])[0]
        _event(session, caller, events.DUES_LARGE_REMITTANCE_VOIDED, saved, view, reason=reason)
        _audit(session, caller, path, saved, "作废大额党费上缴", before, view)
        return view


def _close(session: Session, row, *, reason: str, voided_by: str, **values):
    """Void the record (作废, or a 退回's closing): kept, its items voided so its payments are held again."""
    session.execute(update(large_remittances).where(large_remittances.c.id == row.id).values(
        voided_at=datetime.now(timezone.utc), void_reason=reason, voided_by=voided_by,
        version=large_remittances.c.version + 1, **values))
    session.execute(update(large_remittance_items).where(large_remittance_items.c.remittance_id == row.id)
                    .values(voided=True))
    return session.execute(select(large_remittances).where(large_remittances.c.id == row.id)).one()


def _answering(session: Session, caller: Caller, remittance_id, data: dict):
    """The record the receiver answers (confirm or 退回), locked: only the receiving organization's account,
    only an active unconfirmed record (409 otherwise, e.g. the other answer came first)."""
    row, path = _load(session, caller, remittance_id)
    if row.to_org_id is None:
        raise Conflict("该记录为上缴党中央，系统内没有收款的党组织，无需确认")
    if own_org(caller) != row.to_org_id:
        raise Forbidden(NOT_RECEIVER)
    if row.voided_at is not None:
        raise Conflict("该大额党费上缴记录已退回" if row.state == RETURNED else "该大额党费上缴记录已作废")
    if row.state == CONFIRMED:
        raise Conflict("该大额党费上缴已确认收到")
    require_version(row.version, data.get("version"), "该大额党费上缴记录")
    return row, path


def _answerer(session: Session, caller: Caller) -> str:
    mine = own_org(caller)
    name = visiting.org_names(session, {mine}).get(mine) if mine else None
    who = caller.username or caller.user_id
    return f"{name}（{who}）" if name else who


def confirm(sessions: sessionmaker, caller: Caller, remittance_id, data: dict) -> dict:
    """确认收到 (the receiving organization's account), with an optional opinion: final for the sender."""
    data = data or {}
    opinion = _text(data, "opinion", "确认意见", REASON_MAX)
    with sessions.begin() as session:
        row, path = _answering(session, caller, remittance_id, data)
        before = _views(session, caller, [row])[0]
        session.execute(update(large_remittances).where(large_remittances.c.id == row.id).values(
            state=CONFIRMED, opinion=opinion, confirmer_org_id=own_org(caller),
            confirmed_by=_answerer(session, caller), confirmed_at=datetime.now(timezone.utc),
            version=large_remittances.c.version + 1))
        saved = session.execute(select(large_remittances).where(large_remittances.c.id == row.id)).one()
        view = _views(session, caller, [saved])[0]
        _event(session, caller, events.DUES_LARGE_REMITTANCE_CONFIRMED, saved, view, opinion=opinion,
               confirmer_org_id=saved.confirmer_org_id)
        _audit(session, caller, path, saved, "确认收到大额党费上缴", before, view)
        return view


def return_(sessions: sessionmaker, caller: Caller, remittance_id, data: dict) -> dict:
    """退回 with the reason (the receiving organization's account; not received, a wrong voucher …): the
    record is closed as 已退回 and kept, its payments held again by the sender, who records anew."""
    data = data or {}
    reason = _text(data, "reason", "退回原因", REASON_MAX, required=True)
    with sessions.begin() as session:
        row, path = _answering(session, caller, remittance_id, data)
        before = _views(session, caller, [row])[0]
        who = _answerer(session, caller)
        saved = _close(session, row, reason=f"退回：{reason}", voided_by=who, state=RETURNED, opinion=reason,
                       confirmer_org_id=own_org(caller), confirmed_by=who, confirmed_at=datetime.now(timezone.utc))
        view = _views(session, caller, [saved])[0]
        _event(session, caller, events.DUES_LARGE_REMITTANCE_RETURNED, saved, view, reason=reason,
               confirmer_org_id=saved.confirmer_org_id)
        _audit(session, caller, path, saved, "退回大额党费上缴", before, view)
        return view


def _audit(session: Session, caller: Caller, path: str, row, action: str, before: dict | None, after: dict) -> None:
    """One 操作日志 entry about a record, placed under the forwarding organization (the receiver above sees it)."""
    def readable(view):
        if view is None:
            return None
        return {**view, "payments_text": "、".join(f"{p['name'] or '—'} {p['amount']}（{p['receipt_no']}）"
                                                  for p in view["payments"])}
    audit.record(session, outbox, caller, org_path=path, entity="dues_large_remittance", entity_id=row.id,
                 action=action, lines=[{"field": "上缴组织", "before": None, "after": after["org_name"]}],
                 before=readable(before), after=readable(after), labels=AUDIT_LABELS)


def _load(session: Session, caller: Caller, remittance_id):
    """A record locked (its organization's lock first) and the forwarding organization's path; NotFound
    outside the caller's scope."""
    remittance_id = int_or_not_found(remittance_id, MISSING)
    row = session.execute(select(large_remittances).where(large_remittances.c.id == remittance_id)).first()
    if row is None:
        raise NotFound(MISSING)
    path = session.execute(select(org_directory.c.path).where(org_directory.c.id == row.org_id)).scalar()
    if not path or not caller.covers(path):
        raise NotFound(MISSING)
    _lock(session, row.org_id)
    return session.execute(select(large_remittances).where(large_remittances.c.id == remittance_id)
                           .with_for_update()).one(), path


def _event(session: Session, caller: Caller, event_type: str, row, view: dict, **extra) -> None:
    payload = {"large_remittance_id": row.id, "org_id": row.org_id, "to_org_id": row.to_org_id,
               "amount": view["amount"], "remitted_on": view["remitted_on"], "voucher_no": row.voucher_no,
               "payment_ids": [p["id"] for p in view["payments"]], **extra}
    record_event(session, outbox, event_type, f"large-remittance-{row.id}", row.version, payload, caller)


def _views(session: Session, caller: Caller, rows) -> list[dict]:
    rows = list(rows)
    if not rows:
        return []
    items = session.execute(
        select(large_remittance_items.c.remittance_id, large_payments.c.id, large_payments.c.amount,
               large_payments.c.paid_on, large_payments.c.receipt_no, large_payments.c.member_id, members.c.name)
        .join(large_payments, large_payments.c.id == large_remittance_items.c.payment_id)
        .outerjoin(members, members.c.member_id == large_payments.c.member_id)
        .where(large_remittance_items.c.remittance_id.in_([row.id for row in rows]))
        .order_by(large_payments.c.paid_on, large_payments.c.id)).all()
    by_record: dict[int, list] = {}
    for item in items:
        by_record.setdefault(item.remittance_id, []).append(
            {"id": item.id, "member_id": item.member_id, "name": item.name, "amount": shown(item.amount),
             "paid_on": item.paid_on.isoformat(), "receipt_no": item.receipt_no})
    names = visiting.org_names(session, {row.org_id for row in rows} | {row.to_org_id for row in rows})
    mine = own_org(caller)
    return [_view(row, names, by_record.get(row.id, []), mine) for row in rows]


def state_name(row) -> str:
    """待确认 / 已确认 / 已退回 / 已作废; the root's forwarding to the Centre: 报党中央 (no receiver in PMIS)."""
    if row.state == RETURNED:
        return STATE_NAMES[RETURNED]
    if row.voided_at is not None:
        return "已作废"
    if row.to_org_id is None:
        return TO_CENTRE
    return STATE_NAMES.get(row.state, row.state)


def _view(row, names: dict, payments: list, mine) -> dict:
    active = row.voided_at is None
    receiver = row.to_org_id is not None and mine == row.to_org_id
    answerable = active and row.state == RECORDED and receiver
    return {"id": row.id, "org_id": row.org_id, "org_name": names.get(row.org_id), "to_org_id": row.to_org_id,
            "to_org_name": names.get(row.to_org_id) if row.to_org_id else CENTRE,
            "remitted_on": row.remitted_on.isoformat(), "amount": shown(row.amount), "voucher_no": row.voucher_no,
            "note": row.note, "payments": payments, "state": "centre" if row.to_org_id is None and active
            else row.state, "state_name": state_name(row), "opinion": row.opinion, "confirmed_by": row.confirmed_by,
            "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
            "voided": not active, "void_reason": row.void_reason, "voided_by": row.voided_by,
            "recorded_by": row.created_by,
            "recorded_at": row.created_at.isoformat() if row.created_at else None, "version": row.version,
            "can_confirm": answerable, "can_return": answerable,
            "can_void": active and ((row.state == RECORDED and mine == row.org_id)
                                    or (row.state == CONFIRMED and receiver))}


# --- reading ------------------------------------------------------------------------------------

def listing(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, year=None) -> dict:
    """The organization's 大额党费 上缴: what it still holds (recorded at it or below, not forwarded by it;
    any year) with the total, whether its account may record, to whom, and the records of the organization
    and its subtree (newest first, a year's or the last 200)."""
    org = orgs.org(caller, org_id)
    parent = orgs.find(org.get("parent_id")) if org.get("parent_id") is not None else None
    recorders = select(org_directory.c.id).where(org_directory.c.path.startswith(org["path"], autoescape=True))
    query = select(large_remittances).where(large_remittances.c.org_id.in_(recorders))
    if year not in (None, ""):
        chosen = year_of(year)
        query = query.where(large_remittances.c.remitted_on >= date(chosen, 1, 1),
                            large_remittances.c.remitted_on < date(chosen + 1, 1, 1))
    with sessions() as session:
        held = _held_rows(session, org, None, limit=500)
        count, amount = _held_totals(session, org)
        records = session.execute(query.order_by(large_remittances.c.remitted_on.desc(), large_remittances.c.id.desc())
                                  .limit(200)).all()
        views = _views(session, caller, records)
        waiting = session.execute(select(func.count()).where(_waiting_for(org["id"]))).scalar()
    return {"org": {"id": org["id"], "name": org["name"], "type": org.get("type")}, "to_confirm": waiting,
            "to": {"id": parent["id"], "name": parent["name"]} if parent else {"id": None, "name": CENTRE},
            "can_record": own_org(caller) == org["id"],
            "held": {"count": count, "amount": shown(amount), "items": held}, "items": views}


def _held_query(org: dict, before: date | None):
    query = (select(large_payments, members.c.name, members.c.org_id.label("member_org_id"))
             .outerjoin(members, members.c.member_id == large_payments.c.member_id)
             .where(_recorded_under(org["path"]), ~_forwarded_by(org["id"])))
    return query.where(large_payments.c.paid_on < before) if before else query


def _held_rows(session: Session, org: dict, before: date | None, limit: int, offset: int = 0) -> list[dict]:
    rows = session.execute(_held_query(org, before).order_by(large_payments.c.paid_on, large_payments.c.id)
                           .limit(limit).offset(offset)).all()
    levels = forwardings(session, [row.id for row in rows])
    names = visiting.org_names(session, {row.org_id for row in rows} | {row.member_org_id for row in rows})
    return [{"id": row.id, "member_id": row.member_id, "name": row.name, "org_id": row.member_org_id,
             "org_name": names.get(row.member_org_id), "recorded_org_id": row.org_id,
             "recorded_org_name": names.get(row.org_id), "amount": shown(row.amount),
             "paid_on": row.paid_on.isoformat(), "receipt_no": row.receipt_no, "forwarded": levels.get(row.id, []),
             "held_by": (levels[row.id][-1]["to_org_name"] if levels.get(row.id) else names.get(row.org_id))}
            for row in rows]


def _held_totals(session: Session, org: dict, before: date | None = None):
    rows = _held_query(org, before).subquery()
    found = session.execute(select(func.count().label("count"), func.sum(rows.c.amount).label("amount"))).one()
    return found.count, found.amount or money.ZERO


def forwardings(session: Session, payment_ids) -> dict[int, list[dict]]:
    """Every active forwarding of the payments, level by level in date order: {payment id: [{remittance_id,
    org_id, org_name, to_org_id, to_org_name, remitted_on, voucher_no}]} (the 大额党费 list's status)."""
    payment_ids = list(payment_ids)
    if not payment_ids:
        return {}
    rows = session.execute(
        select(large_remittance_items.c.payment_id, large_remittances)
        .join(large_remittances, and_(large_remittances.c.id == large_remittance_items.c.remittance_id,
                                      large_remittance_items.c.voided.is_(False)))
        .where(large_remittance_items.c.payment_id.in_(payment_ids))
        .order_by(large_remittances.c.remitted_on, large_remittances.c.id)).all()
    names = visiting.org_names(session, {row.org_id for row in rows} | {row.to_org_id for row in rows})
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(row.payment_id, []).append(
            {"remittance_id": row.id, "org_id": row.org_id, "org_name": names.get(row.org_id),
             "to_org_id": row.to_org_id, "to_org_name": names.get(row.to_org_id) if row.to_org_id else CENTRE,
             "remitted_on": row.remitted_on.isoformat(), "voucher_no": row.voucher_no})
    return found


def overdue_held(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, page=1, size=50) -> dict:
    """工作督查: 大额党费 the organization still holds (recorded at it or below, not forwarded by it) paid
    more than 30 days ago, oldest first, each with where it is now (`held_by`)."""
    org = orgs.org(caller, org_id)
    page, size = _page(page, size)
    before = overdue_before(date.today())
    with sessions() as session:
        total, amount = _held_totals(session, org, before)
        items = _held_rows(session, org, before, size, (page - 1) * size)
    return {"total": total, "amount": shown(amount), "page": page, "size": size, "items": items}


def _waiting_for(org_id: int, before: date | None = None):
    """Records handed up to `org_id` it has neither confirmed nor returned (active), remitted before `before`."""
    found = and_(large_remittances.c.to_org_id == org_id, large_remittances.c.state == RECORDED,
                 large_remittances.c.voided_at.is_(None))
    return and_(found, large_remittances.c.remitted_on < before) if before else found


def unconfirmed(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, page=1, size=50) -> dict:
    """工作督查: 大额党费 上缴 records handed up to the organization more than 30 days ago (the days a held
    payment may wait, `overdue_before`) that it has neither confirmed nor returned, oldest first."""
    org = orgs.org(caller, org_id)
    page, size = _page(page, size)
    condition = _waiting_for(org["id"], overdue_before(date.today()))
    with sessions() as session:
        found = session.execute(select(func.count().label("count"), func.sum(large_remittances.c.amount)
                                       .label("amount")).where(condition)).one()
        rows = session.execute(select(large_remittances).where(condition)
                               .order_by(large_remittances.c.remitted_on, large_remittances.c.id)
                               .limit(size).offset((page - 1) * size)).all()
        items = _views(session, caller, rows)
    return {"total": found.count, "amount": shown(found.amount or money.ZERO), "page": page, "size": size,
            "items": items}


SHEET_MAX = 5000  # records of one subtree in a year's sheet (a 大额党费 is rare: a province has far fewer)


def year_records(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, org_id, year=None) -> dict:
    """The 大额党费 上缴 records of the organization and its subtree remitted in a year (the Excel), oldest
    first, each with its payments and state; `truncated` when there were more than SHEET_MAX."""
    org = orgs.org(caller, org_id)
    chosen = year_of(year)
    recorders = select(org_directory.c.id).where(org_directory.c.path.startswith(org["path"], autoescape=True))
    with sessions() as session:
        rows = session.execute(select(large_remittances).where(
            large_remittances.c.org_id.in_(recorders), large_remittances.c.remitted_on >= date(chosen, 1, 1),
            large_remittances.c.remitted_on < date(chosen + 1, 1, 1))
            .order_by(large_remittances.c.remitted_on, large_remittances.c.id).limit(SHEET_MAX + 1)).all()
        items = _views(session, caller, rows[:SHEET_MAX])
    return {"org": {"id": org["id"], "name": org["name"]}, "year": chosen, "items": items,
            "truncated": len(rows) > SHEET_MAX}
