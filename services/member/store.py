"""The member service's interior, shared by its read side (queries, member_queries, supervision,
name_lists, history) and its write side (commands, batch_add, batch_changes, imports): loading a
member and its info-set rows, the views of a member, keyset pages of members, the version check,
the history line a change writes, and a 综合查询's selection. Neither side imports the other."""
from datetime import date

from sqlalchemy import Date, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from services.shared import audit
from services.shared.codes import EDUCATION, ETHNICITIES, LEAVE_KINDS, MEMBER_CATEGORIES, OCCUPATIONS, SEXES
from services.shared.context import Caller
from services.shared.errors import NotFound, ValidationFailed, validated
from services.shared.messaging.outbox import record_events
from services.shared.versions import require_version

from .domain import development as pipeline
from .domain.applicants import ALL_STAGE_NAMES
from .domain.conditions import Query, validate_query
from .domain.development.forms import date_label, described, field_view, form_fields, next_steps
from .domain.development.machine import fold, rule_of
from .domain.history import ACTION_NAMES, plain, readable
from .domain.info_sets import DERIVED_FROM, INFO_SETS, commendation_facts, evaluation_facts, training_facts
from .domain.status import ACTIVE, LEFT, STATUS_NAMES, Standing, StatusChange, absences, allowed_actions, kind_group
from .models import (
    applicants,
    development_steps,
    history,
    info_tables,
    members,
    org_directory,
    outbox,
    probation_decisions,
    status_changes,
)
from .query_catalog import DEFAULT_SORT, FIELDS, SORTS, compile_where
from .transit import in_transit

# Names in the order a Chinese reader expects: by pinyin (names.sort_key, which ends with the
# name itself), then id. Lists, quick search and exports share it.
PINYIN_ORDER = (members.c.name_sort.asc().nulls_last(), members.c.id)


def load_member(session: Session, member_id, for_update: bool = False):
    """The member's row; `for_update` locks it, so changes of one member take turns."""
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        raise NotFound("党员不存在") from None
    statement = select(members).where(members.c.id == member_id)
    row = session.execute(statement.with_for_update() if for_update else statement).first()
    if row is None:
        raise NotFound("党员不存在")
    return row


def require_member_version(row, read_version) -> None:
    """Optimistic locking: a change carrying a stale version of the member changes nothing (409)."""
    require_version(row.version, read_version, "该党员信息")


def member_view(row) -> dict:
    return {
        "id": row.id, "org_id": row.org_id, "org_path": row.org_path, "name": row.name, "id_number": row.id_number,
        "sex": row.sex, "sex_name": SEXES.name(row.sex), "birth_date": row.birth_date.isoformat(),
        "ethnicity": row.ethnicity, "ethnicity_name": ETHNICITIES.name(row.ethnicity),
        "category": row.category, "category_name": MEMBER_CATEGORIES.name(row.category),
        "joined_on": row.joined_on.isoformat(), "status": row.status, "version": row.version,
        "status_name": STATUS_NAMES.get(row.status, row.status), "leave_kind": row.leave_kind,
        "leave_kind_name": LEAVE_KINDS.name(row.leave_kind) if row.leave_kind else None,
        "leave_group": kind_group(row.leave_kind), "left_on": row.left_on.isoformat() if row.left_on else None,
        "leave_reason": row.leave_reason,
        "former_name": row.former_name, "native_place": row.native_place,
        "education": row.education, "education_name": _name(EDUCATION, row.education),
        "occupation": row.occupation, "occupation_name": _name(OCCUPATIONS, row.occupation),
        "full_on": _iso(row.full_on), "branch_joined_on": _iso(row.branch_joined_on),
        "phone": row.phone, "address": row.address,
    }


def _iso(day):
    return day.isoformat() if day is not None else None


def _name(table, code):
    return table.name(code) if code in table else code


# --- the repeating info sets ------------------------------------------------------------------

