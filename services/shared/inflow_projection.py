"""The transfer service's inflows (流入) as a service keeps them from `inflow_opened` /
`inflow_ended` (their payload is the inflow's state: `mobility_store.inflow_facts`): one row per
inflow in the service's own table (`inflow_id` key; org_id, member_id — null for a member from
outside — outflow_id, member_name, certificate_no, state, from_date, ended_on, version), the newest
aggregate version winning and the inbox claim committing with the effect (house rules 1–3). Used by
the dues service (who may pay there) and the org service (who may attend meetings there)."""
from datetime import date

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import sessionmaker

from .messaging.inbox import claim

IN = "in"


def _date(value):
    return date.fromisoformat(value) if value else None


def project_inflow(sessions: sessionmaker, inbox: Table, table: Table, event: dict) -> bool:
    """Apply one inflow event to `table`; False when it was seen before."""
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
        if "home_org_id" in table.c:  # the org service's (who may read the meetings attended there)
            values["home_org_id"] = int(facts["home_org_id"]) if facts.get("home_org_id") is not None else None
        statement = insert(table).values(inflow_id=int(facts["inflow_id"]), **values)
        session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.inflow_id], set_=values, where=table.c.version < statement.excluded.version))
        return True
