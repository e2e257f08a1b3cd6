"""流动党员 use cases: 流出登记, 返回, 失联, 找回联系, 活动证 issue and reissue, 流入登记 and its end,
and the member leaving the rolls. Each validates, locks, checks scope, version and state,
changes, writes the outbox and commits in one transaction (docs/MOBILITY.md)."""
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.member.contract import leave_undone
from services.shared import field_rules
from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed, validated
from services.shared.field_errors import FieldErrors
from services.shared.messaging.inbox import claim
from services.shared.messaging.outbox import record_event

from . import mobility_queries
from . import mobility_store as store
from .domain import mobility as rules
from .domain.codes import OPEN as OPEN_TRANSFER
from .models import (
    certificate_checks,
    certificates,
    inbox,
    inflow_activities,
    inflows,
    member_versions,
    outbox,
    outflows,
    transfers,
)
from .store import org_rows, shared_paths

OUTFLOW_OPENED, OUTFLOW_CHANGED, OUTFLOW_CLOSED = "outflow_opened", "outflow_changed", "outflow_closed"
INFLOW_OPENED, INFLOW_ENDED = "inflow_opened", "inflow_ended"
IN_TRANSFER = "该党员正在办理组织关系转接，不能登记为流出党员，请先办结或撤销该转接"
IS_MOBILE = "该党员已登记为流出党员，请先办理返回，再转接组织关系"
# One advisory lock key space for "a member's transfer or outflow is being written".
_LOCK_SPACE = 0x6D6F62 << 40


def lock_member(session: Session, member_id: int) -> None:
    """Serializes 流出登记 and 发起 of one member (two tables, one decision)."""
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_SPACE | int(member_id)})


def refuse_transfer_if_mobile(session: Session, member_id: int) -> None:
    """For 发起 of a transfer (commands.apply): a registered outflow must end first."""
    lock_member(session, member_id)
    if store.open_outflow(session, member_id) is not None:
        raise Conflict(IS_MOBILE, {"member_id": "已登记为流出党员"})


def _emit(session: Session, caller: Caller, event_type: str, row, effective_on: date | None = None) -> None:
    payload = {**store.outflow_facts(row, org_rows(session, [row.home_org_id])),
               "effective_on": (effective_on or row.from_date).isoformat()}
    record_event(session, outbox, event_type, f"outflow-{row.id}", row.version, payload, caller)


def _emit_inflow(session: Session, caller: Caller, event_type: str, row) -> None:
    outflow = store.outflows_of(session, [row]).get(row.outflow_id)
    record_event(session, outbox, event_type, f"inflow-{row.id}", row.version,
                 store.inflow_facts(row, org_rows(session, [row.org_id]), outflow), caller)


def receiving_org(find_org, to_org_id: int, home: dict) -> dict:
    try:
        org = find_org(to_org_id)
    except NotFound:
        org = None
    if org is None:
        raise ValidationFailed("流入党组织不存在", {"to_org_id": "党组织不存在"})
    if org.get("status") != "active":
        raise ValidationFailed(f"党组织“{org['name']}”已撤销", {"to_org_id": "党组织已撤销"})
    if org["id"] == home["id"]:
        raise ValidationFailed("流入党组织就是该党员所在的党组织", {"to_org_id": "与所在党组织相同"})
    return org


def register_outflow(sessions: sessionmaker, caller: Caller, get_member, member_id, raw, find_org) -> dict:
    """流出登记: one open outflow per member, none while a transfer is unfinished."""
    today = date.today()
    data = validated(lambda d: rules.validate_outflow(d, today), raw, "流出登记")
    member = get_member(store.record_id(member_id, "党员"))  # the member service checks its scope too
    if member.get("status") != "active":
        raise Conflict("该党员不在党员名册中，不能登记流出")
    if member.get("in_transit"):
        raise Conflict(IN_TRANSFER, {"member_id": "正在转接组织关系"})
    home = find_org(member["org_id"])
    if home is None:
        raise NotFound("党员所在党组织不存在")
    caller.require(home["path"], "该党员")
    to_org = receiving_org(find_org, data["to_org_id"], home) if data["to_org_id"] else None
    with sessions.begin() as session:
        return write_outflow(session, caller, member, home, to_org, data, today)