def info_rows(session: Session, member_id: int, keys=None) -> dict[str, list]:
    """The member's rows of each info set (or of `keys`), newest first."""
    rows = {}
    for key in keys or INFO_SETS:
        table, spec = info_tables[key], INFO_SETS[key]
        rows[key] = session.execute(select(table).where(table.c.member_id == member_id).order_by(
            table.c[spec.sort_field].desc().nulls_last(), table.c.id.desc())).all()
    return rows


def info_row_view(key: str, row) -> dict:
    """A row as the card shows it: each field's value (dates as ISO text) and, for codes, its name."""
    view = {"id": row.id}
    for item in INFO_SETS[key].fields:
        value = getattr(row, item.key)
        view[item.key] = _iso(value) if hasattr(value, "isoformat") else value
        if item.table is not None:
            view[f"{item.key}_name"] = item.name_of(value)
    return view


# The info sets whose rows are counted facts (events.member_facts's keyword of the same name): 民主评议
# (表8), 培训情况 (表9) and the 奖励 of 奖惩情况 (表12).
COUNTED_SETS = {"evaluations": ("evaluations", evaluation_facts), "trainings": ("trainings", training_facts),
                "commendations": ("rewards", commendation_facts)}


def set_facts_by_member(session: Session, member_ids: list) -> dict[int, dict]:
    """{member_id: {"evaluations", "trainings", "commendations"}}: the counted facts the members' info-set
    rows hold (events.member_facts's keywords); a member without rows is absent."""
    rows: dict[int, dict[str, list]] = {}
    for key in {key for key, _ in COUNTED_SETS.values()}:
        table = info_tables[key]
        for row in session.execute(select(table).where(table.c.member_id.in_(member_ids))).mappings():
            rows.setdefault(row["member_id"], {}).setdefault(key, []).append(row)
    return {member_id: {fact: facts(sets.get(key, ())) for fact, (key, facts) in COUNTED_SETS.items()}
            for member_id, sets in rows.items()}


def absences_by_member(session: Session, member_ids: list) -> dict[int, list]:
    """{member_id: absences} (domain/status.absences) from the status changes not undone."""
    changes: dict[int, list] = {}
    for change in session.execute(select(status_changes).where(
            status_changes.c.member_id.in_(member_ids), status_changes.c.undone_at.is_(None))
            .order_by(status_changes.c.member_id, status_changes.c.id)):
        changes.setdefault(change.member_id, []).append(change)
    return {member_id: absences(rows) for member_id, rows in changes.items()}


def last_status_change(session: Session, member_id: int):
    """The member's last status change not yet undone (what 回退 would take back), or None."""
    return session.execute(select(status_changes).where(
        status_changes.c.member_id == member_id, status_changes.c.undone_at.is_(None))
        .order_by(status_changes.c.id.desc()).limit(1)).first()


def as_status_change(row) -> StatusChange | None:
    return None if row is None else StatusChange(row.from_status, row.to_status, row.kind, row.prior)


def _change_view(row) -> dict:
    return {
        "id": row.id, "action": "leave" if row.to_status == LEFT else "restore",
        "action_name": kind_group(row.kind) if row.to_status == LEFT else "找回",
        "from_status": row.from_status, "to_status": row.to_status,
        "kind": row.kind, "kind_name": LEAVE_KINDS.name(row.kind) if row.kind else None,
        "date": row.changed_on.isoformat(), "reason": row.reason, "actor": row.actor, "actor_name": row.actor_name,
        "at": row.at.isoformat(), "undone": row.undone_at is not None,
        "undone_at": row.undone_at.isoformat() if row.undone_at else None,
    }


STATUS_CHANGES_SHOWN = 50


