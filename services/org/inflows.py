"""流入 members in the org service (docs/ORGLIFE.md, "流入党员参加组织生活"): the projection of the
transfer service's inflows (inflow_opened / inflow_ended carry the inflow's state; the newest
aggregate version wins, the inbox claim commits with the effect: house rules 1–3, no read of the
transfer schema and no RPC back to it), and what meetings need of it — an organization's inflow
list on a day (the attendee picker, the rule "on the rolls or the inflow list that day") and the
meetings an inflow member attended there."""
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import NotFound, ValidationFailed
from services.shared.field_rules import blank, iso_date
from services.shared.inflow_projection import project_inflow
from services.shared.paging import page_bounds

from .models import inbox, inflows, meeting_inflow_people, meetings, orgs
from .store import attended_line, load_org


def day_of(value) -> date:
    """`on` of a query: YYYY-MM-DD, today when not given."""
    if blank(value):
        return date.today()
    try:
        return iso_date(value)
    except ValueError as exc:
        raise ValidationFailed(f"日期有误：{exc}", {"on": str(exc)}) from None


def project(sessions: sessionmaker, event: dict) -> bool:
    """Apply one inflow event; False when it was seen before."""
    return project_inflow(sessions, inbox, inflows, event)


def _on(day: date):
    """An inflow is on the list on `day` from its date to the day it ended (that day included, as a
    member leaving the rolls is still on them the day they leave)."""
    return and_(inflows.c.from_date <= day, or_(inflows.c.ended_on.is_(None), inflows.c.ended_on >= day))


def _under(path: str):
    return and_(orgs.c.id == inflows.c.org_id, orgs.c.path.startswith(path, autoescape=True))


def listed_on(session: Session, org, day: date, inflow_ids=None) -> list:
    """The inflows at the organization's subtree on `day` (those of `inflow_ids` only, when given),
    by name — the 流入 counterpart of the member service's rolls on a day."""
    query = select(inflows).join(orgs, _under(org.path)).where(_on(day))
    if inflow_ids is not None:
        if not inflow_ids:
            return []
        query = query.where(inflows.c.inflow_id.in_(list(inflow_ids)))
    return session.execute(query.order_by(inflows.c.member_name, inflows.c.inflow_id)).all()


def inflow_view(row) -> dict:
    return {"inflow_id": row.inflow_id, "org_id": row.org_id, "member_id": row.member_id,
            "name": row.member_name, "certificate_no": row.certificate_no, "external": row.member_id is None,
            "state": row.state, "from_date": row.from_date.isoformat(),
            "ended_on": row.ended_on.isoformat() if row.ended_on else None}


def meeting_inflows(sessions: sessionmaker, caller: Caller, org_id, on=None) -> dict:
    """The attendee picker's 流入 members: the inflows at the organization's subtree on `on` (today
    unless said; YYYY-MM-DD)."""
    day = day_of(on)
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        rows = listed_on(session, org, day)
    return {"org_id": org.id, "on": day.isoformat(), "items": [inflow_view(row) for row in rows]}


def inflow_meetings(sessions: sessionmaker, caller: Caller, inflow_id, page=1, size=50) -> dict:
    """The meetings (not voided) a 流入 member attended at the inflow organization, latest first.
    The inflow organization's side reads those of organizations in its scope (`in_scope`: it may
    open them); the member's home organization (the outflow's, projected with the inflow) reads all
    of them as lines of its member's 返回 report, without opening the records; anyone else none."""
    page, size = page_bounds(page, size)
    try:
        inflow_id = int(inflow_id)
    except (TypeError, ValueError):
        raise NotFound("流入记录不存在") from None
    mip = meeting_inflow_people
    with sessions() as session:
        home_path = session.execute(select(orgs.c.path)
                                    .select_from(inflows.join(orgs, orgs.c.id == inflows.c.home_org_id))
                                    .where(inflows.c.inflow_id == inflow_id)).scalar()
        at_home = home_path is not None and caller.covers(home_path)
        where = [mip.c.inflow_id == inflow_id, meetings.c.voided_at.is_(None)]
        if not at_home:
            where.append(orgs.c.path.startswith(caller.scope_path, autoescape=True))
        base = select().select_from(mip.join(meetings, meetings.c.id == mip.c.meeting_id)
                                    .join(orgs, orgs.c.id == meetings.c.org_id)).where(*where)
        total = session.execute(base.add_columns(func.count())).scalar_one()
        rows = session.execute(base.add_columns(meetings.c.id, meetings.c.kind, meetings.c.held_at, meetings.c.topic,
                                                meetings.c.org_id, orgs.c.name.label("org_name"),
                                                orgs.c.path.label("org_path"))
                               .order_by(meetings.c.held_at.desc(), meetings.c.id.desc())
                               .limit(size).offset((page - 1) * size)).all()
    return {"inflow_id": inflow_id, "total": total, "page": page, "size": size,
            "items": [{**attended_line(r), "in_scope": caller.covers(r.org_path)} for r in rows]}
