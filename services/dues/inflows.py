"""流入 members in the dues service (docs/DUES.md, "流入党员"): the projection of the transfer
service's inflows (inflow_opened / inflow_ended carry the inflow's state; the newest version
wins, the inbox claim commits with the effect), and the loading both sides need — an
organization's current inflows, one inflow with the caller's scope."""
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.inflow_projection import IN, project_inflow
from services.shared.messaging.consumers import consumes

from .domain import Month
from .models import inbox, inflows, members, org_directory

FIELDS = ("org_id", "member_id", "outflow_id", "member_name", "certificate_no", "state", "from_date", "ended_on",
          "version")


def project(sessions: sessionmaker, event: dict) -> bool:
    """Apply one inflow event; False when it was seen before."""
    return project_inflow(sessions, inbox, inflows, event)


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
