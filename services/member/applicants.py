"""入党申请人 use cases: add, edit, delete (soft) and 找回. Each change locks the applicant's row,
checks the caller's scope, validates with the pure rules (domain/applicants.py), checks the
version the client read, and writes the change with its event (applicant_created /
applicant_updated, the facts before and after) in one transaction.

An ID number is one person: it is refused when it is already an applicant's (deleted ones
included: they are found again, not keyed twice) or an active member's."""
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, validated
from services.shared.messaging.outbox import record_event
from services.shared.versions import require_version

from .commands import receiving_org
from .domain.applicants import (
    applicant_facts,
    duplicate_message,
    validate_applicant_changes,
    validate_new_applicant,
    validate_reason,
)
from .events import APPLICANT_CREATED, APPLICANT_UPDATED, applicant_payload
from .models import applicants, outbox
from .org_holds import open_org
from .store import applicant_view, due_on_of, load_applicant, opening_due, record_applicant_audit, registered_as

WHAT = "该入党申请人信息"


def duplicate(id_number: str, where: str) -> Conflict:
    return Conflict(duplicate_message(id_number, where), {"id_number": "该公民身份号码已存在"})


def refuse_registered(session: Session, id_number: str, exclude: int | None = None) -> None:
    where = registered_as(session, [id_number], exclude).get(id_number)
    if where:
        raise duplicate(id_number, where)


def create_applicant(sessions: sessionmaker, caller: Caller, org_lookup, raw) -> dict:
    """`org_lookup(org_id)` answers the organization from the directory (scope checked too); the
    insert reads it again under its rolls lock (org_holds.open_org)."""
    data = validated(validate_new_applicant, raw, "入党申请人")
    org = receiving_org(caller, org_lookup, data.pop("org_id"), "入党申请人")
    with sessions.begin() as session:
        org = open_org(session, org, "入党申请人")
        refuse_registered(session, data["id_number"])
        try:
            with session.begin_nested():
                applicant_id = session.execute(applicants.insert().values(
                    org_id=org["id"], org_path=org["path"], due_on=opening_due(data["applied_on"]), **data)
                    .returning(applicants.c.id)).scalar_one()
        except IntegrityError:  # the same number keyed at the same moment
            raise duplicate(data["id_number"], "applicant") from None
        row = load_applicant(session, caller, applicant_id)
        record_event(session, outbox, APPLICANT_CREATED, row.id, row.version,
                     applicant_payload(row.id, None, applicant_facts(row)), caller)
        record_applicant_audit(session, caller, row, "新增入党申请人", after=row)
        return {"id": row.id, "stage": row.stage}


def _write(session: Session, caller: Caller, before, values: dict, action: str):
    """Write `values`, bump the version and record applicant_updated and the 操作日志's `action`;
    the row after."""
    session.execute(update(applicants).where(applicants.c.id == before.id).values(
        **values, version=applicants.c.version + 1, updated_at=func.now()))
    after = load_applicant(session, caller, before.id)
    record_event(session, outbox, APPLICANT_UPDATED, after.id, after.version,
                 applicant_payload(after.id, applicant_facts(before), applicant_facts(after)), caller)
    record_applicant_audit(session, caller, after, action, before, after)
    return after


def refuse_accepted(row, doing: str) -> None:
    """Once accepted as a 预备党员 the person is a member: their record is the member's."""
    if row.member_id is not None:
        raise Conflict(f"“{row.name}”已接收为预备党员，不能{doing}；请在党员信息中办理")


def update_applicant(sessions: sessionmaker, caller: Caller, applicant_id, raw) -> dict:
    """Name, ID number (and so sex and birth date), ethnicity, 申请日期, education, occupation.
    The branch changes by a transfer, the stage by the development pipeline."""
    with sessions.begin() as session:
        row = load_applicant(session, caller, applicant_id, for_update=True)
        read, changes = validated(lambda data: validate_applicant_changes(data, row._mapping), raw, "入党申请人")
        require_version(row.version, read, WHAT)
        if row.deleted_at is not None:
            raise Conflict(f"入党申请人“{row.name}”已删除，不能修改；请先找回")
        refuse_accepted(row, "在此修改")
        if not changes:
            return applicant_view(row)
        if "id_number" in changes:
            refuse_registered(session, changes["id_number"], exclude=row.id)
        if "applied_on" in changes:  # the time limits count from it
            changes["due_on"] = due_on_of(session, row, changes["applied_on"])
        try:
            with session.begin_nested():
                after = _write(session, caller, row, changes, "修改入党申请人")
        except IntegrityError:
            raise duplicate(changes["id_number"], "applicant") from None
        return applicant_view(after)


def delete_applicant(sessions: sessionmaker, caller: Caller, applicant_id, raw) -> dict:
    """删除: the record leaves the lists (and the counts) but stays, to be found again."""
    with sessions.begin() as session:
        row = load_applicant(session, caller, applicant_id, for_update=True)
        read, reason = validated(validate_reason, raw, "删除")
        require_version(row.version, read, WHAT)
        if row.deleted_at is not None:
            raise Conflict(f"入党申请人“{row.name}”已删除")
        refuse_accepted(row, "删除")
        return applicant_view(_write(session, caller, row, {"deleted_at": func.now(), "deleted_reason": reason},
                                      "删除入党申请人"))


def restore_applicant(sessions: sessionmaker, caller: Caller, org_lookup, applicant_id, raw) -> dict:
    """找回: a deleted applicant back on the lists, in the same organization — if it is still in
    use and the person has not been registered as a member since."""
    with sessions.begin() as session:
        row = load_applicant(session, caller, applicant_id, for_update=True)
        read, _ = validated(validate_reason, raw, "找回")  # a reason, if given, is checked but not kept
        require_version(row.version, read, WHAT)
        if row.deleted_at is None:
            raise Conflict(f"入党申请人“{row.name}”未删除，无需找回")
        try:
            org = org_lookup(row.org_id)
        except NotFound:
            raise Conflict(f"入党申请人“{row.name}”原所在党组织已删除，不能找回") from None
        if org.get("status", "active") != "active":
            raise Conflict(f"入党申请人“{row.name}”原所在党组织“{org['name']}”已撤销，不能找回")
        open_org(session, org, "入党申请人", Conflict, "，不能找回")
        refuse_registered(session, row.id_number, exclude=row.id)
        return applicant_view(_write(session, caller, row, {"deleted_at": None, "deleted_reason": None},
                                      "找回入党申请人"))
