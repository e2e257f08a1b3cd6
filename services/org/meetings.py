"""组织生活 use cases: record a meeting, change a record (once locked: only with a reason), sign it.

Attendees and absentees must be on the organization's rolls on the meeting's day: the member
service is asked (`rolls(org_id, day, member_ids)`, its members_on_rolls RPC; org → member is the
allowed direction, the member schema is never read); 流入 attendees (by inflow id) must be on its
inflow list that day (inflows.py, a projection of the transfer service's events) and are stored
apart, in no attendance rate. Each record or change writes, in one
transaction: the record, who was there, the held count of (organization, year, kind), a history
line and its event (meeting_recorded / meeting_changed) in the outbox.
"""
from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared import audit, versions
from services.shared.context import Caller
from services.shared.errors import Conflict, Refused, ValidationFailed, validated
from services.shared.field_errors import FieldErrors
from services.shared.messaging.outbox import record_event

from . import inflows as inflow_list
from . import orglife_counts
from .domain.meetings import (
    DRAFT,
    MEETING_KINDS,
    SIGN_ROLES,
    MeetingRefused,
    change_reason,
    change_refusal,
    differences,
    merged,
    people_counts,
    raw_form,
    sign,
    validate_meeting,
    void_reason,
)
from .events import MEETING_CHANGED, MEETING_RECORDED, meeting_state
from .models import meeting_history, meeting_inflow_people, meeting_people, meetings, outbox
from .store import load_meeting, load_org, meeting_inflows_of, meeting_people_of, meeting_record, require_active

Rolls = Callable[[int, str, list], dict]  # member.members_on_rolls(org_id, on, member_ids)
WHAT = "组织生活记录"


def _now() -> datetime:
    return datetime.now()  # local time, as meetings are written down


def _valid(raw) -> dict:
    return validated(lambda data: validate_meeting(data, _now()), raw, WHAT)


def _names_on_rolls(org, data: dict, rolls: Rolls) -> dict[int, str]:
    """Every attendee's and absentee's name, or a refusal naming who is not on the rolls that day."""
    ids = data["attendees"] + [a["member_id"] for a in data["absentees"]]
    day = data["held_at"].date()
    answer = rolls(org.id, day.isoformat(), ids)
    if answer["not_on_rolls"]:
        missing = set(answer["not_on_rolls"])
        fields = {}
        absent = [a["member_id"] for a in data["absentees"]]
        for field, people in (("attendees", data["attendees"]), ("absentees", absent)):
            wrong = [str(member_id) for member_id in people if member_id in missing]
            if wrong:
                fields[field] = f"不在本组织{day.isoformat()}的党员名册中（党员编号{'、'.join(wrong)}）"
        raise ValidationFailed("；".join(fields.values()), fields)
    return {member["id"]: member["name"] for member in answer["members"]}


def _inflows_on_list(session: Session, org, data: dict) -> list:
    """The 流入 attendees' inflows, or a refusal naming those not on the organization's inflow list
    that day (an inflow of another organization, not begun yet, ended before, or unknown)."""
    day = data["held_at"].date()
    found = inflow_list.listed_on(session, org, day, data["inflows"])
    wrong = sorted(set(data["inflows"]) - {row.inflow_id for row in found})
    if wrong:
        message = (f"不在本组织{day.isoformat()}的流入党员名单中（流入记录编号{'、'.join(map(str, wrong))}）："
                   "流入党员须在会议当日已流入本组织且尚未离开")
        raise ValidationFailed(message, {"inflows": message})
    return found


def _write_people(session: Session, meeting_id: int, data: dict, names: dict[int, str], inflows=()) -> None:
    session.execute(delete(meeting_inflow_people).where(meeting_inflow_people.c.meeting_id == meeting_id))
    if inflows:
        session.execute(meeting_inflow_people.insert(), [
            {"meeting_id": meeting_id, "inflow_id": row.inflow_id, "member_id": row.member_id,
             "name": row.member_name, "certificate_no": row.certificate_no} for row in inflows])
    rows = [{"meeting_id": meeting_id, "member_id": member_id, "attended": True, "name": names[member_id],
             "reason": None} for member_id in data["attendees"]]
    rows += [{"meeting_id": meeting_id, "member_id": a["member_id"], "attended": False, "name": names[a["member_id"]],
              "reason": a["reason"]} for a in data["absentees"]]
    session.execute(delete(meeting_people).where(meeting_people.c.meeting_id == meeting_id))
    if rows:
        session.execute(meeting_people.insert(), rows)


