"""The meetings of the org service's 组织生活, as the media service learns them from meeting_recorded
and meeting_changed: each meeting's organization (its version keeps the newest), so an attachment
is placed under that organization's path without asking the org service. A meeting not projected
yet (its event still on the way) is asked of the org service once (`meeting_owner`) and kept."""
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from services.shared.messaging.inbox import claim

from .models import inbox, meetings


def keep(session: Session, meeting_id: int, org_id: int, version: int) -> None:
    statement = insert(meetings).values(id=meeting_id, org_id=org_id, version=version)
    session.execute(statement.on_conflict_do_update(
        index_elements=[meetings.c.id],
        set_={"org_id": statement.excluded.org_id, "version": statement.excluded.version},
        where=meetings.c.version < statement.excluded.version))


def project(sessions: sessionmaker, event: dict) -> bool:
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        payload = event["payload"]
        keep(session, int(payload["id"]), int(payload["org_id"]), int(event["aggregate_version"]))
        return True


def meeting_org(sessions: sessionmaker, meeting_id: int, ask) -> int:
    """The organization of a meeting: projected, or asked (`ask(meeting_id)`, scope-checked by the
    org service) and kept."""
    with sessions() as session:
        org_id = session.execute(select(meetings.c.org_id).where(meetings.c.id == meeting_id)).scalar()
    if org_id is not None:
        return org_id
    owner = ask(meeting_id)
    with sessions.begin() as session:
        keep(session, int(owner["id"]), int(owner["org_id"]), int(owner["version"]))
    return int(owner["org_id"])
