"""民主评议情况: a branch's record of a year's 民主评议党员 (MANUALS.md §5.2, RULES.md §6) and the subtree's
list — the selected organization and its next level with their status, as the 2017 system's
支部民主评议管理 shows them.

The record keeps the dates and a note; the counts (应参评, 实参评, per grade) are the members' grades in
their 民主评议 info set, asked of the member service (`evaluation_roll`, `evaluation_counts`: org →
member, never back; the member schema is never read). The year's 民主评议党员 meetings of the branch are
linked from the record (those held from the year's 1 January to the next 30 June, the dates' window),
and the record from those meetings' pages."""
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import sessionmaker

from services.shared import versions
from services.shared.codes import ORG_TYPES
from services.shared.context import Caller
from services.shared.errors import Refused, ValidationFailed, validated

from .domain.evaluations import (
    STATUS_NAMES,
    closing_refusal,
    date_window,
    excellent_over,
    grade_lines,
    record_status,
    roll_up_status,
    validate_record,
    warnings,
)
from .domain.orglife_rules import rules_for
from .meeting_queries import year_of
from .models import evaluation_records, meetings, orgs
from .store import load_org, log_change, require_active

EVALUATION_MEETING = "24"  # MEETING_KINDS: 民主评议党员
WHAT = "该民主评议情况"
FIELD_LABELS = {"started_on": "开展日期", "ended_on": "结束日期", "note": "备注"}


def _year(value, default: int | None = None) -> int:
    year = year_of(value, default)
    if year > date.today().year:
        raise ValidationFailed("民主评议年度不能晚于今年", {"year": "不能晚于今年"})
    return year


def _require_branch(org, year: int) -> None:
    applies = rules_for(year).applies_to
    if org.type not in applies:
        names = "、".join(ORG_TYPES.name(code) for code in sorted(applies))
        raise ValidationFailed(f"民主评议情况由党支部填写：“{org.name}”是{ORG_TYPES.name(org.type)}，"
                               f"请在下级{names}中填写（上级可查看下级的评议情况列表）", {"org_id": f"应为{names}"})


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _record_view(row) -> dict | None:
    if row is None:
        return None
    return {"started_on": _plain(row.started_on), "ended_on": _plain(row.ended_on), "note": row.note,
            "version": row.version, "updated_by_name": row.updated_by_name, "updated_at": row.updated_at.isoformat()}


def _counts_view(counts: dict, year: int) -> dict:
    return {"expected": counts["expected"], "participated": counts["participated"], "grades": grade_lines(counts),
            "excellent_limit": counts["participated"] // 3, "excellent_over": excellent_over(counts),
            "warnings": warnings(counts, year)}


def get_evaluation(sessions: sessionmaker, caller: Caller, org_id, year, roll) -> dict:
    """A branch's record of the year with its counts, its members (each with their grade) and the
    year's 民主评议党员 meetings; `roll` is the member service's `evaluation_roll`."""
    year = _year(year, date.today().year)
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        _require_branch(org, year)
        first, last = date_window(year)
        row = session.execute(select(evaluation_records).where(
            evaluation_records.c.org_id == org.id, evaluation_records.c.year == year)).first()
        held = session.execute(
            select(meetings.c.id, meetings.c.held_at, meetings.c.topic)
            .where(meetings.c.org_id == org.id, meetings.c.kind == EVALUATION_MEETING,
                   meetings.c.held_at >= datetime.combine(first, time()),
                   meetings.c.held_at < datetime.combine(last + timedelta(days=1), time()),
                   meetings.c.voided_at.is_(None)).order_by(meetings.c.held_at)).all()
    counts = roll(org.id, year)
    record = _record_view(row)
    status = record_status(record)
    return {"org_id": org.id, "org_name": org.name, "year": year, "on": counts["on"], "record": record,
            "status": status, "status_name": STATUS_NAMES[status], **_counts_view(counts, year),
            "members": counts["items"], "capped": counts["capped"],
            "meetings": [{"id": m.id, "held_at": m.held_at.isoformat(timespec="minutes"), "topic": m.topic}
                         for m in held]}


