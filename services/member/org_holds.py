"""Closing an organization's rolls while the org service revokes or deletes it (write side).

The org service asks, with the organization's row locked, how many members and applicants are
directly in it (`hold_org_rolls`). When the counts allow what it is doing, the answer also puts
a hold on the organization here: until the hold ends, a new member or applicant there is refused
(`open_org`). Without it, one created in the same instant — its organization's org_revoked
event still on its way — would slip into a revoked organization. The count and the creations
take turns on one advisory lock per organization, so a member is either counted or refused.

The hold ends by itself after HOLD (the revoke's event will have arrived long before), or at once
when a newer event shows the organization in use (the revoke did not happen, or was undone:
`release_on_org_event`). The org service only asks; the member service never calls it back.
"""
from datetime import timedelta

from sqlalchemy import and_, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.org_directory import DELETED, view

from .domain.applicants import STAGES
from .domain.org_rolls import DOINGS, allows
from .domain.status import ACTIVE, LEFT
from .models import applicants, members, org_directory, org_holds

HOLD = timedelta(minutes=10)
LOCK_CLASS = 7402  # advisory lock class of an organization's rolls (objid: the organization's id)
EXCLUSIVE = text("SELECT pg_advisory_xact_lock(:cls, (:org_id % 2147483647)::int)")
SHARED = text("SELECT pg_advisory_xact_lock_shared(:cls, (:org_id % 2147483647)::int)")


def lock_rolls(session: Session, org_id: int, exclusive: bool = False) -> None:
    """Take the organization's rolls lock for this transaction: shared to add someone, exclusive
    to count and hold."""
    session.execute(EXCLUSIVE if exclusive else SHARED, {"cls": LOCK_CLASS, "org_id": int(org_id)})


def _counts(session: Session, caller: Caller, org_id: int) -> dict:
    counts = {"active": 0, "history": 0, "applicants": 0, "deleted_applicants": 0}
    rows = session.execute(select(members.c.status, members.c.org_path, func.count().label("n"))
                           .where(members.c.org_id == org_id).group_by(members.c.status, members.c.org_path)).all()
    for row in rows:
        caller.require(row.org_path, "该党组织")  # the members' own copy of the path, not only the one given
        counts[{ACTIVE: "active", LEFT: "history"}.get(row.status, "history")] += row.n
    # Applicants on hand (before acceptance: one accepted as 预备党员 is counted as the member now).
    waiting = session.execute(select((applicants.c.deleted_at.is_(None)).label("kept"), func.count().label("n"))
                              .where(applicants.c.org_id == org_id, applicants.c.stage.in_(STAGES))
                              .group_by(text("1"))).all()
    for row in waiting:
        counts["applicants" if row.kept else "deleted_applicants"] += row.n
    return counts


def hold_org_rolls(sessions: sessionmaker, caller: Caller, org_id, path: str, doing: str, org_version) -> dict:
    """The members and applicants directly in the organization ({"active", "history",
    "applicants", "deleted_applicants", "held"}); held when the counts allow `doing`."""
    if doing not in DOINGS:
        raise ValidationFailed("操作应为撤销或删除", {"doing": "应为 revoke 或 delete"})
    caller.require(path, "该党组织")
    org_id, org_version = int(org_id), int(org_version)
    with sessions.begin() as session:
        lock_rolls(session, org_id, exclusive=True)
        counts = _counts(session, caller, org_id)
        held = allows(counts, doing)
        if held:
            values = {"doing": doing, "org_version": org_version, "until": func.now() + HOLD}
            statement = insert(org_holds).values(org_id=org_id, **values)
            session.execute(statement.on_conflict_do_update(index_elements=[org_holds.c.org_id], set_=values))
        return {**counts, "held": held}


def open_org(session: Session, org: dict, who: str, refusal=ValidationFailed, then: str = "") -> dict:
    """The organization `who` (党员, 入党申请人) is being added to, in the adding transaction: its
    rolls lock taken (shared), its directory row read again and kept (so a move's path rewrite
    waits for this transaction or is seen by it); refused (`refusal`, on the field org_id, the
    message ending with `then`) when revoked, deleted or held."""
    lock_rolls(session, org["id"])
    row = session.execute(select(org_directory).where(org_directory.c.id == int(org["id"]))
                          .with_for_update(read=True)).first()
    now = view(row) if row is not None else org
    if now["status"] == DELETED:
        raise refusal(f"党组织“{now['name']}”已删除，不能新增{who}{then}", {"org_id": "党组织已删除"})
    if now["status"] != "active":
        raise refusal(f"党组织“{now['name']}”已撤销，不能新增{who}{then}", {"org_id": "党组织已撤销"})
    hold = session.execute(select(org_holds.c.doing).where(org_holds.c.org_id == int(now["id"]),
                                                           org_holds.c.until > func.now())).first()
    if hold is not None:
        doing = DOINGS.get(hold.doing, "撤销")
        raise refusal(f"党组织“{now['name']}”已{doing}或正在{doing}，不能新增{who}{then}",
                      {"org_id": f"党组织已{doing}或正在{doing}"})
    return now


def release_on_org_event(session: Session, event: dict) -> None:
    """An org event newer than the hold that shows the organization in use ends the hold."""
    state = event["payload"]
    if event["type"] == "org_deleted" or (state.get("status") or "active") != "active":
        return
    session.execute(delete(org_holds).where(and_(org_holds.c.org_id == int(state["id"]),
                                                 org_holds.c.org_version < int(event["aggregate_version"]))))
