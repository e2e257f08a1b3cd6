"""Member service use cases."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed, validated
from services.shared.outbox import record_event

from .domain.member_fields import validate_new_member
from .events import MEMBER_CREATED, change_payload, member_facts
from .models import members, outbox
from .queries import load_member


def _duplicate(id_number: str) -> Conflict:
    return Conflict(f"公民身份号码 {id_number} 已登记为党员，不能重复录入", {"id_number": "该公民身份号码已存在"})


def create_member(sessions: sessionmaker, caller: Caller, org_lookup, raw: dict) -> dict:
    """`org_lookup(org_id)` asks the org service (which checks the caller's scope too)."""
    data = validated(validate_new_member, raw, "党员")
    org_id = data.pop("org_id")
    try:
        org = org_lookup(org_id)
    except NotFound:
        raise ValidationFailed("所在党组织不存在", {"org_id": "党组织不存在"}) from None
    caller.require(org["path"], "所选党组织")
    with sessions.begin() as session:
        if session.execute(select(members.c.id).where(members.c.id_number == data["id_number"])).first():
            raise _duplicate(data["id_number"])
        try:
            with session.begin_nested():
                member_id = session.execute(members.insert().values(
                    org_id=org["id"], org_path=org["path"], **data).returning(members.c.id)).scalar_one()
        except IntegrityError:
            raise _duplicate(data["id_number"]) from None
        row = load_member(session, member_id)
        record_event(session, outbox, MEMBER_CREATED, row.id, row.version,
                     change_payload(row.id, None, member_facts(row)), caller)
        return {"id": row.id}
