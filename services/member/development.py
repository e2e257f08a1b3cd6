"""发展党员 use cases: record a step of an applicant (alone or as a batch), take the last one back
(回退), and decide a probationary member's 转正 / 延长预备期 / 取消预备党员资格. The rules are the
pure ones of domain/development; this module loads, locks, checks the scope, writes and emits.

- Every step is a row of `development_steps` (never deleted; 回退 marks it undone with the
  reason, who and when). The applicant row keeps the stage the rules reach, its next time limit
  (`due_on`, for the reminders) and, once accepted, the member it became.
- 党委审批 (`approval`) creates the 预备党员 in the same transaction: joined on the 支部大会 date,
  the applicant's facts carried over, `member_created` for the statistics and `applicant_updated`
  (stage 预备党员: the org service stops counting an applicant there). Only the 党委 above the
  branch approves: the caller's scope must cover the branch's parent.
- A probation outcome is the member's (POST /members/{id}/probation); for a member developed in
  PMIS the outcome is also recorded as the step of the development history, so the 发展纪实 is
  whole. Keyed as a step on the applicant, it goes the same way.
"""
import uuid
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, Refused, ValidationFailed
from services.shared.field_errors import FieldErrors
from services.shared.field_rules import blank, iso_date, text
from services.shared.messaging.outbox import record_event
from services.shared.versions import require_version

from .commands import facts_of, record_status_change
from .domain import development as pipeline
from .domain import status
from .domain.applicants import applicant_facts
from .domain.development.forms import FREE_NAMES, TEXT_MAX, form_fields
from .domain.development.machine import rule_of
from .domain.development.probation import OUTCOMES
from .events import APPLICANT_UPDATED, MEMBER_CREATED, MEMBER_UPDATED, applicant_payload, change_payload, member_facts
from .models import applicants, development_steps, members, outbox, probation_decisions
from .store import (
    development_view,
    first_due,
    history_of,
    load_applicant,
    load_member,
    org_row,
    parent_path,
    person_of,
    probation_extensions,
    record_applicant_audit,
    record_history,
    record_member_audit,
    step_lines,
    step_rows,
)

WHAT = "该入党申请人信息"
PEOPLE = ("contacts", "introducers")
BATCH_MAX = 200


def _refused(error: pipeline.StepRefused) -> Refused:
    return Refused(error.message)


def _invalid(error: FieldErrors, what: str = "发展步骤") -> ValidationFailed:
    return ValidationFailed(f"{what}信息有误：{error}", error.fields)


def _today(today: date | None) -> date:
    return today or date.today()


# --- reading the input --------------------------------------------------------------------------

def _people(session: Session, caller: Caller, value, name: str) -> list:
    """A list of people as the rules read them: each named member (member_id) filled from the
    roll — name, category (正式/预备), on the rolls or not — so nobody types a category."""
    if not isinstance(value, list):
        return value  # the rules say what is wrong with it
    out = []
    for person in value:
        if isinstance(person, dict) and not blank(person.get("member_id")):
            try:
                row = load_member(session, person["member_id"])
            except NotFound:
                raise FieldErrors({name: f"党员不存在（编号 {person['member_id']}）"}) from None
            if not caller.covers(row.org_path):
                raise FieldErrors({name: f"党员（编号 {row.id}）不在本账号的管理范围内"})
            person = {"member_id": row.id, "name": row.name, "category": row.category, "status": row.status}
        elif isinstance(person, dict):
            person = {"name": person.get("name"), "category": person.get("category"),
                      "status": person.get("status", "active")}
        out.append(person)
    return out


def _fields(session: Session, caller: Caller, name, on: date, raw: dict) -> dict:
    """The step's fields from the request (everything but step, date and version): only the ones
    its form has (unknown ones are refused, not stored), free text bounded, people filled."""
    rule = rule_of(name, on, pipeline.VERSIONS) if isinstance(name, str) else None
    if rule is None:
        return {}
    allowed = {f.name for f in form_fields(rule)}
    errors, out = {}, {}
    for key, value in raw.items():
        if key in ("step", "date", "version"):
            continue
        if key not in allowed:
            errors[key] = f"“{rule.label}”没有此项"
        elif key in FREE_NAMES:
            if not blank(value):
                try:
                    out[key] = text(value, TEXT_MAX)
                except ValueError as error:
                    errors[key] = str(error)
        elif key in PEOPLE:
            out[key] = _people(session, caller, value, key)
        elif not blank(value):
            out[key] = value
    if errors:
        raise FieldErrors(errors)
    return out


