"""Member service use cases."""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed, validated
from services.shared.messaging.outbox import record_event

from . import transit
from .domain import status
from .domain.history import BASIC_LABELS, BASIC_TABLES, basic_changes, row_changes
from .domain.info_sets import (
    DERIVED_FROM,
    MemberDates,
    derived_facts,
    info_set,
    read_version,
    validate_row_change,
)
from .domain.member_fields import validate_member_changes, validate_new_member
from .events import MEMBER_CREATED, MEMBER_UPDATED, change_payload, member_facts
from .models import info_tables, members, outbox, status_changes
from .org_holds import open_org
from .store import (
    STATE_LABELS,
    STATE_TABLES,
    absences_by_member,
    as_status_change,
    info_rows,
    last_status_change,
    load_member,
    member_card,
    record_history,
    record_member_audit,
    require_member_version,
    set_facts_by_member,
)


def _duplicate(id_number: str) -> Conflict:
    return Conflict(f"公民身份号码 {id_number} 已登记为党员，不能重复录入", {"id_number": "该公民身份号码已存在"})


def receiving_org(caller: Caller, org_lookup, org_id, who: str = "党员") -> dict:
    """The organization a new member (or 入党申请人: `who`) goes into, as `org_lookup` answers it
    now: existing, in the caller's scope and in use — or the refusal, on the field org_id."""
    try:
        org = org_lookup(org_id)
    except NotFound:
        raise ValidationFailed("所在党组织不存在", {"org_id": "党组织不存在"}) from None
    caller.require(org["path"], "所选党组织")
    if org.get("status", "active") != "active":
        raise ValidationFailed(f"党组织“{org['name']}”已撤销，不能新增{who}", {"org_id": "党组织已撤销"})
    return org


def create_member(sessions: sessionmaker, caller: Caller, org_lookup, raw: dict) -> dict:
    """`org_lookup(org_id)` answers the organization from the directory (and checks the caller's
    scope); the insert reads it again under its rolls lock (org_holds.open_org)."""
    data = validated(validate_new_member, raw, "党员")
    org = receiving_org(caller, org_lookup, data.pop("org_id"))
    with sessions.begin() as session:
        org = open_org(session, org, "党员")
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
        record_member_audit(session, caller, row.id, "新增党员", before=None, after=row._mapping,
                            labels={**BASIC_LABELS, "org_id": "所在党组织"},
                            tables={**BASIC_TABLES, "org_id": {str(org["id"]): org["name"]}})
        return {"id": row.id}


# --- changes of an existing member ------------------------------------------------------------
# Each locks the member's row, checks the caller's scope, validates, checks the version the
# client read (optimistic locking: a stale one changes nothing), then writes the change, bumps
# the version and records member_updated with the counted facts before and after.

def _locked_member(session: Session, caller: Caller, member_id):
    row = load_member(session, member_id, for_update=True)
    caller.require(row.org_path, "该党员")
    return row


def _refused(refused: status.TransitionRefused) -> Conflict:
    return Conflict(refused.message)


def facts_of(session: Session, row) -> dict:
    return member_facts(row, absences=absences_by_member(session, [row.id]).get(row.id),
                        **set_facts_by_member(session, [row.id]).get(row.id, {}))


def _write(session: Session, caller: Caller, before, values: dict, before_facts: dict | None = None):
    """Write `values`, bump the version and record member_updated; the row after. `before_facts`:
    the facts read before an info-set row changed (evaluations live in their own table)."""
    before_facts = before_facts or facts_of(session, before)
    session.execute(update(members).where(members.c.id == before.id).values(
        **values, version=members.c.version + 1, updated_at=func.now()))
    after = load_member(session, before.id)
    record_event(session, outbox, MEMBER_UPDATED, after.id, after.version,
                 change_payload(after.id, before_facts, facts_of(session, after)), caller)
    return after


def _save(session: Session, caller: Caller, before, values: dict, before_facts: dict | None = None,
          card: bool = True) -> dict | None:
    """`_write`, then the card after it (or, without `card`, {"version"}: a batch needs no cards)."""
    after = _write(session, caller, before, values, before_facts)
    return member_card(session, after) if card else {"version": after.version}


def _decided_by_info_sets(session: Session, member_id: int) -> frozenset[str]:
    """Basic fields the member's info sets decide now (their set has rows)."""
    rows = info_rows(session, member_id, [key for key, _ in DERIVED_FROM.values()])
    return frozenset(fact for fact, (key, _) in DERIVED_FROM.items() if rows[key])


def member_changes(session: Session, row, raw) -> tuple[int | None, dict]:
    """A change of basic information of `row`, checked (ValidationFailed) but not written:
    (version read, the values that differ)."""
    decided = _decided_by_info_sets(session, row.id)
    return validated(lambda data: validate_member_changes(data, row._mapping, from_info_sets=decided), raw, "党员")


