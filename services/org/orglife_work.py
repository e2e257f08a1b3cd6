"""组织生活 work beyond the records: the yearly plan (计划) of an organization, what is due now and
who is behind (the home page's reminders and the 工作督查 list), and members' attendance.

What is due and how many branches are behind are read from the roll-up kept with each record
(orglife_counts: one row per organization, period and kind), never by summing a subtree; the
number of branches a subtree has is one count on the path index. The 工作督查 list itself pages
through the subtree's branches as the other supervision lists do."""
from datetime import date, datetime, timezone

from sqlalchemy import and_, exists, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import sessionmaker

from services.shared import audit, versions
from services.shared.context import Caller
from services.shared.errors import validated
from services.shared.paging import page_bounds

from .domain.meetings import MEETING_KINDS
from .domain.orglife_rules import (
    current_periods,
    last_periods,
    not_done,
    plan_shortfall,
    plan_template,
    ratio,
    rules_for,
    validate_plan,
)
from .meeting_queries import kind_of, year_of
from .models import (
    meeting_inflow_people,
    meeting_people,
    meeting_period_counts,
    meeting_plans,
    meetings,
    orglife_done,
    orgs,
    outbox,
)
from .orglife_counts import branches_under
from .store import attended_line, load_org, require_active

# --- the yearly plan ------------------------------------------------------------------------------


def _held_by_month(session, org_id: int, year: int) -> dict[tuple[str, int], int]:
    month = func.extract("month", meetings.c.held_at).cast(type_=meetings.c.year.type)
    rows = session.execute(select(meetings.c.kind, month.label("month"), func.count())
                           .where(meetings.c.org_id == org_id, meetings.c.year == year, meetings.c.voided_at.is_(None))
                           .group_by(meetings.c.kind, month)).all()
    return {(kind, int(m)): n for kind, m, n in rows}


def get_plan(sessions: sessionmaker, caller: Caller, org_id, year=None) -> dict:
    """The plan of a year with each item's 落实 (a meeting of its kind held in its month, matched
    one for one) and the required periods it leaves out; no plan saved yet: the frequencies' template."""
    year = year_of(year, date.today().year)
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        row = session.execute(select(meeting_plans).where(meeting_plans.c.org_id == org.id,
                                                          meeting_plans.c.year == year)).first()
        held = _held_by_month(session, org.id, year)
    items = [dict(item) for item in row.items] if row else []
    used: dict[tuple[str, int], int] = {}
    for item in items:
        key = (item["kind"], item["month"])
        used[key] = used.get(key, 0) + 1
        item["kind_name"] = MEETING_KINDS.name(item["kind"])
        item["held"] = used[key] <= held.get(key, 0)
    return {"org_id": org.id, "org_name": org.name, "year": year, "saved": row is not None,
            "version": row.version if row else 0, "updated_by_name": row.updated_by_name if row else None,
            "updated_at": row.updated_at.isoformat() if row else None, "items": items,
            "template": [] if row else plan_template(year),
            "shortfall": plan_shortfall(year, items) if row else [],
            "done": sum(1 for item in items if item["held"]), "total": len(items)}


def _plan_text(items) -> str:
    """A plan as people read it in the 操作日志: “1月 支部委员会、1月 党小组会 …”."""
    return "、".join(f"{item['month']}月{MEETING_KINDS.name(item['kind'])}" for item in items or []) or "（无）"