def _parse(session: Session, caller: Caller, raw) -> pipeline.Step:
    if not isinstance(raw, dict):
        raise ValidationFailed("发展步骤信息有误", {"data": "应为键值对象"})
    try:
        try:
            on = iso_date(raw.get("date"))
        except ValueError:
            on = date.today()  # parse_step says what is wrong with the date
        return pipeline.parse_step(raw.get("step"), raw.get("date"), _fields(session, caller, raw.get("step"), on, raw))
    except FieldErrors as error:
        raise _invalid(error) from None


def _read_version(raw) -> int | None:
    value = raw.get("version") if isinstance(raw, dict) else None
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise ValidationFailed("version 应为整数", {"version": "应为整数"})
    return int(value)


# --- one applicant's step -----------------------------------------------------------------------

def _usable(row) -> None:
    if row.deleted_at is not None:
        raise Conflict(f"入党申请人“{row.name}”已删除，不能办理发展步骤；请先找回")


def _approver(session: Session, caller: Caller, row, step: pipeline.Step) -> pipeline.Step:
    """党委审批: only the organization above the branch (the caller's scope must cover it);
    its 党组织类别 is the directory's, never typed."""
    above = parent_path(row.org_path)
    if not above:
        raise Refused("该党组织没有上级党组织，无法审批")
    caller.require(above, "上级党委的审批：只有支部的上级党委可以审批")
    parent = org_row(session, int(above.strip("/").split("/")[-1]))
    return pipeline.Step(step.name, step.on, {**step.fields, "approver_kind": parent.type if parent else ""})


def _judge(session: Session, caller: Caller, row, step: pipeline.Step, today: date):
    """(the step as it will be stored, the progress with it, the rows so far) or the refusal."""
    if step.name == "approval":
        step = _approver(session, caller, row, step)
    rows = step_rows(session, row.id)
    try:
        return step, pipeline.propose(person_of(session, row), history_of(rows), step, today), rows
    except pipeline.StepRefused as error:
        raise _refused(error) from None
    except FieldErrors as error:
        raise _invalid(error) from None


def update_progress(session: Session, caller: Caller, row, progress: pipeline.Progress, **values):
    """The applicant row in step with the rules (stage and the dates it was entered, next time
    limit), its version bumped;
    applicant_updated when its counted facts changed. The row after."""
    session.execute(update(applicants).where(applicants.c.id == row.id).values(
        stage=progress.stage, due_on=first_due(progress), activist_on=progress.entered.get("activist"),
        candidate_on=progress.entered.get("candidate"), joined_on=progress.joined_on,
        version=applicants.c.version + 1, updated_at=func.now(), **values))
    after = load_applicant(session, caller, row.id)
    before_facts, after_facts = applicant_facts(row), applicant_facts(after)
    if before_facts != after_facts:
        record_event(session, outbox, APPLICANT_UPDATED, after.id, after.version,
                     applicant_payload(after.id, before_facts, after_facts), caller)
    return after


def insert_step(session: Session, caller: Caller, applicant_id: int, step: pipeline.Step, batch_id=None,
                import_id=None) -> None:
    fields = {key: (value.isoformat() if isinstance(value, date) else value) for key, value in step.fields.items()}
    session.execute(development_steps.insert().values(
        applicant_id=applicant_id, step=step.name, on=step.on, fields=fields, batch_id=batch_id,
        import_id=import_id, actor=caller.user_id, actor_name=caller.username or ""))