def save_evaluation(sessions: sessionmaker, caller: Caller, org_id, raw, roll) -> dict:
    """Keep the branch's record of `{year, started_on, ended_on?, note?, version?}` (the version read;
    none or 0 for a new record). Closing it (结束日期) is refused while no member has a grade of the
    year or 优秀 exceeds one third (domain/evaluations.closing_refusal)."""
    raw = raw if isinstance(raw, dict) else {}
    year = _year(raw.get("year"))
    values = validated(lambda data: validate_record(data, year, date.today()), raw, "民主评议情况")
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        _require_branch(org, year)
        require_active(org, "填写民主评议情况")
    if values["ended_on"] is not None:
        refusal = closing_refusal(values, roll(org.id, year))
        if refusal:
            raise Refused(refusal, {"ended_on": refusal})
    with sessions.begin() as session:
        before = session.execute(select(evaluation_records).where(
            evaluation_records.c.org_id == org.id, evaluation_records.c.year == year).with_for_update()).first()
        versions.require_version(before.version if before else 0, raw.get("version"), WHAT)
        stamp = {"updated_by_name": caller.username or caller.user_id or "", "updated_at": datetime.now(timezone.utc)}
        statement = insert(evaluation_records).values(org_id=org.id, year=year, version=1, **values, **stamp)
        version = session.execute(statement.on_conflict_do_update(
            index_elements=[evaluation_records.c.org_id, evaluation_records.c.year],
            set_={**values, **stamp, "version": evaluation_records.c.version + 1})
            .returning(evaluation_records.c.version)).scalar_one()
        changes = [{"field": key, "label": label, "old": _plain(getattr(before, key)) if before else None,
                    "new": _plain(values[key])}
                   for key, label in FIELD_LABELS.items()
                   if (getattr(before, key) if before else None) != values[key]]
        log_change(session, caller, org.id, "evaluation", changes, f"{year}年度民主评议情况")
    status = record_status(values)
    return {"org_id": org.id, "year": year, "version": version, "status": status, "status_name": STATUS_NAMES[status]}


def evaluation_overview(sessions: sessionmaker, caller: Caller, org_id, year, counts) -> dict:
    """The selected organization (its whole subtree) and each organization of its next level: how many
    branches, how many have a record of the year and how many closed it, the status, and the members'
    counts; `counts` is the member service's `evaluation_counts`."""
    year = _year(year, date.today().year)
    applies = sorted(rules_for(year).applies_to)
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        children = session.execute(select(orgs.c.id, orgs.c.name, orgs.c.type).where(
            orgs.c.parent_id == org.id, orgs.c.status == "active").order_by(orgs.c.sort_order, orgs.c.id)).all()
        segment = func.split_part(func.substr(orgs.c.path, len(org.path) + 1), "/", 1)
        rows = session.execute(
            select(segment.label("segment"), func.count(orgs.c.id), func.count(evaluation_records.c.org_id),
                   func.count(evaluation_records.c.ended_on))
            .select_from(orgs.outerjoin(evaluation_records, (evaluation_records.c.org_id == orgs.c.id)
                                        & (evaluation_records.c.year == year)))
            .where(orgs.c.path.startswith(org.path, autoescape=True), orgs.c.status == "active",
                   orgs.c.type.in_(applies))
            .group_by("segment")).all()  # by label: the expression's bound values would differ
    figures = counts(org.id, year)
    branches = {segment: (n, recorded, done) for segment, n, recorded, done in rows}

    def line(org_id, name, type_code, level, held, tally) -> dict:
        n, recorded, done = held
        status = roll_up_status(n, recorded, done)
        return {"org_id": org_id, "name": name, "type": type_code, "type_name": ORG_TYPES.name(type_code),
                "level": level, "branches": n, "recorded": recorded, "done": done, "status": status,
                "status_name": STATUS_NAMES[status] if status else "—", **_counts_view(tally, year)}

    total = tuple(sum(b[i] for b in branches.values()) for i in range(3))
    empty = {"expected": 0, "participated": 0, "grades": {}}
    items = [line(org.id, org.name, org.type, "self", total, figures["total"])]
    items += [line(c.id, c.name, c.type, "child", branches.get(str(c.id), (0, 0, 0)),
                   figures["children"].get(str(c.id), empty)) for c in children]
    return {"org_id": org.id, "org_name": org.name, "year": year, "on": figures["on"],
            "branch": org.type in applies, "items": items}
