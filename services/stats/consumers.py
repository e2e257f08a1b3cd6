"""Applying events to the projections and counters: idempotent and order-independent."""
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import sessionmaker

from services.shared.outbox import first_delivery

from .domain.counters import delta
from .models import counters, inbox, member_facts, orgs


def apply_org_event(sessions: sessionmaker, event: dict) -> None:
    state, version = event["payload"], event["aggregate_version"]
    with sessions.begin() as session:
        if not first_delivery(session, inbox, event):
            return
        values = dict(id=state["id"], parent_id=state["parent_id"], path=state["path"], type=state["type"],
                      version=version)
        session.execute(insert(orgs).values(**values).on_conflict_do_update(
            index_elements=[orgs.c.id], set_=values, where=orgs.c.version < version))


def apply_member_event(sessions: sessionmaker, event: dict) -> None:
    member_id, version = int(event["aggregate_id"]), event["aggregate_version"]
    new = event["payload"]["after"]
    with sessions.begin() as session:
        if not first_delivery(session, inbox, event):
            return
        # Lock the member's fact row (creating an uncounted one first) so two events of one
        # member never interleave.
        session.execute(insert(member_facts).values(member_id=member_id, version=0).on_conflict_do_nothing())
        fact = session.execute(select(member_facts).where(member_facts.c.member_id == member_id)
                               .with_for_update()).first()
        if fact.version >= version:
            return  # an older state than the one already counted
        old = fact._asdict() if fact.version > 0 else None
        # Sorted, so two members moving between the same organizations lock rows in one order.
        for (org_id, dimension, value), n in sorted(delta(old, new).items()):
            session.execute(insert(counters).values(org_id=org_id, dimension=dimension, value=value, n=n)
                            .on_conflict_do_update(index_elements=[counters.c.org_id, counters.c.dimension,
                                                                   counters.c.value],
                                                   set_={"n": counters.c.n + n}))
        new = new or {}
        session.execute(update(member_facts).where(member_facts.c.member_id == member_id).values(
            version=version, org_id=new.get("org_id"), status=new.get("status"), sex=new.get("sex"),
            category=new.get("category")))
