"""Member service use cases."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed, validated
from services.shared.field_errors import FieldErrors
from services.shared.outbox import record_event

from .domain.member_fields import validate_new_member
from .events import MEMBER_CREATED, change_payload, member_facts
from .models import members, outbox
from .queries import load_member


def _org_id(raw: dict) -> int:
    value = raw.get("org_id") if isinstance(raw, dict) else None
    if isinstance(value, bool) or value in (None, ""):
        raise ValidationFailed("所在党组织必填", {"org_id": "必填"})
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("所在党组织应为党组织编号", {"org_id": "应为党组织编号"}) from None


def _validate(raw: dict) -> tuple[int, dict]:
    """The organization and the member's fields, every bad field reported at once."""
    try:
        org_id, org_error = _org_id(raw), None
    except ValidationFailed as exc:
        org_id, org_error = None, exc
    try:
        data = validated(validate_new_member, raw, "党员")
    except ValidationFailed as exc:
        if org_error is None:
            raise
        fields = {**org_error.fields, **exc.fields}
        raise ValidationFailed(f"党员信息有误：{FieldErrors(fields)}", fields) from None
    if org_error is not None:
        raise org_error
    return org_id, data


def _duplicate(id_number: str) -> Conflict:
    return Conflict(f"公民身份号码 {id_number} 已登记为党员，不能重复录入", {"id_number": "该公民身份号码已存在"})


def create_member(sessions: sessionmaker, caller: Caller, org_lookup, raw: dict) -> dict:
    """`org_lookup(org_id)` asks the org service (which checks the caller's scope too)."""
    org_id, data = _validate(raw)
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
