"""The dues service's own view of the member service's members (house rule 1: no calls into
its tables): member_created / member_updated carry the member's facts (organization and path,
status, category, 入党日期, 转正日期, left_on, name); the newest version wins, so order and
repetition do not matter (the inbox claim commits with the effect). The path is the projected
organization directory's when it knows the organization (an org move reaches members through
it). A change recounts the member (a transfer moves their contributions to the new branch's
counters; their ledger stays theirs)."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import sessionmaker

from services.shared.messaging.consumers import consumes
from services.shared.messaging.inbox import claim

from .models import inbox, members, org_directory
from .store import recount

FIELDS = ("name", "org_id", "org_path", "status", "category", "joined_on", "full_on", "left_on", "version")


def _date(value):
    return date.fromisoformat(value) if value else None


def member_values(session, facts: dict, version: int) -> dict:
    org_id = int(facts["org_id"])
    path = session.execute(select(org_directory.c.path).where(org_directory.c.id == org_id)).scalar()
    return {"name": facts.get("name") or "", "org_id": org_id, "org_path": path or facts["org_path"],
            "status": facts.get("status") or "active", "category": facts.get("category"),
            "joined_on": _date(facts.get("joined_on")), "full_on": _date(facts.get("full_on")),
            "left_on": _date(facts.get("left_on")), "version": version}


def project(sessions: sessionmaker, event: dict) -> bool:
    """Apply one member event; False when it was seen before."""
    payload = event.get("payload") or {}
    facts = payload.get("after")
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        if not facts or payload.get("member_id") is None or facts.get("org_id") is None:
            return True
        values = member_values(session, facts, int(event["aggregate_version"]))
        statement = insert(members).values(member_id=int(payload["member_id"]), **values)
        applied = session.execute(statement.on_conflict_do_update(
            index_elements=[members.c.member_id], set_=values,
            where=members.c.version < statement.excluded.version).returning(*members.c)).all()
        if applied:
            recount(session, applied)
        return True


class FollowsMembers:
    @consumes("member", "member_created")
    def on_member_created(self, event):
        project(self.db, event)

    @consumes("member", "member_updated")
    def on_member_updated(self, event):
        project(self.db, event)
