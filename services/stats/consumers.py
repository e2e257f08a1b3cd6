"""Applying events to the projections and counters: idempotent and order-independent."""
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import sessionmaker

from services.shared.outbox import first_delivery

from .domain.counters import delta
from .models import counter_deltas, inbox, member_facts, orgs


def apply_org_event(sessions: sessionmaker, event: dict) -> None:
    state, version = event["payload"], event["aggregate_version"]
    with sessions.begin() as session:
        if not first_delivery(session, inbox, event):
            return
        values = dict(id=state["id"], parent_id=state["parent_id"], path=state["path"], type=state["type"],
                      version=version)
        session.execute(insert(orgs).values(**values).on_conflict_do_update(
            index_elements=[orgs.c.id], set_=values, where=orgs.c.version < version))


def _locked_fact(session, member_id: int):
    """The member's last counted state, row-locked (created uncounted, version 0, if new), so
    two events of one member never interleave."""
    statement = insert(member_facts).values(member_id=member_id, version=0)
    statement = statement.on_conflict_do_update(index_elements=[member_facts.c.member_id],
                                                set_={"member_id": statement.excluded.member_id})
    return session.execute(statement.returning(*member_facts.c)).first()


def apply_member_event(sessions: sessionmaker, event: dict) -> None:
    member_id, version = int(event["aggregate_id"]), event["aggregate_version"]
    new = event["payload"]["after"]
    with sessions.begin() as session:
        if not first_delivery(session, inbox, event):
            return
        fact = _locked_fact(session, member_id)
        if fact.version >= version:
            return  # an older state than the one already counted
        old = fact._asdict() if fact.version > 0 else None
        changes = delta(old, new)
        if changes:
            session.execute(insert(counter_deltas), [
                {"org_id": org_id, "dimension": dimension, "value": value, "n": n}
                for (org_id, dimension, value), n in changes.items()])
        new = new or {}
        session.execute(update(member_facts).where(member_facts.c.member_id == member_id).values(
            version=version, org_id=new.get("org_id"), status=new.get("status"), sex=new.get("sex"),
            category=new.get("category")))
