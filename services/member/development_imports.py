"""导入发展纪实: development steps taken on paper, from the 发展纪实采集表, for applicants already
recorded (found by the ID number) — the applicants' import pattern: a preview that checks every
row (domain/development_import.read_row) and keeps the valid ones in its own tables, then a commit
that writes them, or nothing when asked.

Imported steps are not judged by the keyed-step rules (order, time limits, introducers, votes):
they are stored as they happened, marked with the import's id, and the 工作督查 list
(development_queries.supervision) reports what those rules would have refused. The applicant's
stage, stage dates and next time limit follow the imported steps (`update_progress`, with its
applicant_updated event for the statistics)."""
from collections import defaultdict
from datetime import date, datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict
from services.shared.member_sheet import DEVELOPMENT_IMPORT_COLUMNS
from services.shared.sheet_imports import (
    all_or_nothing_flag,
    import_view,
    load_import,
    preview_rows,
    refuse_partial,
    refused_rows,
    save_preview,
    sheet_rows,
)

from .development import insert_step, update_progress
from .domain import development as pipeline
from .domain.development_import import Known, filled_person, import_order, read_row
from .models import applicants, development_import_rows, development_imports, development_steps, members, org_directory
from .store import (
    history_of,
    load_applicant,
    parent_path,
    person_of,
    record_applicant_audit,
    step_lines,
    step_rows,
)

ROW_KEYS = tuple(column.key for column in DEVELOPMENT_IMPORT_COLUMNS)


def _known(session, caller: Caller, numbers: list[str]) -> dict[str, tuple]:
    """ID number → (Known, the applicant row) for the applicants in the caller's scope."""
    rows = session.execute(select(applicants).where(applicants.c.id_number.in_(numbers))).all()
    rows = [r for r in rows if caller.covers(r.org_path)]
    steps = defaultdict(list)
    if rows:
        for s in session.execute(select(development_steps.c.applicant_id, development_steps.c.step,
                                        development_steps.c.on).where(
                development_steps.c.applicant_id.in_([r.id for r in rows]), development_steps.c.undone_at.is_(None))):
            steps[s.applicant_id].append((s.step, s.on))
    return {r.id_number: (Known(r.id, r.name, r.stage, r.deleted_at is not None,
                                max((on for _, on in steps[r.id]), default=None), frozenset(steps[r.id])), r)
            for r in rows}


def _org_names(session, org_ids) -> dict[int, str]:
    return dict(session.execute(select(org_directory.c.id, org_directory.c.name).where(
        org_directory.c.id.in_(list(org_ids)))).all()) if org_ids else {}


def _roll(session, caller: Caller, names: set[str]) -> dict[str, list[dict]]:
    """Members of those names in the caller's scope (on the rolls or not), by name."""
    out = defaultdict(list)
    if names:
        for m in session.execute(select(members.c.id, members.c.name, members.c.org_path, members.c.category,
                                        members.c.status).where(
                members.c.name.in_(sorted(names)), members.c.org_path.startswith(caller.scope_path, autoescape=True))):
            out[m.name].append({"id": m.id, "org_path": m.org_path, "category": m.category, "status": m.status})
    return out