def write_outflow(session: Session, caller: Caller, member: dict, home: dict, to_org: dict | None, data: dict,
                  today: date, note: str | None = None) -> dict:
    """流出登记's writer (also the 流出党员采集表's, outflow_imports.py): `member` as the member service
    gave it, in `home` (scope-checked by the caller), `data` validated; refuses a member in transit or
    already away; inserts, logs (操作日志), issues the 活动证 when asked, and records outflow_opened."""
    snapshot = {key: member.get(key) for key in store.MEMBER_KEYS}
    snapshot["org_name"] = home["name"]
    lock_member(session, member["id"])
    if _in_transfer(session, member["id"]):
        raise Conflict(IN_TRANSFER, {"member_id": "正在转接组织关系"})
    existing = store.open_outflow(session, member["id"])
    try:
        rules.refuse_open(existing.state if existing else None)
    except rules.Refused as refused:
        raise Conflict(refused.message, {"member_id": "已登记为流出党员"}) from None
    paths = shared_paths(session, [home["id"], to_org["id"] if to_org else None])
    values = {"member_id": member["id"], "member_name": member["name"], "member": snapshot,
              "home_org_id": home["id"], "home_path": paths.get(home["id"], home["path"]),
              "to_path": (paths.get(to_org["id"], to_org["path"]) if to_org else None),
              "state": rules.OUT, "from_date": data["from_date"],
              "reason": data["reason"], "destination": data["destination"],
              "destination_kind": rules.destination_kind(data["to_org_id"], data["destination"]),
              "to_org_id": to_org["id"] if to_org else None, "to_org_text": data["to_org_text"],
              "expected_return": data["expected_return"], "phone": data["phone"], "created_by": caller.user_id,
              "history": [store.entry(caller, "registered", home["id"], note,
                                      effective_on=data["from_date"].isoformat())]}
    try:
        with session.begin_nested():
            outflow_id = session.execute(outflows.insert().values(**values).returning(outflows.c.id)).scalar_one()
    except IntegrityError:
        raise Conflict("该党员已登记为流动党员，请先办理返回", {"member_id": "已登记为流出党员"}) from None
    row = store.load_outflow(session, outflow_id)
    store.log_mobility(session, caller, outflows, None, row, values["history"][0])
    number = None
    if data["certificate"]:
        number = store.issue_certificate(session, row.id, home, today)
    elif data.get("certificate_no"):  # a card issued before PMIS (数据迁移), kept with its number and date
        number = data["certificate_no"]
        if store.certificate_row(session, number) is not None:
            raise Conflict(f"活动证编号“{number}”已被使用", {"certificate_no": "已被使用"})
        store.record_certificate(session, row.id, home, number, data["certificate_issued_on"])
    if number:
        row = store.save_and_log(session, caller, outflows, row, {"certificate_no": number},
                                 store.entry(caller, "certificate_issued", home["id"], number))
    _emit(session, caller, OUTFLOW_OPENED, row)
    return store.outflow_view(session, row, caller)


def _in_transfer(session: Session, member_id: int) -> bool:
    """Whether a transfer of the member is unfinished (it and an open outflow exclude each other)."""
    return session.execute(select(transfers.c.id).where(transfers.c.member_id == member_id,
                                                        transfers.c.state.in_(OPEN_TRANSFER))).first() is not None


def _locked(session: Session, caller: Caller, outflow_id, data):
    row = store.load_outflow(session, outflow_id, lock=True)
    orgs = org_rows(session, [row.home_org_id, row.to_org_id])
    store.require_outflow_visible(caller, orgs, row)
    store.require_home(caller, orgs, row)
    store.check_version(row, data.get("version") if isinstance(data, dict) else None)
    return row


def _transition(step, state: str) -> str:
    try:
        return step(state)
    except rules.Refused as refused:
        raise Conflict(refused.message) from None


def _end_inflow(session: Session, caller: Caller, outflow_row, day: date) -> None:
    inflow = store.open_inflow_of(session, outflow_row.id, lock=True)
    if inflow is not None:
        inflow = store.save_and_log(session, caller, inflows, inflow,
                                    {"state": rules.ENDED, "ended_on": max(day, inflow.from_date)},
                            store.entry(caller, "inflow_ended", inflow.org_id))
        _emit_inflow(session, caller, INFLOW_ENDED, inflow)