def _accept(session: Session, caller: Caller, row, progress: pipeline.Progress) -> int:
    """党委审批: the 预备党员, joined on the 支部大会 date, with the applicant's facts."""
    taken = session.execute(select(members.c.id, members.c.status).where(
        members.c.id_number == row.id_number)).first()
    if taken is not None:
        where = "在册党员" if taken.status == status.ACTIVE else "历史党员"
        raise Conflict(f"公民身份号码 {row.id_number} 已登记为{where}，不能再接收为预备党员")
    member_id = session.execute(members.insert().values(
        org_id=row.org_id, org_path=row.org_path, name=row.name, name_initials=row.name_initials,
        name_sort=row.name_sort, id_number=row.id_number, sex=row.sex, birth_date=row.birth_date,
        ethnicity=row.ethnicity, category=status.PROBATIONARY, joined_on=progress.joined_on,
        education=row.education, occupation=row.occupation).returning(members.c.id)).scalar_one()
    member = load_member(session, member_id)
    record_event(session, outbox, MEMBER_CREATED, member.id, member.version,
                 change_payload(member.id, None, member_facts(member)), caller)
    record_member_audit(session, caller, member.id, "接收为预备党员", lines=[
        {"field": "姓名", "before": None, "after": member.name},
        {"field": "入党日期", "before": None, "after": progress.joined_on.isoformat() if progress.joined_on else None}])
    return member_id


def _write_step(session: Session, caller: Caller, row, step: pipeline.Step, progress: pipeline.Progress,
                batch_id=None):
    insert_step(session, caller, row.id, step, batch_id)
    extra = {"member_id": _accept(session, caller, row, progress)} if step.name == "approval" else {}
    after = update_progress(session, caller, row, progress, **extra)
    batch = [{"field": "批量办理", "before": None, "after": str(batch_id)}] if batch_id else []
    record_applicant_audit(session, caller, after, "办理发展步骤", row, after, step_lines(step) + batch)
    return after


def record_step(sessions: sessionmaker, caller: Caller, applicant_id, raw, today: date | None = None) -> dict:
    """POST /applicants/{id}/steps {step, date, version?, …fields} → the pipeline after it
    ({stage, steps, due, …}; `member_id` once accepted)."""
    today = _today(today)
    with sessions.begin() as session:
        row = load_applicant(session, caller, applicant_id, for_update=True)
        _usable(row)
        read = _read_version(raw)
        require_version(row.version, read, WHAT)
        step = _parse(session, caller, raw)
        if step.name in OUTCOMES:
            if row.member_id is None:
                raise Refused(f"尚未接收为预备党员，不能办理“{OUTCOMES[step.name]}”")
            member = load_member(session, row.member_id, for_update=True)
            _decide(session, caller, member, step.name, {**step.fields, "approved_on": step.on.isoformat()}, today)
            row = load_applicant(session, caller, row.id)
        else:
            step, progress, _ = _judge(session, caller, row, step, today)
            row = _write_step(session, caller, row, step, progress)
        return development_view(session, row, today)


def undo_step(sessions: sessionmaker, caller: Caller, applicant_id, raw, today: date | None = None) -> dict:
    """回退: the last step taken back with a reason (kept, marked undone); the pipeline after it."""
    today = _today(today)
    raw = raw if isinstance(raw, dict) else {}
    with sessions.begin() as session:
        row = load_applicant(session, caller, applicant_id, for_update=True)
        _usable(row)
        require_version(row.version, _read_version(raw), WHAT)
        rows = step_rows(session, row.id)
        try:
            _, reason, progress = pipeline.undo_last(person_of(session, row), history_of(rows), raw.get("reason"),
                                                     today)
        except pipeline.StepRefused as error:
            raise _refused(error) from None
        except FieldErrors as error:
            raise _invalid(error, "回退") from None
        last = next(r for r in reversed(rows) if r.undone_at is None)
        session.execute(update(development_steps).where(development_steps.c.id == last.id).values(
            undone_at=func.now(), undone_by=caller.username or caller.user_id, undo_reason=reason))
        after = update_progress(session, caller, row, progress)
        undone = step_lines(pipeline.Step(last.step, last.on, last.fields or {}))[:2]
        record_applicant_audit(session, caller, after, "回退发展步骤", row, after,
                               undone + [{"field": "回退原因", "before": None, "after": reason}])
        return development_view(session, after, today)


# --- a batch: a training class, a 支部大会 voting on several ------------------------------------

