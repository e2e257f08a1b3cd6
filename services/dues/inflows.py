"""流入 members in the dues service (docs/DUES.md, "流入党员"): the projection of the transfer
service's inflows (inflow_opened / inflow_ended carry the inflow's state; the newest version
wins, the inbox claim commits with the effect), and the loading both sides need — an
organization's current inflows, one inflow with the caller's scope."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.messaging.consumers import consumes
from services.shared.messaging.inbox import claim

from .domain import Month
from .models import inbox, inflows, members, org_directory

IN = "in"
FIELDS = ("org_id", "member_id", "outflow_id", "member_name", "certificate_no", "state", "from_date", "ended_on",
          "version")


def _date(value):
    return date.fromisoformat(value) if value else None


def project(sessions: sessionmaker, event: dict) -> bool:
    """Apply one inflow event; False when it was seen before."""
    facts = event.get("payload") or {}
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        if facts.get("inflow_id") is None or facts.get("org_id") is None or not facts.get("from_date"):
            return True
        values = {"org_id": int(facts["org_id"]),
                  "member_id": int(facts["member_id"]) if facts.get("member_id") is not None else None,
                  "outflow_id": facts.get("outflow_id"), "member_name": facts.get("member_name") or "",
                  "certificate_no": facts.get("certificate_no"), "state": facts.get("state") or IN,
                  "from_date": _date(facts["from_date"]), "ended_on": _date(facts.get("ended_on")),
                  "version": int(event["aggregate_version"])}
        statement = insert(inflows).values(inflow_id=int(facts["inflow_id"]), **values)
        session.execute(statement.on_conflict_do_update(
            index_elements=[inflows.c.inflow_id], set_=values, where=inflows.c.version < statement.excluded.version))
        return True


class FollowsInflows:
    @consumes("transfer", "inflow_opened")
    def on_inflow_opened(self, event):
        project(self.db, event)

    @consumes("transfer", "inflow_ended")
    def on_inflow_ended(self, event):
        project(self.db, event)


def current(session: Session, org_id: int, month: Month | None = None) -> list:
    """The organization's open inflows (begun by the month's end, when a month is given), by name."""
    query = select(inflows).where(inflows.c.org_id == org_id, inflows.c.state == IN)
    if month is not None:
        query = query.where(inflows.c.from_date < (month + 1).first_day)
    return session.execute(query.order_by(inflows.c.member_name, inflows.c.inflow_id)).all()


def open_at(session: Session, org_id: int, member_ids) -> dict:
    """member id → their open inflow at the organization (members of this deployment)."""
    if not member_ids:
        return {}
    return {row.member_id: row for row in session.execute(select(inflows).where(
        inflows.c.org_id == org_id, inflows.c.state == IN, inflows.c.member_id.in_(list(member_ids))))}


def org_path(session: Session, org_id: int) -> str | None:
    return session.execute(select(org_directory.c.path).where(org_directory.c.id == org_id)).scalar()


def may_see(session: Session, caller: Caller, row) -> bool:
    """The inflow organization's subtree, or the member's home organization's."""
    path = org_path(session, row.org_id)
    if path is not None and caller.covers(path):
        return True
    if row.member_id is None:
        return False
    home = session.execute(select(members.c.org_path).where(members.c.member_id == row.member_id)).scalar()
    return home is not None and caller.covers(home)


def org_names(session: Session, ids) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(org_directory.c.id, org_directory.c.name).where(org_directory.c.id.in_(ids)))
                .all())