def return_outflow(sessions: sessionmaker, caller: Caller, outflow_id, data) -> dict:
    """返回: the outflow ends with a date and the member's report; the inflow ends with it."""
    with sessions.begin() as session:
        row = _locked(session, caller, outflow_id, data)
        state = _transition(rules.return_, row.state)
        fields = validated(lambda d: rules.validate_return(d, row.from_date, date.today()), data, "返回")
        row = store.save_and_log(session, caller, outflows, row, {"state": state, "returned_on": fields["date"],
                                                  "return_report": fields["report"]},
                         store.entry(caller, "returned", row.home_org_id, fields["report"],
                                     effective_on=fields["date"].isoformat()))
        _end_inflow(session, caller, row, fields["date"])
        _emit(session, caller, OUTFLOW_CLOSED, row, fields["date"])
        return store.outflow_view(session, row, caller)


def mark_lost(sessions: sessionmaker, caller: Caller, outflow_id, data) -> dict:
    with sessions.begin() as session:
        row = _locked(session, caller, outflow_id, data)
        state = _transition(rules.lose, row.state)
        fields = validated(lambda d: rules.validate_lost(d, row.from_date, date.today()), data, "失联登记")
        lost = {"since": fields["since"].isoformat(), "reason": fields["reason"], "note": fields["note"],
                "found_on": None}
        row = store.save_and_log(session, caller, outflows, row, {"state": state, "lost": lost},
                         store.entry(caller, "lost", row.home_org_id,
                                     f"{rules.LOST_REASONS.name(fields['reason'])}"
                                     + (f"：{fields['note']}" if fields["note"] else ""),
                                     effective_on=lost["since"]))
        _emit(session, caller, OUTFLOW_CHANGED, row, fields["since"])
        return store.outflow_view(session, row, caller)


def mark_found(sessions: sessionmaker, caller: Caller, outflow_id, data) -> dict:
    with sessions.begin() as session:
        row = _locked(session, caller, outflow_id, data)
        state = _transition(rules.find, row.state)
        since = date.fromisoformat(row.lost["since"])
        day = validated(lambda d: rules.validate_found(d, since, date.today()), data, "取得联系")
        row = store.save_and_log(session, caller, outflows, row,
                                 {"state": state, "lost": {**row.lost, "found_on": day.isoformat()}},
                         store.entry(caller, "found", row.home_org_id, None, effective_on=day.isoformat()))
        _emit(session, caller, OUTFLOW_CHANGED, row, day)
        return store.outflow_view(session, row, caller)


def reissue_certificate(sessions: sessionmaker, caller: Caller, outflow_id, data, find_org) -> dict:
    """发放 (if none yet) or 补发 of the 活动证: the old number is voided, never given again."""
    today = date.today()
    with sessions.begin() as session:
        row = _locked(session, caller, outflow_id, data)
        try:
            rules.can_reissue(row.state, row.certificate_no)
        except rules.Refused as refused:
            raise Conflict(refused.message) from None
        home = find_org(row.home_org_id)
        if home is None:
            raise Conflict("该党员所在党组织已不存在，不能发放活动证")
        reason = None
        if row.certificate_no:
            given = data.get("reason") if isinstance(data, dict) else None
            reason = validated(_reason, given or "遗失补发", "补发活动证")
            session.execute(certificates.update().where(certificates.c.number == row.certificate_no)
                            .values(voided_on=today, void_reason=reason))
        number = store.issue_certificate(session, row.id, home, today)
        action = "certificate_reissued" if reason else "certificate_issued"
        note = f"{number}（原{row.certificate_no}作废：{reason}）" if reason else number
        row = store.save_and_log(session, caller, outflows, row, {"certificate_no": number},
                         store.entry(caller, action, row.home_org_id, note))
        return store.outflow_view(session, row, caller)


