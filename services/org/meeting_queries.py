"""组织生活 read paths: a record with its people and history, an organization's meetings of a year,
the 最近一次组织生活 of the organization card, and a subtree's year summary (held versus required per
kind, from the held counts kept with each record and the versioned frequency rules)."""
from datetime import date, datetime

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.paging import page_bounds

from .domain.meetings import MEETING_KINDS
from .domain.orglife_rules import rules_for, summary
from .models import meeting_counts, meeting_history, meeting_inflow_people, meeting_people, meetings, orgs
from .store import load_meeting, load_org, meeting_inflows_of, meeting_people_of, meeting_summary, meeting_view

FIRST_YEAR = 1949


def year_of(value, default: int | None = None) -> int:
    if value in (None, ""):
        if default is None:
            raise ValidationFailed("请指定年份", {"year": "必填"})
        return default
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("年份应为四位数字", {"year": "应为四位数字"}) from None
    if not FIRST_YEAR <= year <= date.today().year + 1:
        raise ValidationFailed("年份超出范围", {"year": "超出范围"})
    return year


def kind_of(value) -> str | None:
    if value in (None, ""):
        return None
    kind = MEETING_KINDS.resolve(value)
    if kind is None:
        raise ValidationFailed("未知的组织生活类型", {"kind": "未知的类型"})
    return kind


def get_meeting(sessions: sessionmaker, caller: Caller, meeting_id) -> dict:
    with sessions() as session:
        row, org = load_meeting(session, caller, meeting_id)
        view = meeting_view(row, org, meeting_people_of(session, row.id), meeting_inflows_of(session, row.id))
        view["history"] = [
            {"action": h.action, "changes": h.changes, "reason": h.reason, "version": h.version,
             "actor_name": h.actor_name or h.actor, "at": h.at.isoformat()}
            for h in session.execute(select(meeting_history).where(meeting_history.c.meeting_id == row.id)
                                     .order_by(meeting_history.c.id.desc()))]
    return view


def list_meetings(sessions: sessionmaker, caller: Caller, org_id, year=None, kind=None, page=1, size=50) -> dict:
    """The organization's own meetings of a year (this year unless said), the latest first, voided
    ones too (marked), each with its numbers of attendees and absentees on the rolls and, apart, of
    流入 members who attended."""
    year, kind = year_of(year, date.today().year), kind_of(kind)
    page, size = page_bounds(page, size)
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        where = (meetings.c.org_id == org.id) & (meetings.c.year == year)
        if kind:
            where &= meetings.c.kind == kind
        total = session.execute(select(func.count()).select_from(meetings).where(where)).scalar_one()
        rows = session.execute(select(meetings).where(where).order_by(meetings.c.held_at.desc(), meetings.c.id.desc())
                               .limit(size).offset((page - 1) * size)).all()
        people = {r.meeting_id: r for r in session.execute(
            select(meeting_people.c.meeting_id, func.count().filter(meeting_people.c.attended).label("attended"),
                   func.count().filter(~meeting_people.c.attended).label("absent"))
            .where(meeting_people.c.meeting_id.in_([row.id for row in rows]))
            .group_by(meeting_people.c.meeting_id))} if rows else {}
        mip = meeting_inflow_people
        guests = dict(session.execute(
            select(mip.c.meeting_id, func.count()).where(mip.c.meeting_id.in_([row.id for row in rows]))
            .group_by(mip.c.meeting_id)).all()) if rows else {}
    items = []
    for row in rows:
        counted = people.get(row.id)
        items.append({**meeting_summary(row), "recorder": row.recorder, "attended": counted.attended if counted else 0,
                      "absent": counted.absent if counted else 0, "inflow_attended": guests.get(row.id, 0)})
    return {"org_id": org.id, "org_name": org.name, "year": year, "kind": kind, "total": total, "page": page,
            "size": size, "items": items}


def latest_meeting(sessions: sessionmaker, caller: Caller, org_id) -> dict | None:
    """最近一次组织生活 of the organization card (read-only there; kept only by this module)."""
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        row = session.execute(select(meetings).where(meetings.c.org_id == org.id, meetings.c.voided_at.is_(None))
                              .order_by(meetings.c.held_at.desc(), meetings.c.id.desc()).limit(1)).first()
    return meeting_summary(row) if row else None


