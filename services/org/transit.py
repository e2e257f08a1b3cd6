"""Transfers in flight, as the org service learns them from the transfer service's events (house
rule 1: no read of the transfer schema, no RPC back to it): one row per transfer with its sending
and receiving organizations and whether the member is on the way. 撤销 and 删除 refuse an
organization that members are leaving or coming to (cards.py).

Order-proof and idempotent: the inbox drops a redelivered event, and a row takes an event only if
the event's aggregate_version (the transfer's) is newer, so a late transfer_applied cannot reopen
a transfer that ended."""
from sqlalchemy import func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from services.shared.errors import Conflict
from services.shared.messaging.inbox import claim

from .models import inbox, orgs, transfers_in_transit

# transfer_applied (also 重新发起 and 路径变更, with the new target) and transfer_receiving put the
# member on the way; transfer_ended (退回, 撤销, 超期, 异常办结) and transfer_received end it.
IN_FLIGHT = {"transfer_applied": True, "transfer_receiving": True, "transfer_ended": False,
             "transfer_received": False}
TRANSFER_EVENTS = tuple(IN_FLIGHT)


def project(sessions: sessionmaker, event: dict) -> bool:
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        payload = event["payload"]
        values = {"member_id": payload.get("member_id"), "from_org_id": payload.get("from_org_id"),
                  "to_org_id": payload.get("to_org_id"), "org_id": payload.get("org_id"),
                  "in_flight": IN_FLIGHT[event["type"]],
                  "version": int(event["aggregate_version"])}
        statement = insert(transfers_in_transit).values(transfer_id=payload["transfer_id"], **values)
        session.execute(statement.on_conflict_do_update(
            index_elements=[transfers_in_transit.c.transfer_id], set_=values,
            where=transfers_in_transit.c.version < statement.excluded.version))
        return True


def in_transit(session: Session, org_id: int) -> tuple[int, int]:
    """(members leaving the organization, open members' transfers coming to it)."""
    table = transfers_in_transit
    leaving, coming = session.execute(select(
        func.count().filter(table.c.from_org_id == org_id),
        func.count().filter(table.c.to_org_id == org_id))
        .where(table.c.in_flight, table.c.org_id.is_(None),
               (table.c.from_org_id == org_id) | (table.c.to_org_id == org_id))).one()
    return leaving, coming


def whole_org_hold(session: Session, row):
    """The 整建制转移 in flight that holds the organization `row`: one of it, of an organization
    above it (its route was drawn from there) or below it, or one going to it; (transfer id, the
    moved organization's name) or None."""
    table, moved = transfers_in_transit, orgs.alias("moved")
    return session.execute(
        select(table.c.transfer_id, moved.c.name)
        .join(moved, moved.c.id == table.c.org_id)
        .where(table.c.in_flight, table.c.org_id.isnot(None),
               literal(row.path).startswith(moved.c.path) | moved.c.path.startswith(row.path, autoescape=True)
               | (table.c.to_org_id == row.id))
        .order_by(table.c.transfer_id).limit(1)).first()


def refuse_if_held(session: Session, row, doing: str) -> None:
    held = whole_org_hold(session, row)
    if held:
        raise Conflict(f"“{held.name}”正在办理整建制转移（转接编号{held.transfer_id}），办结前不能{doing}该党组织")


def refuse_if_in_transit(session: Session, row, doing: str) -> None:
    refuse_if_held(session, row, doing)
    leaving, coming = in_transit(session, row.id)
    if leaving:
        raise Conflict(f"党组织“{row.name}”有{leaving}名党员正在办理组织关系转出（转出中），不能{doing}，"
                       "请待转接办结或撤销后再办理")
    if coming:
        raise Conflict(f"党组织“{row.name}”是{coming}个未办结组织关系转接的接收党组织，不能{doing}，"
                       "请待转接办结、撤销或变更接收党组织后再办理")