def member_card(session: Session, row) -> dict:
    """The member with every info set: the basic set, the repeating sets (`info_sets`, each
    newest first), the 党籍 set (status changes, newest first) and the status changes allowed
    now. `from_info_sets`: basic fields decided by a set's rows (not editable on the basic set)."""
    view = member_view(row)
    rows = info_rows(session, row.id)
    view["info_sets"] = {key: [info_row_view(key, r) for r in set_rows] for key, set_rows in rows.items()}
    view["from_info_sets"] = [fact for fact, (key, _) in DERIVED_FROM.items() if rows[key]]
    changes = session.execute(select(status_changes).where(status_changes.c.member_id == row.id)
                              .order_by(status_changes.c.id.desc()).limit(STATUS_CHANGES_SHOWN)).all()
    view["status_changes"] = [_change_view(change) for change in changes]
    view["actions"] = allowed_actions(Standing.of(row), as_status_change(last_status_change(session, row.id)))
    view["in_transit"] = in_transit(session, row)  # 转出中: {"transfer_id", "whole_org"} or None
    return view


# --- keyset pages of members ----------------------------------------------------------------

ROSTER_PAGE_MAX = 5000


def _after(column, descending: bool, cursor: dict):
    """Rows after the last one sent (`cursor`: its id and sort value) in the order (column
    [DESC] NULLS LAST, id [DESC])."""
    try:
        last_id, value = int(cursor["id"]), cursor.get("value")
        if value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
    except (KeyError, TypeError, ValueError):
        raise ValidationFailed("分页参数有误", {"after_id": "格式有误"}) from None
    if value is None:  # among the trailing empty values
        return column.is_(None) & (members.c.id < last_id if descending else members.c.id > last_id)
    # A row comparison, which an index on (column, id) serves; the empty values come last.
    pair, last = tuple_(column, members.c.id), tuple_(literal(value, column.type), literal(last_id))
    return or_(pair < last if descending else pair > last, column.is_(None))


def sorted_page(sessions: sessionmaker, where, column, descending=False, after=None, limit=2000) -> dict:
    """One keyset page of the members matching `where` in the order a list shows them (column,
    empty values last, then id): exports keep the on-screen order however many pages they read.
    `after` is the previous page's `next_after_id` (None or 0 for the first)."""
    try:
        limit = min(int(limit), ROSTER_PAGE_MAX)
    except (TypeError, ValueError):
        raise ValidationFailed("分页参数应为整数", {"limit": "应为整数"}) from None
    if limit < 1:
        raise ValidationFailed("每页条数应为正整数", {"limit": "应为正整数"})
    if after not in (None, 0, "0", ""):
        if not isinstance(after, dict):
            raise ValidationFailed("分页参数有误", {"after_id": "应为上一页的 next_after_id"})
        where = where & _after(column, descending, after)
    order = (column.desc().nulls_last(), members.c.id.desc()) if descending \
        else (column.asc().nulls_last(), members.c.id)
    with sessions() as session:
        rows = session.execute(select(members).where(where).order_by(*order).limit(limit)).all()
    last = rows[-1] if len(rows) == limit else None
    cursor = {"id": last.id, "value": plain(last._mapping[column.key])} if last is not None else None
    return {"items": [member_view(row) for row in rows], "next_after_id": cursor}


# --- 入党申请人 (applicants.py writes, applicant_queries.py reads) ---------------------------

def load_applicant(session: Session, caller: Caller, applicant_id, for_update: bool = False):
    """The applicant's row, in the caller's scope (NotFound / Forbidden); `for_update` locks it."""
    try:
        applicant_id = int(applicant_id)
    except (TypeError, ValueError):
        raise NotFound("入党申请人不存在") from None
    statement = select(applicants).where(applicants.c.id == applicant_id)
    row = session.execute(statement.with_for_update() if for_update else statement).first()
    if row is None:
        raise NotFound("入党申请人不存在")
    caller.require(row.org_path, "该入党申请人")
    return row


def applicant_view(row) -> dict:
    return {
        "id": row.id, "org_id": row.org_id, "org_path": row.org_path, "name": row.name,
        "id_number": row.id_number, "sex": row.sex, "sex_name": SEXES.name(row.sex),
        "birth_date": row.birth_date.isoformat(), "ethnicity": row.ethnicity,
        "ethnicity_name": ETHNICITIES.name(row.ethnicity), "education": row.education,
        "education_name": _name(EDUCATION, row.education) if row.education else None,
        "occupation": row.occupation,
        "occupation_name": _name(OCCUPATIONS, row.occupation) if row.occupation else None,
        "applied_on": row.applied_on.isoformat(), "stage": row.stage, "stage_name": ALL_STAGE_NAMES[row.stage],
        "deleted": row.deleted_at is not None,
        "deleted_at": row.deleted_at.isoformat() if row.deleted_at else None, "deleted_reason": row.deleted_reason,
        "member_id": row.member_id, "due_on": _iso(row.due_on), "version": row.version,
    }