AUDIT_ACTIONS = {"recorded": "录入组织生活记录", "changed": "修改组织生活记录", "signed": "签认组织生活记录",
                 "voided": "作废组织生活记录"}


def _log(session: Session, caller: Caller, row, action: str, changes=(), reason=None) -> None:
    """The record's history line and its 操作日志 entry (the lines already read as names)."""
    session.execute(meeting_history.insert().values(
        meeting_id=row.id, action=action, changes=list(changes), reason=reason, version=row.version,
        actor=caller.user_id, actor_name=caller.username))
    lines = [{"field": "会议", "before": None, "after": f"{MEETING_KINDS.name(row.kind)} {row.held_at:%Y-%m-%d %H:%M}"}]
    lines += [{"field": c["label"], "before": c["old"], "after": c["new"]} for c in changes]
    if reason:
        lines.append({"field": "原因", "before": None, "after": reason})
    audit.record(session, outbox, caller, org_path=load_org(session, row.org_id).path, entity="meeting",
                 entity_id=row.id, action=AUDIT_ACTIONS.get(action, action), lines=lines)


def _refuse_voided(row, doing: str) -> None:
    if row.voided_at is not None:
        raise Conflict(f"该组织生活记录已作废，不能{doing}")


def _duplicate(data: dict) -> Conflict:
    return Conflict(f"本组织已有{data['held_at'].strftime('%Y-%m-%d %H:%M')}的"
                    f"{MEETING_KINDS.name(data['kind'])}记录，请勿重复录入", {"held_at": "该时间已有同类会议记录"})


def _columns(data: dict) -> dict:
    values = {key: data[key] for key in ("kind", "held_at", "place", "host", "recorder", "topic", "speaker",
                                          "lecture_title", "content", "decisions", "nonvoting")}
    return {**values, "year": data["held_at"].year}


def record_meeting(sessions: sessionmaker, caller: Caller, org_id, raw, rolls: Rolls) -> dict:
    data = _valid(raw)
    with sessions.begin() as session:
        return write_meeting(session, caller, org_id, data, rolls)


def write_meeting(session: Session, caller: Caller, org_id, data: dict, rolls: Rolls, note: str | None = None) -> dict:
    """记录组织生活's writer (also the 组织生活采集表's, meeting_imports.py): `data` validated by
    validate_meeting; the rolls that day, the record, its people, the counts, the history line (with
    `note` as its reason), the 操作日志 and meeting_recorded."""
    org = load_org(session, org_id)
    caller.require(org.path)
    require_active(org, "记录组织生活")
    names = _names_on_rolls(org, data, rolls)
    inflows = _inflows_on_list(session, org, data)
    try:
        with session.begin_nested():
            row = session.execute(meetings.insert().values(
                org_id=org.id, **_columns(data), status=DRAFT, created_by=caller.user_id,
                created_by_name=caller.username).returning(meetings)).one()
    except IntegrityError:
        raise _duplicate(data) from None
    _write_people(session, row.id, data, names, inflows)
    orglife_counts.count(session, org, row.year, row.held_at.month, row.kind, 1, people_counts(data))
    _log(session, caller, row, "recorded", reason=note)
    record_event(session, outbox, MEETING_RECORDED, row.id, row.version, meeting_state(row), caller)
    return {"id": row.id, "version": row.version}


def _save(session: Session, caller: Caller, row, values: dict, action: str, changes=(), reason=None):
    saved = session.execute(update(meetings).where(meetings.c.id == row.id).values(
        **values, version=meetings.c.version + 1, updated_at=datetime.now(timezone.utc)).returning(meetings)).one()
    _log(session, caller, saved, action, changes, reason)
    record_event(session, outbox, MEETING_CHANGED, saved.id, saved.version, meeting_state(saved), caller)
    return saved