def check_certificate(sessions: sessionmaker, caller: Caller, outflow_id, data) -> dict:
    """活动证查验 (年审, with 民主评议): once a year per card, by the home organization."""
    today = date.today()
    with sessions.begin() as session:
        row = _locked(session, caller, outflow_id, data)
        card = store.certificate_row(session, row.certificate_no)
        try:
            rules.can_check(row.state, card is not None, card.voided_on if card else None)
        except rules.Refused as refused:
            raise Conflict(refused.message) from None
        fields = validated(lambda d: rules.validate_check(d, card.issued_on, card.valid_until, today), data,
                           "活动证查验")
        done = store.checks_of(session, [card.number]).get(card.number, {}).get(fields["year"])
        if done is not None:
            raise Conflict(f"该活动证{fields['year']}年度已于{done['checked_on']}查验，不能重复查验",
                           {"year": "本年度已查验"})
        org_text = fields["org_text"] or (org_rows(session, [row.home_org_id]).get(row.home_org_id) or {}).get(
            "name", "")
        try:
            with session.begin_nested():
                session.execute(certificate_checks.insert().values(
                    number=card.number, year=fields["year"], checked_on=fields["checked_on"], org_text=org_text,
                    note=fields["note"], created_by=caller.user_id))
        except IntegrityError:  # another clerk's 查验 of the same year won the race
            raise Conflict(f"该活动证{fields['year']}年度已查验，不能重复查验", {"year": "本年度已查验"}) from None
        row = store.save_and_log(session, caller, outflows, row, {}, store.entry(
            caller, "certificate_checked", row.home_org_id, f"{card.number} {fields['year']}年度",
            effective_on=fields["checked_on"].isoformat()))
        return store.outflow_view(session, row, caller)


def _reason(value) -> str:
    try:
        return field_rules.text(value, rules.NOTE_MAX)
    except ValueError as exc:
        raise FieldErrors({"reason": str(exc)}) from None


def register_inflow(sessions: sessionmaker, caller: Caller, org: dict, raw) -> dict:
    """流入登记 at `org` (scope-checked): an outflow of this deployment to it, or a member from outside."""
    caller.require(org["path"])
    if org.get("status") != "active":
        raise Conflict(f"党组织“{org['name']}”已撤销，不能登记流入")
    data = validated(lambda d: rules.validate_inflow(d, date.today()), raw, "流入登记")
    with sessions.begin() as session:
        if data["outflow_id"]:
            outflow = store.load_outflow(session, data["outflow_id"], lock=True)
            orgs = org_rows(session, [outflow.home_org_id, outflow.to_org_id])
            to_path = store.path_of(orgs, outflow.to_org_id)
            if to_path is None or not to_path.startswith(org["path"]):
                raise Conflict("该党员未登记流向本党组织，不能确认流入")
            if outflow.state != rules.OUT:
                raise Conflict(f"该流出登记现为“{rules.OUTFLOW_STATES[outflow.state]}”，不能确认流入")
            if store.open_inflow_of(session, outflow.id) is not None:
                raise Conflict("该党员已确认流入")
            if data["from_date"] < outflow.from_date:
                raise ValidationFailed("流入日期不能早于流出日期",
                                       {"from_date": f"不能早于流出日期{outflow.from_date.isoformat()}"})
            values = {"org_id": outflow.to_org_id, "outflow_id": outflow.id, "member_name": outflow.member_name}
            row = _insert_inflow(session, caller, org, values, data["from_date"], outflow)
            return store.inflow_summary(row, org_rows(session, [row.org_id, outflow.home_org_id]), outflow)
        row = write_inflow(session, caller, org, data)
        return store.inflow_summary(row, org_rows(session, [row.org_id]))


def write_inflow(session: Session, caller: Caller, org: dict, data: dict, note: str | None = None):
    """流入登记's writer for a member from outside (also the 流入党员采集表's, inflow_imports.py): `org`
    scope-checked and active, `data` validated; one open inflow per ID number and organization.
    Inserts, logs (操作日志) and records inflow_opened; the new row."""
    external = data["external"]
    duplicate = session.execute(select(inflows.c.id).where(
        inflows.c.org_id == org["id"], inflows.c.state == rules.IN,
        inflows.c.external["id_number"].astext == external["id_number"])).first()
    if duplicate:
        raise Conflict("该党员已在本党组织登记流入", {"external.id_number": "已登记流入"})
    values = {"org_id": org["id"], "external": external, "member_name": external["name"]}
    return _insert_inflow(session, caller, org, values, data["from_date"], None, note)