def registered_as(session: Session, id_numbers: list[str], exclude_applicant: int | None = None) -> dict[str, str]:
    """{ID number: "applicant" | "deleted" | "member"} for those of `id_numbers` already on
    record: as an applicant (deleted or not; `exclude_applicant` aside) or as an active member."""
    found: dict[str, str] = {}
    for start in range(0, len(id_numbers), 1000):
        chunk = id_numbers[start:start + 1000]
        for number in session.execute(select(members.c.id_number).where(
                members.c.id_number.in_(chunk), members.c.status == ACTIVE)).scalars():
            found[number] = "member"
        where = applicants.c.id_number.in_(chunk)
        if exclude_applicant is not None:
            where = where & (applicants.c.id != exclude_applicant)
        for number, deleted_at, member_id in session.execute(
                select(applicants.c.id_number, applicants.c.deleted_at, applicants.c.member_id).where(where)).all():
            # one accepted as 预备党员 is a member now (in history too, after 取消预备党员资格)
            found[number] = "member" if member_id is not None else "applicant" if deleted_at is None else "deleted"
    return found


# --- 发展党员 (development.py writes, development_queries.py reads) -----------------------------

def org_row(session: Session, org_id: int):
    """An organization as the directory (org events) has it: type, path, parent, name; or None."""
    return session.execute(select(org_directory).where(org_directory.c.id == org_id)).first()


def parent_path(path: str) -> str:
    """The path of the organization above the one at `path` ("/1/5/23/" → "/1/5/"; "" for a root)."""
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else ""


def step_rows(session: Session, applicant_id: int) -> list:
    """Every step recorded for the applicant, 回退 ones included, oldest first."""
    return session.execute(select(development_steps).where(development_steps.c.applicant_id == applicant_id)
                           .order_by(development_steps.c.id)).all()


def steps_by_applicant(session: Session, applicant_ids) -> dict[int, list]:
    """`step_rows` of several applicants in one read (a list page's), by applicant id."""
    found: dict[int, list] = {applicant_id: [] for applicant_id in applicant_ids}
    if found:
        for row in session.execute(select(development_steps).where(development_steps.c.applicant_id.in_(list(found)))
                                   .order_by(development_steps.c.applicant_id, development_steps.c.id)):
            found[row.applicant_id].append(row)
    return found


def history_of(rows) -> list:
    """The steps the rules see: those not taken back, oldest first."""
    return [pipeline.Step(r.step, r.on, r.fields or {}) for r in rows if r.undone_at is None]


def person_of(session: Session, row, org_types: dict | None = None) -> pipeline.Applicant:
    """What the rules need of the applicant: 申请日期, the branch's 党组织类别, birth date
    (`org_types`: {org id: type} already read for a page of applicants)."""
    if org_types is None:
        org = org_row(session, row.org_id)
        org_types = {row.org_id: org.type} if org is not None else {}
    return pipeline.Applicant(row.applied_on, org_types.get(row.org_id, ""), row.birth_date)