def save_plan(sessions: sessionmaker, caller: Caller, org_id, raw) -> dict:
    """Replace the year's plan (`{year, items, version}`: the version read; 0 or none for a new plan)."""
    raw = raw if isinstance(raw, dict) else {}
    year = year_of(raw.get("year"))
    items = validated(lambda data: validate_plan(data.get("items"), year), raw, "组织生活计划")
    with sessions.begin() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        require_active(org, "制定组织生活计划")
        current = session.execute(select(meeting_plans.c.version, meeting_plans.c["items"]).where(
            meeting_plans.c.org_id == org.id, meeting_plans.c.year == year).with_for_update()).first()
        versions.require_version(current.version if current else 0, raw.get("version"), "该组织生活计划")
        values = {"items": items, "updated_by_name": caller.username or caller.user_id,
                  "updated_at": datetime.now(timezone.utc)}
        statement = insert(meeting_plans).values(org_id=org.id, year=year, version=1, **values)
        version = session.execute(statement.on_conflict_do_update(
            index_elements=[meeting_plans.c.org_id, meeting_plans.c.year],
            set_={**values, "version": meeting_plans.c.version + 1}).returning(meeting_plans.c.version)).scalar_one()
        audit.record(session, outbox, caller, org_path=org.path, entity="orglife_plan", entity_id=f"{org.id}-{year}",
                     action="修改组织生活计划" if current else "制定组织生活计划",
                     lines=[{"field": "年度", "before": None, "after": str(year)}],
                     before={"items": _plan_text(current.items) if current else None},
                     after={"items": _plan_text(items)}, labels={"items": "计划"})
    return {"org_id": org.id, "year": year, "version": version, "total": len(items)}


# --- due and behind -----------------------------------------------------------------------------------


def _done(session, org_id: int, periods) -> dict:
    if not periods:
        return {}
    keys = [(p.kind, p.year, p.key) for p in periods]
    rows = session.execute(select(orglife_done.c.kind, orglife_done.c.year, orglife_done.c.period,
                                  orglife_done.c.branches)
                           .where(orglife_done.c.org_id == org_id,
                                  tuple_(orglife_done.c.kind, orglife_done.c.year, orglife_done.c.period).in_(keys)))
    return {(kind, year, period): branches for kind, year, period, branches in rows}


def orglife_due(sessions: sessionmaker, caller: Caller, org_id, today: date | None = None) -> dict:
    """For the organization and the branches under it: the current periods' kinds some branch has
    not held yet (`due`, with how many branches owe each) and the last completed periods' kinds some
    branch missed (`behind`)."""
    today = today or date.today()
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        current, last = current_periods(today), last_periods(today)
        done = _done(session, org.id, current + last)
        branches = {year: branches_under(session, org.path, year) for year in {p.year for p in current + last}}
    due = [item for year, count in branches.items()
           for item in not_done([p for p in current if p.year == year], done, count)]
    behind = [item for year, count in branches.items()
              for item in not_done([p for p in last if p.year == year], done, count)]
    return {"org_id": org.id, "org_name": org.name, "today": today.isoformat(),
            "organizations": branches.get(today.year, 0), "due": due, "behind": behind}


def orglife_behind(sessions: sessionmaker, caller: Caller, org_id, page=1, size=50, today: date | None = None) -> dict:
    """工作督查: the branches of the subtree that held no meeting of a required kind in its last
    completed period (the previous month, quarter or year), each with what it missed."""
    page, size = page_bounds(page, size)
    today = today or date.today()
    last = last_periods(today)
    with sessions() as session:
        root = load_org(session, org_id)
        caller.require(root.path)
        pc = meeting_period_counts

        def missed(p):
            return ~exists().where(pc.c.org_id == orgs.c.id, pc.c.year == p.year, pc.c.period == p.key,
                                   pc.c.kind == p.kind, pc.c.held > 0)
        conditions = [and_(orgs.c.type.in_(sorted(rules_for(year).applies_to)),
                           or_(*[missed(p) for p in last if p.year == year]))
                      for year in sorted({p.year for p in last})]
        where = and_(orgs.c.path.startswith(root.path, autoescape=True), orgs.c.status == "active",
                     or_(*conditions) if conditions else False)
        total = session.execute(select(func.count()).select_from(orgs).where(where)).scalar_one()
        rows = session.execute(select(orgs.c.id, orgs.c.name, orgs.c.code, orgs.c.type, orgs.c.path)
                               .where(where).order_by(orgs.c.path).limit(size).offset((page - 1) * size)).all()
        held = set(session.execute(select(pc.c.org_id, pc.c.kind, pc.c.year, pc.c.period).where(
            pc.c.org_id.in_([r.id for r in rows]), pc.c.held > 0)).all()) if rows else set()
    items = []
    for r in rows:
        missing = [p for p in last if r.type in rules_for(p.year).applies_to
                   and (r.id, p.kind, p.year, p.key) not in held]
        items.append({"id": r.id, "name": r.name or "", "code": r.code or "", "type": r.type,
                      "missing": [f"{p.name}（{p.label}）" for p in missing],
                      "missed": [{"kind": p.kind, "name": p.name, "year": p.year, "key": p.key, "label": p.label}
                                 for p in missing]})
    return {"total": total, "page": page, "size": size, "items": items}