def _insert_inflow(session: Session, caller: Caller, org: dict, values: dict, from_date: date, outflow,
                   note: str | None = None):
    """The inflow row (of `outflow` confirmed, or from outside), its 操作日志 entry and inflow_opened."""
    values["org_path"] = shared_paths(session, [values["org_id"]]).get(values["org_id"], org["path"])
    try:
        with session.begin_nested():
            inflow_id = session.execute(inflows.insert().values(
                **values, state=rules.IN, from_date=from_date, created_by=caller.user_id,
                history=[store.entry(caller, "inflow_confirmed", values["org_id"], note,
                                     effective_on=from_date.isoformat())]).returning(inflows.c.id)
            ).scalar_one()
    except IntegrityError:  # another clerk's 流入登记 of the same member won the race
        raise Conflict("该党员已在本党组织登记流入" if outflow is None else "该党员已确认流入") from None
    if outflow is not None:
        store.save_and_log(session, caller, outflows, outflow, {},
                           store.entry(caller, "inflow_confirmed", values["org_id"]))
    row = store.load_inflow(session, inflow_id)
    store.log_mobility(session, caller, inflows, None, row, row.history[0])
    _emit_inflow(session, caller, INFLOW_OPENED, row)
    return row


def end_inflow(sessions: sessionmaker, caller: Caller, inflow_id, data) -> dict:
    """The member left the receiving organization (a member from outside, or before the outflow ends)."""
    with sessions.begin() as session:
        row = store.load_inflow(session, inflow_id, lock=True)
        store.require_inflow_org(caller, org_rows(session, [row.org_id]), row)
        store.check_version(row, data.get("version") if isinstance(data, dict) else None, "该流入登记")
        if row.state != rules.IN:
            raise Conflict("该党员已离开本党组织")
        day = validated(lambda d: rules.validate_found(d, row.from_date, date.today(), "流入日期"), data, "离开")
        row = close_inflow(session, caller, row, day)
        outflow = store.load_outflow(session, row.outflow_id) if row.outflow_id else None
        return store.inflow_summary(row, org_rows(session, [row.org_id, outflow.home_org_id if outflow else None]),
                                    outflow)


def close_inflow(session: Session, caller: Caller, row, day: date, note: str | None = None):
    """登记离开's writer (also the 流入党员采集表's for an inflow that has ended): the row locked and
    open, `day` validated; logs and records inflow_ended; the row after."""
    row = store.save_and_log(session, caller, inflows, row, {"state": rules.ENDED, "ended_on": day},
                             store.entry(caller, "inflow_ended", row.org_id, note))
    _emit_inflow(session, caller, INFLOW_ENDED, row)
    return row


def record_activity(sessions: sessionmaker, caller: Caller, inflow_id, data, dues_of=None) -> dict:
    """活动记录: the inflow organization logs what a 流入 member took part in (date, what)."""
    with sessions.begin() as session:
        row = store.load_inflow(session, inflow_id, lock=True)
        store.require_inflow_org(caller, org_rows(session, [row.org_id]), row)
        store.check_version(row, data.get("version") if isinstance(data, dict) else None, "该流入登记")
        count = session.execute(select(func.count()).select_from(inflow_activities)
                                .where(inflow_activities.c.inflow_id == row.id)).scalar_one()
        try:
            rules.can_record_activity(row.state, count)
        except rules.Refused as refused:
            raise Conflict(refused.message) from None
        fields = validated(lambda d: rules.validate_activity(d, row.from_date, date.today()), data, "活动记录")
        session.execute(inflow_activities.insert().values(inflow_id=row.id, on_date=fields["date"],
                                                          what=fields["what"], created_by=caller.user_id))
    return mobility_queries.get_inflow(sessions, caller, row.id, dues_of)