def record_batch(sessions: sessionmaker, caller: Caller, org: dict, raw, today: date | None = None) -> dict:
    """One step for several applicants of `org`'s subtree: {step, date, …common fields, items:
    [{applicant_id, …their own fields (votes)}]}. All or nothing: one refusal names each refused
    person and nothing is written."""
    today = _today(today)
    caller.require(org["path"], "该党组织")
    if not isinstance(raw, dict):
        raise ValidationFailed("批量办理信息有误", {"data": "应为键值对象"})
    items = raw.get("items")
    if not isinstance(items, list) or not items or len(items) > BATCH_MAX \
            or not all(isinstance(i, dict) and isinstance(i.get("applicant_id"), int) for i in items):
        raise ValidationFailed("请选择要办理的人员", {"items": f"应为1至{BATCH_MAX}人，每人须有 applicant_id"})
    ids = [item["applicant_id"] for item in items]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("同一人不能重复选择", {"items": "有重复的人员"})
    if raw.get("step") in OUTCOMES:
        raise ValidationFailed("转正、延长预备期、取消预备党员资格须逐人办理", {"step": "不能批量办理"})
    common = {key: value for key, value in raw.items() if key != "items"}
    batch_id = uuid.uuid4()
    with sessions.begin() as session:
        rows = {}
        for applicant_id in sorted(ids):  # locks in id order: two batches never wait on each other in a circle
            try:
                row = load_applicant(session, caller, applicant_id, for_update=True)
            except NotFound:
                raise ValidationFailed(f"入党申请人不存在（编号 {applicant_id}）",
                                       {"items": "有不存在的人员"}) from None
            if not row.org_path.startswith(org["path"]):
                raise ValidationFailed(f"“{row.name}”不在该党组织", {"items": "有不在该党组织的人员"})
            _usable(row)
            rows[applicant_id] = row
        judged, refused, errors = [], [], {}
        for item in items:
            row = rows[item["applicant_id"]]
            try:
                step = _parse(session, caller, {**common, **{k: v for k, v in item.items() if k != "applicant_id"}})
                judged.append((row, *_judge(session, caller, row, step, today)[:2]))
            except Refused as error:
                refused.append(f"{row.name}：{error.message}")
            except ValidationFailed as error:
                errors[row.name] = error.message
        if errors:
            raise ValidationFailed("；".join(f"{who}：{message}" for who, message in errors.items()),
                                   {"items": "；".join(errors)})
        if refused:
            raise Refused("；".join(refused))
        done = [_write_step(session, caller, row, step, progress, batch_id) for row, step, progress in judged]
        return {"batch_id": str(batch_id), "step": judged[0][1].name, "count": len(done),
                "items": [{"applicant_id": a.id, "name": a.name, "stage": a.stage, "member_id": a.member_id}
                          for a in done]}


# --- probation: 转正, 延长预备期, 取消预备党员资格 --------------------------------------------------