def change_member(session: Session, caller: Caller, row, raw):
    """A change of basic information of the locked, scope-checked `row` (one member's edit, or
    one member of a 批量修改): validated, version checked, written with its member_updated
    event. The member's row after it, or None when nothing differs; errors before any write."""
    read_version, changes = member_changes(session, row, raw)
    require_member_version(row, read_version)
    if not changes:
        return None
    number = changes.get("id_number")
    if number and session.execute(select(members.c.id).where(members.c.id_number == number,
                                                              members.c.id != row.id)).first():
        raise _duplicate(number)
    try:
        with session.begin_nested():
            after = _write(session, caller, row, changes)
    except IntegrityError:
        raise _duplicate(number) from None
    record_history(session, caller, row.id, after.version, "updated", basic_changes(row._mapping, changes))
    return after


def update_member(sessions: sessionmaker, caller: Caller, member_id, raw) -> dict:
    """Basic information (name, ID number — and so sex and birth date —, ethnicity, category,
    date joined). The organization is not changed here: that is a transfer."""
    with sessions.begin() as session:
        row = _locked_member(session, caller, member_id)
        transit.refuse_org_change(session, row, raw)
        after = change_member(session, caller, row, raw)
        return member_card(session, row if after is None else after)


def record_status_change(session: Session, caller: Caller, row, to_status: str, kind, day, reason) -> None:
    """A 党籍 change of `row` (as it was before it), for the card's list, 回退 and the absences."""
    session.execute(status_changes.insert().values(
        member_id=row.id, from_status=row.status, to_status=to_status, kind=kind, changed_on=day, reason=reason,
        prior=status.plain_state(row._mapping), actor=caller.user_id, actor_name=caller.username))


def leave_member(sessions: sessionmaker, caller: Caller, member_id, raw) -> dict:
    """死亡, 出党 or 停止党籍: the member moves to history."""
    with sessions.begin() as session:
        return leave(session, caller, _locked_member(session, caller, member_id), raw)


def leave(session: Session, caller: Caller, row, raw, action: str = "党员减少") -> dict:
    """减少 of the locked, scope-checked `row` in the caller's transaction (the 减少 form, and the
    党籍变动历史表's 减少 rows: history_imports.py): validated, version checked, written with its
    status change, member_updated event and 操作日志 entry (`action`); the card after it."""
    standing = status.Standing.of(row)
    change = validated(lambda data: status.validate_leave(data, standing), raw, "党员减少")
    require_member_version(row, change["version"])
    try:
        status.check_leave(standing)
    except status.TransitionRefused as refused:
        raise _refused(refused) from None
    before = facts_of(session, row)
    record_status_change(session, caller, row, status.LEFT, change["kind"], change["date"], change["reason"])
    return _save_state(session, caller, row, status.left_state(change), before, action)


def _save_state(session: Session, caller: Caller, row, state: dict, before_facts: dict, action: str) -> dict:
    """A 党籍 change written (`_save`) with its 操作日志 entry: the state fields before → after."""
    record_member_audit(session, caller, row.id, action, before=row._mapping, after=state, labels=STATE_LABELS,
                        tables=STATE_TABLES)
    return _save(session, caller, row, state, before_facts)


def restore_member(sessions: sessionmaker, caller: Caller, member_id, raw) -> dict:
    """找回: back to the active rolls, unless the member left in a way that cannot be restored."""
    with sessions.begin() as session:
        row = _locked_member(session, caller, member_id)
        standing = status.Standing.of(row)
        change = validated(lambda data: status.validate_restore(data, standing), raw or {}, "找回")
        require_member_version(row, change["version"])
        try:
            status.check_restore(standing)
        except status.TransitionRefused as refused:
            raise _refused(refused) from None
        before = facts_of(session, row)
        record_status_change(session, caller, row, status.ACTIVE, row.leave_kind, change["date"], change["reason"])
        return _save_state(session, caller, row, dict(status.ACTIVE_STATE), before, "找回")


def undo_status_change(sessions: sessionmaker, caller: Caller, member_id, raw) -> dict:
    """回退: take back the last status change not yet undone."""
    with sessions.begin() as session:
        row = _locked_member(session, caller, member_id)
        change = validated(status.validate_undo, raw or {}, "回退")
        require_member_version(row, change["version"])
        last = last_status_change(session, row.id)
        try:
            prior = status.check_undo(status.Standing.of(row), as_status_change(last))
        except status.TransitionRefused as refused:
            raise _refused(refused) from None
        before = facts_of(session, row)
        session.execute(update(status_changes).where(status_changes.c.id == last.id).values(
            undone_at=func.now(), undone_by=caller.username or caller.user_id))
        return _save_state(session, caller, row, prior, before, "回退党籍变动")