def create_import(sessions: sessionmaker, caller: Caller, raw_rows, today: date | None = None) -> dict:
    today = today or date.today()
    rows = sheet_rows(raw_rows, ROW_KEYS)
    numbers = sorted({str(r.get("id_number") or "").strip().upper() for r in rows} - {""})
    with sessions.begin() as session:
        known = _known(session, caller, numbers)
        orgs = _org_names(session, {row.org_id for _, row in known.values()})
        read, valid, errors, notes, seen = [], [], [], [], set()
        for raw in rows:
            found = known.get(str(raw.get("id_number") or "").strip().upper())
            step, problems = read_row(raw, found[0] if found else None, today)
            who = {"name": str(raw.get("name") or ""), "org": orgs.get(found[1].org_id, "") if found else ""}
            if step is not None and (found[0].applicant_id, step.name, step.on) in seen:
                problems = {"step": "与本表前面的行重复（同一人同一天的同一步骤）"}
            if problems:
                errors += [{"row": raw["row"], **who, "field": key, "message": message}
                           for key, message in problems.items()]
                continue
            seen.add((found[0].applicant_id, step.name, step.on))
            read.append((raw["row"], who, found[1], step))
        roll = _roll(session, caller, {p["name"] for *_, step in read for key in ("contacts", "introducers")
                                       for p in step.fields.get(key, ())})
        for row_no, who, applicant, step in read:
            fields = dict(step.fields)
            for key in ("contacts", "introducers"):
                if key in fields:
                    above = parent_path(applicant.org_path) or applicant.org_path
                    fields[key] = [filled_person(p["name"], [m for m in roll[p["name"]]
                                                             if m["org_path"].startswith(above)])
                                   for p in fields[key]]
                    notes += [{"row": row_no, **who, "field": "people",
                               "message": f"未在上级党委的党员名册中找到唯一的“{p['name']}”，工作督查将列为非正式党员"}
                              for p in fields[key] if "category" not in p]
            valid.append({"row": row_no, "applicant_id": applicant.id, "step": step.name, "date": step.on.isoformat(),
                          "fields": fields})
        preview = save_preview(session, development_imports, development_import_rows, caller, len(rows), valid,
                               errors)
        return {**preview, "notes": notes}


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, development_imports, caller, import_id))


def _still_valid(known: Known, row: dict) -> str | None:
    """The preview's row checked again against the applicant as it is now (a step keyed since)."""
    on = date.fromisoformat(row["date"])
    if known.deleted:
        return "该入党申请人已在预览后删除"
    if known.stage not in ("applicant", "activist", "candidate"):
        return "该入党申请人已在预览后接收为预备党员"
    if known.last_on is not None and on < known.last_on:
        return f"早于预览后记录的步骤（{known.last_on.isoformat()}）"
    if (row["step"], on) in known.recorded:
        return "该步骤已在预览后记录"
    return None


def commit_import(sessions: sessionmaker, caller: Caller, import_id, all_or_nothing=False,
                  today: date | None = None) -> dict:
    """The preview's valid rows, each applicant's steps in date order after the steps recorded, the
    applicant's stage following them; rows no longer valid are reported (or, with all_or_nothing,
    nothing is written)."""
    today = today or date.today()
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    with sessions.begin() as session:
        record = load_import(session, development_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        by_applicant = defaultdict(list)
        for row in preview_rows(session, development_import_rows, record):
            by_applicant[row["applicant_id"]].append(row)
        late, written = [], 0
        for applicant_id in sorted(by_applicant):  # locks in id order
            applicant = load_applicant(session, caller, applicant_id, for_update=True)
            known, _ = _known(session, caller, [applicant.id_number])[applicant.id_number]
            good = []
            for row in by_applicant[applicant_id]:
                problem = _still_valid(known, row)
                if problem:
                    late.append({"row": row["row"], "name": applicant.name, "org": "", "field": "date",
                                 "message": problem})
                else:
                    step = pipeline.Step(row["step"], date.fromisoformat(row["date"]), row["fields"])
                    good.append((step, row["row"]))
            if not good:
                continue
            for step, _ in sorted(good, key=lambda item: (import_order(item[0]), item[1])):
                insert_step(session, caller, applicant.id, step, import_id=record.id)
            written += len(good)
            progress = pipeline.progress(person_of(session, applicant), history_of(step_rows(session, applicant.id)),
                                         today)
            after = update_progress(session, caller, applicant, progress)
            record_applicant_audit(session, caller, after, "导入发展步骤", applicant, after, [
                *(line for step, _ in sorted(good, key=lambda item: (import_order(item[0]), item[1]))
                  for line in step_lines(step)[:2]),
                {"field": "导入批次", "before": None, "after": str(record.id)}])
        if late and all_or_nothing:
            raise Conflict("预览后有入党申请人的发展纪实已变化，按要求未写入任何数据", {"file": "存在变化"})
        session.execute(update(development_imports).where(development_imports.c.id == record.id).values(
            status="committed", written=written, committed_at=datetime.now(timezone.utc), errors=record.errors + late))
    return {"id": str(record.id), "written": written, "skipped_rows": refused_rows(record.errors + late),
            "errors": record.errors + late}