def _decide(session: Session, caller: Caller, member, outcome: str, fields: dict, today: date) -> None:
    """The outcome for the locked `member`, checked by the rules and by who may approve (the
    党委 above the member's branch), written with its member_updated (the facts the report
    counts: category and 转正日期, the extension, or the leave 取消预备党员资格) and, for a member
    developed here, the step of the development history."""
    if member.status != status.ACTIVE or member.category != status.PROBATIONARY:
        raise Conflict(f"“{member.name}”不是在册的预备党员，不能办理{OUTCOMES.get(outcome, '该事项')}")
    above = parent_path(member.org_path)
    if above:
        caller.require(above, "上级党委的审批：只有支部的上级党委可以审批")
    org = org_row(session, member.org_id)
    facts = pipeline.ProbationFacts(member.joined_on, member.probation_extended_months,
                                    probation_extensions(session, member.id))
    try:
        decision = pipeline.decide(facts, outcome, fields, today, org.type if org else "")
    except pipeline.StepRefused as error:
        raise _refused(error) from None
    except FieldErrors as error:
        raise _invalid(error, "预备党员转正") from None
    meeting_on, approved_on = iso_date(fields["meeting_on"]), iso_date(fields["approved_on"])
    months = int(str(fields["months"])) if outcome == pipeline.EXTEND else None
    before = facts_of(session, member)
    kept = {key: value for key, value in fields.items() if key not in ("meeting_on", "approved_on", "months")}
    session.execute(probation_decisions.insert().values(
        member_id=member.id, outcome=outcome, meeting_on=meeting_on, approved_on=approved_on, months=months,
        fields=kept, actor=caller.user_id, actor_name=caller.username or ""))
    if outcome == pipeline.CONFIRM:
        values = {"category": "01", "full_on": decision.full_on}
        changes = [{"field": "category", "label": "党员类别", "old": "02", "new": "01"},
                   {"field": "full_on", "label": "转正日期", "old": None, "new": decision.full_on.isoformat()}]
    elif outcome == pipeline.EXTEND:
        values = {"probation_extended_months": member.probation_extended_months + months,
                  "probation_extended_on": approved_on}
        changes = [{"field": "probation_extended_months", "label": "延长预备期（月）",
                    "old": member.probation_extended_months, "new": member.probation_extended_months + months}]
    else:
        reason = "取消预备党员资格" + (f"：{fields['note']}" if fields.get("note") else "")
        record_status_change(session, caller, member, status.LEFT, status.PROBATION_CANCELLED, decision.left_on,
                             reason)
        values = {"status": status.LEFT, "leave_kind": status.PROBATION_CANCELLED, "left_on": decision.left_on,
                  "leave_reason": reason}
        changes = []
    session.execute(update(members).where(members.c.id == member.id).values(
        **values, version=members.c.version + 1, updated_at=func.now()))
    after = load_member(session, member.id)
    record_event(session, outbox, MEMBER_UPDATED, after.id, after.version,
                 change_payload(after.id, before, facts_of(session, after)), caller)
    record_history(session, caller, member.id, after.version, "updated", changes)
    _follow_on_applicant(session, caller, member.id, outcome, approved_on, fields, today)


def _follow_on_applicant(session: Session, caller: Caller, member_id: int, outcome: str, approved_on: date,
                         fields: dict, today: date) -> None:
    """The outcome as a step of the development history of the applicant the member was."""
    row = session.execute(select(applicants).where(applicants.c.member_id == member_id).with_for_update()).first()
    if row is None:
        return
    step = pipeline.Step(outcome, approved_on, {k: v for k, v in fields.items() if k != "approved_on"})
    history = history_of(step_rows(session, row.id)) + [step]
    progress = pipeline.progress(person_of(session, row), history, today)
    insert_step(session, caller, row.id, step)
    update_progress(session, caller, row, progress)


def decide_probation(sessions: sessionmaker, caller: Caller, member_id, raw, today: date | None = None) -> dict:
    """POST /members/{id}/probation {outcome, meeting_on, approved_on, months?, votes?, note?}."""
    today = _today(today)
    if not isinstance(raw, dict):
        raise ValidationFailed("预备党员转正信息有误", {"data": "应为键值对象"})
    allowed = {"outcome", "meeting_on", "approved_on", "months", "entitled", "present", "written", "yes",
               "note", "actors", "version"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ValidationFailed("预备党员转正信息有误", {key: "没有此项" for key in unknown})
    with sessions.begin() as session:
        member = load_member(session, member_id, for_update=True)
        caller.require(member.org_path, "该党员")
        require_version(member.version, _read_version(raw), "该党员信息")
        fields = {key: value for key, value in raw.items() if key not in ("outcome", "version") and not blank(value)}
        for key in FREE_NAMES & set(fields):
            try:
                fields[key] = text(fields[key], TEXT_MAX)
            except ValueError as error:
                raise ValidationFailed(f"预备党员转正信息有误：{error}", {key: str(error)}) from None
        _decide(session, caller, member, raw.get("outcome"), fields, today)
        after = load_member(session, member.id)
        return {"member_id": after.id, "category": after.category, "status": after.status,
                "full_on": after.full_on.isoformat() if after.full_on else None,
                "left_on": after.left_on.isoformat() if after.left_on else None,
                "probation_extended_months": after.probation_extended_months, "version": after.version}