# --- the repeating info sets (学历学位, 工作岗位, … domain/info_sets.py) ---------------------------
# A row change is a change of the member's card: it locks the member, needs the version the
# client read (a stale one is a 409 and changes nothing), re-derives the facts the sets decide
# (highest education, current occupation), bumps the version and records member_updated.

def _spec(key):
    try:
        return info_set(key)
    except ValueError as e:
        raise NotFound(str(e)) from None


def _plain_row(spec, row) -> dict:
    return {item.key: getattr(row, item.key) for item in spec.fields} | {"id": row.id}


def _set_rows(session: Session, spec, member_id: int) -> list[dict]:
    return [_plain_row(spec, r) for r in info_rows(session, member_id, (spec.key,))[spec.key]]


def _info_row(session: Session, spec, member_id: int, row_id):
    table = info_tables[spec.key]
    try:
        row_id = int(row_id)
    except (TypeError, ValueError):
        row_id = 0
    row = session.execute(select(table).where(table.c.id == row_id, table.c.member_id == member_id)).first()
    if row is None:
        raise NotFound(f"该{spec.label}信息不存在")
    return row


def after_row_change(session: Session, caller: Caller, member, before_facts: dict, card: bool = True) -> dict:
    """Re-derive the facts the sets decide; when a set has no rows left the basic value stays."""
    keys = [key for key, _ in DERIVED_FROM.values()]
    derived = derived_facts({key: [row._mapping for row in rows]
                             for key, rows in info_rows(session, member.id, keys).items()})
    return _save(session, caller, member, derived, before_facts, card)


def _change_row(sessions: sessionmaker, caller: Caller, member_id, key, action: str, decide) -> dict:
    """The one way a row changes: `decide(session, spec, member)` validates and returns (the
    version the client read, the statement to run, the row before and after it for the
    history), under the member's lock."""
    spec = _spec(key)
    with sessions.begin() as session:
        member = _locked_member(session, caller, member_id)
        read, statement, before, after = decide(session, spec, member)
        require_member_version(member, read)
        return apply_row_change(session, caller, member, spec, statement, action, before, after)


def apply_row_change(session: Session, caller: Caller, member, spec, statement, action: str, before, after) -> dict:
    """A row's change run on the locked `member`: the facts the sets decide re-derived (member_updated),
    the history line and its 操作日志 entry; the card after it. Also the 党员信息集采集表's writer."""
    before_facts = facts_of(session, member)
    session.execute(statement)
    card = after_row_change(session, caller, member, before_facts)
    record_history(session, caller, member.id, card["version"], action, row_changes(spec, before, after), spec.key)
    return card


def add_row_statement(spec, member_id: int, values: dict):
    return info_tables[spec.key].insert().values(member_id=member_id, **values)


def _validated_row(spec, member, data, others) -> tuple[int, dict]:
    return validated(lambda d: validate_row_change(spec, d, MemberDates(member.birth_date, member.joined_on),
                                                   others=others), data, spec.label)


def add_info_row(sessions: sessionmaker, caller: Caller, member_id, key, raw) -> dict:
    def decide(session, spec, member):
        read, values = _validated_row(spec, member, raw, _set_rows(session, spec, member.id))
        return read, add_row_statement(spec, member.id, values), None, values

    return _change_row(sessions, caller, member_id, key, "row_added", decide)


def update_info_row(sessions: sessionmaker, caller: Caller, member_id, key, row_id, raw) -> dict:
    """Only the fields given change; the row is checked whole."""
    def decide(session, spec, member):
        current = _info_row(session, spec, member.id, row_id)
        others = [r for r in _set_rows(session, spec, member.id) if r["id"] != current.id]
        merged = {**{k: v for k, v in _plain_row(spec, current).items() if k != "id"},
                  **(raw if isinstance(raw, dict) else {"data": raw})}
        read, values = _validated_row(spec, member, merged, others)
        table = info_tables[spec.key]
        return read, update(table).where(table.c.id == current.id).values(**values), current._mapping, values

    return _change_row(sessions, caller, member_id, key, "row_updated", decide)


def delete_info_row(sessions: sessionmaker, caller: Caller, member_id, key, row_id, raw) -> dict:
    def decide(session, spec, member):
        current = _info_row(session, spec, member.id, row_id)
        read = validated(read_version, raw if isinstance(raw, dict) else {}, spec.label)
        table = info_tables[spec.key]
        return read, table.delete().where(table.c.id == current.id), current._mapping, None

    return _change_row(sessions, caller, member_id, key, "row_removed", decide)