def org_types(session: Session, org_ids) -> dict[int, str]:
    """{org id: 党组织类别} of several organizations, from the directory, in one read."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    return dict(session.execute(select(org_directory.c.id, org_directory.c.type)
                                .where(org_directory.c.id.in_(ids))).all())


def first_due(progress: pipeline.Progress) -> date | None:
    """The earliest time limit of the steps due (the applicant's `due_on`, for the reminders)."""
    return min((d.due_on for d in progress.due if d.due_on is not None), default=None)


def opening_due(applied_on: date) -> date | None:
    """`due_on` of a new applicant: the first talk's limit."""
    return first_due(pipeline.progress(pipeline.Applicant(applied_on, ""), [], date.today()))


def due_on_of(session: Session, row, applied_on: date) -> date | None:
    """`due_on` of an applicant whose 申请日期 changed to `applied_on` (the limits count from it)."""
    person = pipeline.Applicant(applied_on, "", row.birth_date)
    return first_due(pipeline.progress(person, history_of(step_rows(session, row.id)), date.today()))


def probation_extensions(session: Session, member_id: int) -> int:
    return session.execute(select(func.count()).select_from(probation_decisions).where(
        probation_decisions.c.member_id == member_id, probation_decisions.c.outcome == "extend")).scalar_one()


def _step_view(row) -> dict:
    rule = rule_of(row.step, row.on, pipeline.VERSIONS)
    return {"id": row.id, "step": row.step, "label": rule.label if rule else row.step,
            "number": rule.number if rule else None, "phase": rule.phase if rule else None,
            "date": row.on.isoformat(), "fields": row.fields or {},
            "shown": [{"label": label, "text": text_} for label, text_ in described(rule, row.fields)],
            "batch_id": str(row.batch_id) if row.batch_id else None, "imported": row.import_id is not None,
            "actor_name": row.actor_name or row.actor,
            "at": row.at.isoformat(), "undone": row.undone_at is not None,
            "undone_at": _iso(row.undone_at), "undone_by": row.undone_by, "undo_reason": row.undo_reason}


def due_view(item: pipeline.Due) -> dict:
    return {"step": item.step, "label": item.label, "due_on": _iso(item.due_on), "not_before": _iso(item.not_before),
            "overdue": item.overdue}


def _next_view(rule) -> dict:
    return {"step": rule.name, "label": rule.label, "undo": rule.undo, "date_label": date_label(rule),
            "fields": [field_view(f) for f in form_fields(rule)]}


def development_view(session: Session, row, today: date, rows=None) -> dict:
    """The applicant's pipeline: stage, every recorded step (回退 ones marked), the steps due
    (with their time limits) and the steps that may be keyed now with their forms' fields."""
    rows = step_rows(session, row.id) if rows is None else rows
    person, steps = person_of(session, row), history_of(rows)
    progress = pipeline.progress(person, steps, today)
    state = fold(person, steps)
    allowed = next_steps(progress.stage, progress.stopped is not None,
                         {name: len(days) for name, days in state.dates.items()}, pipeline.rules_on(today))
    last = next((r for r in reversed(rows) if r.undone_at is None), None)
    last_rule = rule_of(last.step, last.on, pipeline.VERSIONS) if last is not None else None
    return {
        "applicant_id": row.id, "name": row.name, "member_id": row.member_id, "version": row.version,
        "stage": progress.stage, "stage_name": progress.stage_name, "stopped": progress.stopped,
        "joined_on": _iso(progress.joined_on), "probation_ends": _iso(progress.probation_ends),
        "full_on": _iso(progress.full_on), "left_on": _iso(progress.left_on),
        "steps": [_step_view(r) for r in rows], "due": [due_view(d) for d in progress.due],
        "next": [_next_view(rule) for rule in allowed],
        "undo": {"step": last.step, "label": last_rule.label if last_rule else last.step, "date": last.on.isoformat()}
        if last is not None and (last_rule is None or last_rule.undo) else None,
    }


def decision_view(row) -> dict:
    return {"id": row.id, "outcome": row.outcome, "outcome_name": pipeline.probation.OUTCOMES[row.outcome],
            "meeting_on": row.meeting_on.isoformat(), "approved_on": row.approved_on.isoformat(),
            "months": row.months, "actor_name": row.actor_name, "at": row.at.isoformat()}


# --- history lines ---------------------------------------------------------------------------

def record_history(session: Session, caller: Caller, member_id: int, version: int, action: str,
                   changes: list[dict], info_set: str | None = None) -> None:
    """One line of the member's readable history, written with the change (same transaction),
    and its entry in the 操作日志 (names, not codes); nothing when no field changed."""
    if changes:
        session.execute(history.insert().values(member_id=member_id, action=action, info_set=info_set,
                                                changes=changes, version=version, actor=caller.user_id,
                                                actor_name=caller.username or ""))
        label = INFO_SETS[info_set].label if info_set in INFO_SETS else ""
        record_member_audit(session, caller, member_id, f"{ACTION_NAMES.get(action, action)}{label}", lines=[
            {"field": c["label"], "before": c["old_name"], "after": c["new_name"]}
            for c in readable(info_set, changes)])


STATE_LABELS = {"status": "党籍状态", "leave_kind": "减少类型", "left_on": "减少日期", "leave_reason": "减少原因"}
STATE_TABLES = {"status": STATUS_NAMES, "leave_kind": LEAVE_KINDS}


def record_member_audit(session: Session, caller: Caller, member_id: int, action: str, **what) -> None:
    """One 操作日志 entry about a member (audit.record's `before`/`after`/`labels`/`tables` or `lines`),
    placed under the organization the member is in now."""
    path = session.execute(select(members.c.org_path).where(members.c.id == member_id)).scalar()
    audit.record(session, outbox, caller, org_path=path or "/", entity="member", entity_id=member_id,
                 action=action, **what)


APPLICANT_LABELS = {"name": "姓名", "id_number": "公民身份号码", "sex": "性别", "birth_date": "出生日期",
                    "ethnicity": "民族", "applied_on": "申请入党日期", "education": "学历", "occupation": "工作岗位",
                    "stage": "发展阶段", "deleted_reason": "删除原因"}
APPLICANT_TABLES = {"sex": SEXES, "ethnicity": ETHNICITIES, "education": EDUCATION, "occupation": OCCUPATIONS,
                    "stage": ALL_STAGE_NAMES}


def applicant_audit(caller: Caller, row, action: str, before=None, after=None, lines: list[dict] | None = None):
    """One 操作日志 entry about an 入党申请人 as an outbox event tuple (audit.event), placed under the
    branch the applicant is in: their fields before → after (names, not codes) and `lines`. Every
    entry but a creation names the person first."""
    head = [] if before is None else [{"field": "入党申请人", "before": None, "after": row.name}]
    values = {"before": dict(before._mapping) if before is not None else None,
              "after": dict(after._mapping) if after is not None else None}
    return audit.event(outbox, caller, org_path=row.org_path, entity="applicant", entity_id=row.id, action=action,
                       lines=head + list(lines or []), labels=APPLICANT_LABELS, tables=APPLICANT_TABLES, **values)


def record_applicant_audit(session: Session, caller: Caller, row, action: str, before=None, after=None,
                           lines: list[dict] | None = None) -> None:
    """`applicant_audit`, written in the command's transaction."""
    record_events(session, outbox, [applicant_audit(caller, row, action, before, after, lines)], caller)


def step_lines(step) -> list[dict]:
    """A development step as 操作日志 lines: its name, its date and its fields as people read them."""
    rule = rule_of(step.name, step.on, pipeline.VERSIONS)
    lines = [{"field": "发展步骤", "before": None, "after": rule.label if rule else step.name},
             {"field": date_label(rule) if rule else "办理日期", "before": None, "after": step.on.isoformat()}]
    return lines + [{"field": label, "before": None, "after": text_} for label, text_ in described(rule, step.fields)]


# --- 综合查询's selection (lists, exports and 批量修改 select the same members) -----------------

def check_query(raw) -> Query:
    return validated(lambda data: validate_query(data, FIELDS, SORTS, DEFAULT_SORT), raw, "查询条件")


def scoped(caller: Caller, org_lookup, query: Query) -> dict:
    """The query's root organization, asked of the org service (which checks the scope too)."""
    org = org_lookup(query.org_id)
    caller.require(org["path"], "所选党组织")
    return org


def selection(query: Query, org: dict):
    """Members of the subtree matching the conditions; those in history only when asked."""
    where = members.c.org_path.startswith(org["path"], autoescape=True) & compile_where(query.where)
    return where if query.history else where & (members.c.status == ACTIVE)
