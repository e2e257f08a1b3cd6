"""发展党员 read paths: an applicant's pipeline (the 发展纪实), a member's development history and
probation decisions, the steps due or overdue in an organization's subtree (reminders), and the
工作督查 of histories that break the rules (imported ones: keyed steps are refused instead)."""
from datetime import date, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.paging import page_bounds
from services.shared.settings import SETTINGS

from .domain import development as pipeline
from .models import applicants, development_steps, probation_decisions
from .store import (
    applicant_view,
    decision_view,
    development_view,
    due_view,
    history_of,
    load_applicant,
    load_member,
    org_types,
    person_of,
    steps_by_applicant,
)

# The reminders list what is due within a month, and everything overdue: by default; an organization's
# own lead time is its 系统设置 (docs/SETTINGS.md).
DUE_WITHIN_DAYS = SETTINGS["development_due_days"].default
SUPERVISION_LIMIT_MAX = 500


def get_development(sessions: sessionmaker, caller: Caller, applicant_id, today: date | None = None) -> dict:
    with sessions() as session:
        row = load_applicant(session, caller, applicant_id)
        return development_view(session, row, today or date.today())


def member_development(sessions: sessionmaker, caller: Caller, member_id, today: date | None = None) -> dict:
    """The member card's 发展纪实: the development history of the applicant the member was (None
    for a member not developed in PMIS) and the probation decisions."""
    with sessions() as session:
        member = load_member(session, member_id)
        caller.require(member.org_path, "该党员")
        row = session.execute(select(applicants).where(applicants.c.member_id == member.id)).first()
        decisions = session.execute(select(probation_decisions).where(
            probation_decisions.c.member_id == member.id).order_by(probation_decisions.c.id)).all()
        return {"member_id": member.id,
                "development": development_view(session, row, today or date.today()) if row is not None else None,
                "decisions": [decision_view(d) for d in decisions],
                "probation_extended_months": member.probation_extended_months}


def due_list(sessions: sessionmaker, caller: Caller, org: dict, page=1, size=50, within=DUE_WITHIN_DAYS,
             today: date | None = None) -> dict:
    """Applicants of the subtree with a step due within `within` days or overdue, the most
    urgent first, each with the steps due (the applicant's `due_on` is the earliest limit,
    kept by every step; the list is computed again for the page shown)."""
    caller.require(org["path"], "该党组织")
    page, size = page_bounds(page, size)
    try:
        within = int(within)
    except (TypeError, ValueError):
        raise ValidationFailed("天数应为整数", {"within": "应为整数"}) from None
    if not 0 <= within <= 366:
        raise ValidationFailed("天数应在0到366之间", {"within": "应在0到366之间"})
    today = today or date.today()
    where = (applicants.c.org_path.startswith(org["path"], autoescape=True), applicants.c.deleted_at.is_(None),
             applicants.c.due_on.is_not(None), applicants.c.due_on <= today + timedelta(days=within))
    with sessions() as session:
        # Both counts in one pass over the subtree's part of the `applicants_due` index.
        total, overdue = session.execute(select(func.count(), func.count().filter(applicants.c.due_on < today))
                                         .select_from(applicants).where(*where)).one()
        rows = session.execute(select(applicants).where(*where).order_by(applicants.c.due_on, applicants.c.id)
                               .limit(size).offset((page - 1) * size)).all()
        # The page's steps and branch types in one read each (not two per applicant).
        steps = steps_by_applicant(session, [row.id for row in rows])
        types = org_types(session, [row.org_id for row in rows])
        items = []
        for row in rows:
            progress = pipeline.progress(person_of(session, row, types), history_of(steps[row.id]), today)
            due = [due_view(d) for d in progress.due
                   if d.due_on is not None and d.due_on <= today + timedelta(days=within)]
            items.append({**applicant_view(row), "due": due})
    return {"total": total, "overdue": overdue, "page": page, "size": size, "within": within, "items": items}


def supervision(sessions: sessionmaker, caller: Caller, org: dict, after_id=0, limit=200,
                today: date | None = None) -> dict:
    """工作督查: the applicants of the subtree whose recorded history breaks a rule (steps out of
    order, too early, an introducer not a full member, a vote short of the majority…), read a
    page of applicants with steps at a time (`after_id`: the last id read; `next_after_id` None
    at the end)."""
    caller.require(org["path"], "该党组织")
    try:
        after_id, limit = int(after_id or 0), min(int(limit), SUPERVISION_LIMIT_MAX)
    except (TypeError, ValueError):
        raise ValidationFailed("分页参数应为整数", {"after_id": "应为整数"}) from None
    if limit < 1:
        raise ValidationFailed("每页条数应为正整数", {"limit": "应为正整数"})
    today = today or date.today()
    has_steps = exists().where(development_steps.c.applicant_id == applicants.c.id)
    with sessions() as session:
        rows = session.execute(select(applicants).where(
            applicants.c.org_path.startswith(org["path"], autoescape=True), applicants.c.deleted_at.is_(None),
            applicants.c.id > after_id, has_steps).order_by(applicants.c.id).limit(limit)).all()
        steps = steps_by_applicant(session, [row.id for row in rows])
        types = org_types(session, [row.org_id for row in rows])
        items = []
        for row in rows:
            history = history_of(steps[row.id])
            found = pipeline.violations(person_of(session, row, types), history, today)
            if found:
                items.append({**applicant_view(row), "violations": [
                    {"step": v.step, "label": _label(v.step, v.on), "date": v.on.isoformat(), "message": v.message}
                    for v in found]})
    return {"items": items, "next_after_id": rows[-1].id if len(rows) == limit else None}


def _label(step: str, on: date) -> str:
    if step == "application":
        return "提出入党申请"
    rule = pipeline.rules_on(on).step(step)
    return rule.label if rule is not None else step
