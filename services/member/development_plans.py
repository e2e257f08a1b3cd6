"""发展计划 use cases: keep an organization's annual development plan, and report a year's plan
versus what happened in the organization's subtree (domain/development_plans.py has the rules).

A plan is one row per organization and year (`development_plans`), written with the version read
(optimistic locking: a stale version is 409). The counts of what happened read the applicants'
stage dates (kept by every step, 回退 and import), grouped by organization in one pass over the
subtree's applicants with a date in the year."""
from datetime import date

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, ValidationFailed
from services.shared.field_errors import FieldErrors
from services.shared.paths import path_ids
from services.shared.versions import require_version

from .domain import development as pipeline
from .domain import development_plans as plans_rules
from .models import applicants, development_plans, org_directory, outbox

WHAT = "该发展计划"


def _year(value, today: date) -> int:
    try:
        return plans_rules.parse_year(value, today)
    except FieldErrors as error:
        raise ValidationFailed(error.fields["year"], error.fields) from None


def _plan_view(row) -> dict | None:
    if row is None:
        return None
    return {"org_id": row.org_id, "year": row.year, **{key: getattr(row, key) for key, _ in plans_rules.PLANNED},
            "named": list(row.named or []), "note": row.note, "version": row.version, "updated_by": row.updated_by,
            "updated_at": row.updated_at.isoformat()}


def save_plan(sessions: sessionmaker, caller: Caller, org: dict, year, raw, today: date | None = None) -> dict:
    """PUT /orgs/{id}/development/plans/{year} {members, activists, candidates, named?, note?, version?}:
    the plan written (created, or changed with the version read). Named applicants must be of the
    organization's subtree and not deleted."""
    today = today or date.today()
    caller.require(org["path"], "该党组织")
    year = _year(year, today)
    try:
        plan = plans_rules.parse_plan(raw)
    except FieldErrors as error:
        raise ValidationFailed(f"发展计划有误：{error}", error.fields) from None
    if org.get("status") not in (None, "active"):
        raise Conflict(f"“{org.get('name', '')}”已撤销，不能制定发展计划")
    with sessions.begin() as session:
        if plan["named"]:
            found = {r.id: r for r in session.execute(select(
                applicants.c.id, applicants.c.org_path, applicants.c.deleted_at).where(
                applicants.c.id.in_(plan["named"]))).all()}
            bad = [str(i) for i in plan["named"] if i not in found or found[i].deleted_at is not None
                   or not found[i].org_path.startswith(org["path"])]
            if bad:
                raise ValidationFailed("列入计划的入党申请人须是本组织（含下级）未删除的入党申请人",
                                       {"named": "不存在或不在本组织：编号 " + "、".join(bad)})
        values = {**plan, "updated_by": caller.username or caller.user_id}
        inserted = session.execute(insert(development_plans).values(
            org_id=org["id"], org_path=org["path"], year=year, **values).on_conflict_do_nothing(
            constraint="development_plans_org_year").returning(development_plans.c.id)).first()
        before = None
        if inserted is None:
            row = before = session.execute(select(development_plans).where(
                development_plans.c.org_id == org["id"], development_plans.c.year == year).with_for_update()).one()
            require_version(row.version, raw.get("version"), WHAT)
            session.execute(update(development_plans).where(development_plans.c.id == row.id).values(
                **values, org_path=org["path"], version=development_plans.c.version + 1, updated_at=func.now()))
        row = session.execute(select(development_plans).where(
            development_plans.c.org_id == org["id"], development_plans.c.year == year)).one()
        audit.record(session, outbox, caller, org_path=org["path"], entity="development_plan",
                     entity_id=f"{org['id']}-{year}",
                     action="修改发展计划" if before is not None else "制定发展计划",
                     lines=[{"field": "党组织", "before": None, "after": org.get("name")},
                            {"field": "年度", "before": None, "after": str(year)}],
                     before=_audited(session, before), after=_audited(session, row), labels=PLAN_LABELS)
        return _plan_view(row)


