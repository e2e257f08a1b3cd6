"""The org service follows the member service's 入党申请人 by their events (no call back to the
member service, no read of its schema): one row per applicant with its organization and
whether it is deleted or was accepted as a 预备党员 (its stage past 发展对象: a member now, counted
as one), the newest version winning, so order and repetition do not matter.
`FollowsApplicants` holds the nameko handlers; OrgService inherits it (service.py)."""
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import sessionmaker

from services.shared.messaging.consumers import consumes
from services.shared.messaging.inbox import claim

from .models import applicants, inbox

ON_HAND = ("applicant", "activist", "candidate")  # the member service's stages before acceptance


def project(sessions: sessionmaker, event: dict) -> bool:
    """Apply one applicant_created / applicant_updated (once: the inbox claim commits with it)."""
    payload, version = event["payload"], int(event["aggregate_version"])
    after = payload["after"]
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        values = {"applicant_id": int(payload["applicant_id"]), "org_id": int(after["org_id"]),
                  "deleted": after.get("deleted_on") is not None, "version": version,
                  "accepted": after.get("stage", "applicant") not in ON_HAND}
        statement = insert(applicants).values(**values)
        session.execute(statement.on_conflict_do_update(
            index_elements=[applicants.c.applicant_id],
            set_={"org_id": statement.excluded.org_id, "deleted": statement.excluded.deleted,
                  "version": statement.excluded.version, "accepted": statement.excluded.accepted},
            where=applicants.c.version < statement.excluded.version))
        return True


class FollowsApplicants:
    @consumes("member", "applicant_created")
    def on_applicant_created(self, event):
        project(self.db, event)

    @consumes("member", "applicant_updated")
    def on_applicant_updated(self, event):
        project(self.db, event)