def change_meeting(sessions: sessionmaker, caller: Caller, meeting_id, raw, rolls: Rolls) -> dict:
    """`raw` names the fields it changes, with the `version` read and, once locked, a `reason`."""
    if not isinstance(raw, dict):
        raise ValidationFailed(f"{WHAT}信息有误", {"data": "应为键值对象"})
    reason = validated(lambda data: change_reason(data.get("reason")), raw, WHAT)
    with sessions.begin() as session:
        row, org = load_meeting(session, caller, meeting_id, lock=True)
        versions.require_version(row.version, raw.get("version"), "该组织生活记录")
        _refuse_voided(row, "修改")
        refusal = change_refusal(row.status, reason)
        if refusal:
            raise Refused(refusal, {"reason": "必填"})
        require_active(org, "修改组织生活记录")
        before = meeting_record(row, meeting_people_of(session, row.id), meeting_inflows_of(session, row.id))
        try:
            after = validate_meeting(merged(raw_form(before), raw), _now())
        except FieldErrors as exc:
            raise ValidationFailed(f"{WHAT}信息有误：{exc}", exc.fields) from None
        changes = differences(before, after)
        if not changes:
            raise ValidationFailed("没有修改任何内容", {})
        people_changed = any(line["field"] in ("attendees", "absentees", "inflows", "held_at") for line in changes)
        if people_changed:
            _write_people(session, row.id, after, _names_on_rolls(org, after, rolls),
                          _inflows_on_list(session, org, after))
        columns = _columns(after)
        if (columns["held_at"].year, columns["held_at"].month, columns["kind"]) != (row.year, row.held_at.month,
                                                                                     row.kind):
            orglife_counts.count(session, org, row.year, row.held_at.month, row.kind, -1, people_counts(before))
            orglife_counts.count(session, org, columns["year"], columns["held_at"].month, columns["kind"], 1,
                                 people_counts(after))
        elif people_changed:
            orglife_counts.recount_people(session, org.id, row.year, row.kind, people_counts(before),
                                          people_counts(after))
        try:
            with session.begin_nested():
                saved = _save(session, caller, row, columns, "changed", changes, reason)
        except IntegrityError:
            raise _duplicate(after) from None
        return {"id": saved.id, "version": saved.version}


def sign_meeting(sessions: sessionmaker, caller: Caller, meeting_id, raw) -> dict:
    """Host or recorder confirms the record (the clerk keys it for them); both → locked."""
    raw = raw if isinstance(raw, dict) else {}
    with sessions.begin() as session:
        row, org = load_meeting(session, caller, meeting_id, lock=True)
        versions.require_version(row.version, raw.get("version"), "该组织生活记录")
        _refuse_voided(row, "签认")
        signed = {role: getattr(row, f"{role}_signed_at") is not None for role in ("host", "recorder")}
        try:
            _, status = sign(signed, raw.get("role"))
        except FieldErrors as exc:
            raise ValidationFailed(f"签认信息有误：{exc}", exc.fields) from None
        except MeetingRefused as exc:
            raise Conflict(exc.message) from None
        role = raw["role"]
        who = getattr(row, role)
        saved = _save(session, caller, row, {f"{role}_signed_by": who, f"{role}_signed_at": datetime.now(timezone.utc),
                                             "status": status}, "signed",
                      [{"field": role, "label": SIGN_ROLES[role], "old": None, "new": who}])
        return {"id": saved.id, "version": saved.version, "status": saved.status}


def void_meeting(sessions: sessionmaker, caller: Caller, meeting_id, raw) -> dict:
    """作废 a record entered by mistake: kept with its reason and history, no longer counted (held,
    periods, the roll-up), its minute free for the right record. Once only (a second: 409)."""
    raw = raw if isinstance(raw, dict) else {}
    reason = validated(lambda data: void_reason(data.get("reason")), raw, "作废")
    with sessions.begin() as session:
        row, org = load_meeting(session, caller, meeting_id, lock=True)
        versions.require_version(row.version, raw.get("version"), "该组织生活记录")
        _refuse_voided(row, "再次作废")
        people = people_counts(meeting_record(row, meeting_people_of(session, row.id)))
        orglife_counts.count(session, org, row.year, row.held_at.month, row.kind, -1, people)
        saved = _save(session, caller, row, {"voided_at": datetime.now(timezone.utc), "void_reason": reason,
                                             "voided_by_name": caller.username or caller.user_id}, "voided",
                      reason=reason)
        return {"id": saved.id, "version": saved.version, "voided": True}