PLAN_LABELS = {**dict(plans_rules.PLANNED), "named": "列入计划的入党申请人", "note": "备注"}


def _audited(session, row) -> dict | None:
    """A plan's values as the 操作日志 shows them: the named applicants by name."""
    if row is None:
        return None
    ids = list(row.named or [])
    names = dict(session.execute(select(applicants.c.id, applicants.c.name).where(applicants.c.id.in_(ids))).all()) \
        if ids else {}
    return {**{key: getattr(row, key) for key, _ in plans_rules.PLANNED}, "note": row.note,
            "named": "、".join(names.get(i, str(i)) for i in ids) or None}


def _actuals(session, root: str, year: int) -> dict:
    first, last = plans_rules.year_span(year)
    within = {name: and_(column >= first, column <= last) for name, column in (
        ("applied", applicants.c.applied_on), ("activists", applicants.c.activist_on),
        ("candidates", applicants.c.candidate_on), ("members", applicants.c.joined_on))}
    rows = session.execute(select(
        applicants.c.org_path, *(func.count().filter(condition).label(name) for name, condition in within.items()))
        .where(applicants.c.org_path.startswith(root, autoescape=True), applicants.c.deleted_at.is_(None),
               or_(*within.values()))
        .group_by(applicants.c.org_path)).all()
    return plans_rules.counts_of(rows)


def _named(session, plan: dict | None, year: int, rules) -> list[dict]:
    if not plan or not plan["named"]:
        return []
    rows = {r.id: r for r in session.execute(select(applicants).where(applicants.c.id.in_(plan["named"]))).all()}
    out = []
    for applicant_id in plan["named"]:
        row = rows.get(applicant_id)
        if row is None:
            continue
        stage_name = rules.stages.get(row.stage, row.stage)
        out.append({"applicant_id": row.id, "name": row.name, "stage": row.stage, "stage_name": stage_name,
                    "joined_on": row.joined_on.isoformat() if row.joined_on else None,
                    "developed": row.deleted_at is None and row.joined_on is not None and row.joined_on.year == year,
                    "outcome": plans_rules.named_outcome(year, stage_name, row.joined_on, row.deleted_at is not None)})
    return out


def plan_report(sessions: sessionmaker, caller: Caller, org: dict, year, today: date | None = None) -> dict:
    """GET /orgs/{id}/development/plans/{year}: the organization's own plan (and its named
    applicants' outcomes), each organization of the subtree with a plan or with counted applicants
    (plan and what happened), and the totals."""
    today = today or date.today()
    caller.require(org["path"], "该党组织")
    year = _year(year, today)
    root = org["path"]
    with sessions() as session:
        plans = {r.org_path: r for r in session.execute(select(development_plans).where(
            development_plans.c.org_path.startswith(root, autoescape=True), development_plans.c.year == year)).all()}
        actuals = _actuals(session, root, year)
        ids = {i for path in (*plans, *actuals) for i in path_ids(path)[-1:]} | {org["id"]}
        names = {r.path: r.name for r in session.execute(select(org_directory.c.path, org_directory.c.name).where(
            org_directory.c.id.in_(ids))).all()}
        names[root] = org.get("name") or names.get(root, "")
        plan_numbers = {path: {key: getattr(r, key) for key, _ in plans_rules.PLANNED} for path, r in plans.items()}
        rows, total = plans_rules.plan_vs_actual(root, names, plan_numbers, actuals)
        own = _plan_view(plans.get(root))
        named = _named(session, own, year, pipeline.rules_on(today))
    for row in rows:
        row["org_id"] = path_ids(row.pop("path"))[-1]
    return {"org_id": org["id"], "org_name": names[root], "year": year, "plan": own, "named": named,
            "rows": rows, "total": total,
            "planned": [{"key": k, "label": label} for k, label in plans_rules.PLANNED],
            "actual_labels": [{"key": k, "label": label} for k, label in plans_rules.ACTUAL]}