# --- attendance -------------------------------------------------------------------------------------


def org_attendance(sessions: sessionmaker, caller: Caller, org_id, year=None, kind=None) -> dict:
    """Members' attendance at the organization's meetings of a year (not voided; one kind if said):
    per member the meetings they were listed at, attended and absent, and the rate attended/listed."""
    year, kind = year_of(year, date.today().year), kind_of(kind)
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        where = [meetings.c.org_id == org.id, meetings.c.year == year, meetings.c.voided_at.is_(None)]
        if kind:
            where.append(meetings.c.kind == kind)
        mp = meeting_people
        rows = session.execute(
            select(mp.c.member_id, func.max(mp.c.name).label("name"),
                   func.count().filter(mp.c.attended).label("attended"),
                   func.count().filter(~mp.c.attended).label("absent"))
            .join(meetings, meetings.c.id == mp.c.meeting_id).where(*where)
            .group_by(mp.c.member_id).order_by(func.max(mp.c.name), mp.c.member_id)).all()
        held = session.execute(select(func.count()).select_from(meetings).where(*where)).scalar_one()
        mip = meeting_inflow_people
        guests = session.execute(
            select(mip.c.inflow_id, func.max(mip.c.name).label("name"), func.max(mip.c.certificate_no).label("cert"),
                   func.max(mip.c.member_id).label("member_id"), func.count().label("attended"))
            .join(meetings, meetings.c.id == mip.c.meeting_id).where(*where)
            .group_by(mip.c.inflow_id).order_by(func.max(mip.c.name), mip.c.inflow_id)).all()
    members = [{"member_id": r.member_id, "name": r.name, "attended": r.attended, "absent": r.absent,
                "listed": r.attended + r.absent, "rate": ratio(r.attended, r.attended + r.absent)} for r in rows]
    attended = sum(m["attended"] for m in members)
    listed = sum(m["listed"] for m in members)
    # 流入 members are not on the rolls: their attendance is listed apart and counts in no rate.
    inflows = [{"inflow_id": g.inflow_id, "member_id": g.member_id, "name": g.name, "certificate_no": g.cert,
                "external": g.member_id is None, "attended": g.attended} for g in guests]
    return {"org_id": org.id, "org_name": org.name, "year": year, "kind": kind, "meetings": held,
            "attended": attended, "listed": listed, "rate": ratio(attended, listed), "members": members,
            "inflows": inflows}


def member_attendance(sessions: sessionmaker, caller: Caller, member_id, page=1, size=50) -> dict:
    """A member's attendance history: the meetings (not voided) of organizations in the caller's
    scope where they were listed, latest first, with totals."""
    page, size = page_bounds(page, size)
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        member_id = 0
    mp = meeting_people
    where = [mp.c.member_id == member_id, meetings.c.voided_at.is_(None),
             orgs.c.path.startswith(caller.scope_path, autoescape=True)]
    base = select().select_from(mp.join(meetings, meetings.c.id == mp.c.meeting_id)
                                .join(orgs, orgs.c.id == meetings.c.org_id)).where(*where)
    with sessions() as session:
        attended, absent = session.execute(base.add_columns(func.count().filter(mp.c.attended),
                                                            func.count().filter(~mp.c.attended))).one()
        rows = session.execute(base.add_columns(meetings.c.id, meetings.c.kind, meetings.c.held_at, meetings.c.topic,
                                                meetings.c.org_id, orgs.c.name.label("org_name"), mp.c.attended,
                                                mp.c.reason)
                               .order_by(meetings.c.held_at.desc(), meetings.c.id.desc())
                               .limit(size).offset((page - 1) * size)).all()
    return {"member_id": member_id, "total": attended + absent, "attended": attended, "absent": absent,
            "rate": ratio(attended, attended + absent), "page": page, "size": size,
            "items": [{**attended_line(r), "attended": r.attended, "reason": r.reason} for r in rows]}