def meeting_owner(sessions: sessionmaker, caller: Caller, meeting_id) -> dict:
    """What the media service needs of a meeting it has not learnt from events yet: its organization."""
    with sessions() as session:
        row, org = load_meeting(session, caller, meeting_id)
    return {"id": row.id, "org_id": row.org_id, "version": row.version}


MAX_KEYS = 5000


def meetings_by_keys(sessions: sessionmaker, caller: Caller, keys) -> dict:
    """The meetings that rows of another service's sheet name as the 组织生活采集表 does — {org_code,
    kind (code), held_at (YYYY-MM-DDTHH:MM)} each — for the media service's 组织生活附件清单: {"orgs":
    {code: {name, in_scope}} of the codes that exist, "meetings": [{org_code, kind, held_at, id, voided}]}
    of organizations in the caller's scope only (a meeting elsewhere is answered as none)."""
    if not isinstance(keys, list) or len(keys) > MAX_KEYS or not all(
            isinstance(key, dict) and all(isinstance(key.get(k), str) for k in ("org_code", "kind", "held_at"))
            for key in keys):
        raise ValidationFailed("会议查找条件格式有误", {"keys": f"应为不超过{MAX_KEYS}项的对象列表"})
    try:
        wanted = {(key["org_code"].strip(), key["kind"], datetime.fromisoformat(key["held_at"])) for key in keys}
    except ValueError:
        raise ValidationFailed("会议时间格式有误", {"keys": "held_at 应为 YYYY-MM-DDTHH:MM"}) from None
    codes = sorted({code for code, _, _ in wanted})
    with sessions() as session:
        found = {row.code: row for start in range(0, len(codes), 1000) for row in session.execute(
            select(orgs.c.id, orgs.c.code, orgs.c.name, orgs.c.path).where(orgs.c.code.in_(codes[start:start + 1000])))}
        ours = {row.id: row.code for row in found.values() if caller.covers(row.path)}
        keys = sorted((found[code].id, kind, when) for code, kind, when in wanted if code in found
                      and found[code].id in ours)
        rows = [row for start in range(0, len(keys), 1000) for row in session.execute(
            select(meetings.c.id, meetings.c.org_id, meetings.c.kind, meetings.c.held_at, meetings.c.voided_at)
            .where(tuple_(meetings.c.org_id, meetings.c.kind, meetings.c.held_at).in_(keys[start:start + 1000])))]
    return {"orgs": {code: {"name": row.name if row.id in ours else "", "in_scope": row.id in ours}
                     for code, row in found.items()},
            "meetings": [{"org_code": ours[row.org_id], "kind": row.kind,
                          "held_at": row.held_at.isoformat(timespec="minutes"), "id": row.id,
                          "voided": row.voided_at is not None} for row in rows]}


def orglife_summary(sessions: sessionmaker, caller: Caller, org_id, year=None) -> dict:
    """The subtree's year: held versus required per kind and the completion, and members' attendance
    per kind (domain/orglife_rules; all from the counts kept with each record)."""
    year = year_of(year, date.today().year)
    rules = rules_for(year)
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        under = orgs.c.path.startswith(org.path, autoescape=True)
        applies = orgs.c.type.in_(sorted(rules.applies_to))
        organizations = session.execute(select(func.count()).select_from(orgs).where(
            under, applies, orgs.c.status == "active")).scalar_one()
        required = case({kind: rules.required(kind) for kind in rules.kinds}, value=meeting_counts.c.kind, else_=0)
        rows = session.execute(
            select(meeting_counts.c.kind, func.sum(meeting_counts.c.held).label("held"),
                   func.sum(func.least(meeting_counts.c.held, required)).filter(applies).label("met"),
                   func.sum(meeting_counts.c.attended).label("attended"),
                   func.sum(meeting_counts.c.listed).label("listed"))
            .join(orgs, orgs.c.id == meeting_counts.c.org_id)
            .where(under, meeting_counts.c.year == year).group_by(meeting_counts.c.kind)).all()
    result = summary(rules, {r.kind: r.held for r in rows}, {r.kind: r.met or 0 for r in rows}, organizations,
                     {r.kind: (r.attended, r.listed) for r in rows})
    return {"org_id": org.id, "org_name": org.name, "year": year, **result}