def on_member_updated(sessions: sessionmaker, event: dict) -> bool:
    """A member who leaves the rolls (死亡, 出党, 停止党籍…) closes their open outflow (and its
    inflow); the 回退 of that leave — a mistaken entry, back on the rolls with no new absence
    (member contract `leave_undone`; a 找回 is a real return and reopens nothing) — reopens what
    the closing did. Idempotent: the inbox drops a redelivery, and a leave or 回退 older than the
    newest applied for the member (`member_versions`) changes nothing. Whether anything changed."""
    payload = event.get("payload") or {}
    before, after = payload.get("before") or {}, payload.get("after") or {}
    undone = leave_undone(before, after)
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        if not undone and after.get("status") in (None, "active"):
            return False
        member_id = int(payload["member_id"])
        if not _newest_member_version(session, member_id, int(event.get("aggregate_version") or 0)):
            return False
        caller = Caller.system(event.get("request_id") or "")
        if undone:
            return _reopen(session, caller, member_id, before.get("left_on"))
        row = store.open_outflow(session, member_id, lock=True)
        state = rules.close(row.state) if row is not None else None
        if state is None:
            return False
        day = date.fromisoformat(after["left_on"]) if after.get("left_on") else date.today()
        day = max(day, row.from_date)
        inflow = store.open_inflow_of(session, row.id)  # named on the line, for a 回退 to reopen
        row = store.save_and_log(session, caller, outflows, row, {"state": state, "closed_on": day},
                         store.entry(caller, "closed", row.home_org_id, None, effective_on=day.isoformat(),
                                     inflow_id=inflow.id if inflow is not None else None))
        _end_inflow(session, caller, row, day)
        _emit(session, caller, OUTFLOW_CLOSED, row, day)
        return True


def _newest_member_version(session: Session, member_id: int, version: int) -> bool:
    """Record `version` as the member's newest leave or 回退 applied; False when a newer one was
    (the row's lock also makes a leave and its 回退 handled at once wait for each other)."""
    statement = insert(member_versions).values(member_id=member_id, version=version)
    return session.execute(statement.on_conflict_do_update(
        index_elements=[member_versions.c.member_id], set_={"version": statement.excluded.version},
        where=member_versions.c.version <= statement.excluded.version).returning(member_versions.c.version)
    ).first() is not None


def _reopen(session: Session, caller: Caller, member_id: int, left_on: str | None) -> bool:
    """The 回退 of a leave: the outflow that leave closed (the member's newest `closed` one, closed
    by the system on the leave's day and untouched since) is open again in the state it had, with
    the inflow that closing ended; each with its history line, 操作日志 entry and event (the facts
    as before the closing: the stats count it open again, and reconcile reads the same row)."""
    lock_member(session, member_id)  # as 流出登记 and 发起 do: one of them or this reopening first
    if store.open_outflow(session, member_id) is not None or _in_transfer(session, member_id):
        return False  # registered again, or a transfer begun, since the 回退: that stays
    row = session.execute(select(outflows).where(outflows.c.member_id == member_id,
                                                 outflows.c.state == rules.CLOSED)
                          .order_by(outflows.c.closed_on.desc(), outflows.c.id.desc()).limit(1)
                          .with_for_update()).first()
    left = date.fromisoformat(left_on) if left_on else None
    if row is None or not rules.closed_by_leave(row.state, row.history, row.closed_on, row.from_date, left):
        return False
    closed_on, closing = row.closed_on, row.history[-1]
    row = store.save_and_log(session, caller, outflows, row,
                             {"state": rules.state_before_close(row.history), "closed_on": None},
                             store.entry(caller, "reopened", row.home_org_id))
    inflow = session.execute(select(inflows).where(inflows.c.outflow_id == row.id)
                             .order_by(inflows.c.id.desc()).limit(1).with_for_update()).first()
    if inflow is not None and rules.inflow_ended_by_close(closing, inflow.id, inflow.state, inflow.history,
                                                          inflow.ended_on, inflow.from_date, closed_on):
        inflow = store.save_and_log(session, caller, inflows, inflow, {"state": rules.IN, "ended_on": None},
                                    store.entry(caller, "inflow_reopened", inflow.org_id))
        _emit_inflow(session, caller, INFLOW_OPENED, inflow)
    _emit(session, caller, OUTFLOW_CHANGED, row, closed_on)
    return True
