"""入党申请人 import from the 入党申请人采集表: the member import's pattern (imports.py) — a preview
that checks every row (domain/import_rows.check_rows with the applicant's validator) and keeps
the valid ones in its own tables, then a commit that writes them with their applicant_created
events, or nothing when asked."""
from datetime import date, datetime, timezone

from sqlalchemy import any_, select, update
from sqlalchemy.orm import sessionmaker

from services.shared.bulk import copy_rows, next_ids
from services.shared.context import Caller
from services.shared.errors import Conflict
from services.shared.member_sheet import APPLICANT_IMPORT_COLUMNS
from services.shared.messaging.outbox import record_events
from services.shared.sheet_imports import (
    CHUNK,
    all_or_nothing_flag,
    import_view,
    load_import,
    preview_rows,
    refuse_partial,
    save_preview,
    sheet_rows,
)

from .domain.applicants import applicant_facts, duplicate_message, validate_new_applicant
from .domain.import_rows import check_rows
from .events import APPLICANT_CREATED, applicant_payload
from .imports import current_targets
from .models import applicant_import_rows, applicant_imports, applicants, outbox
from .store import registered_as

ROW_KEYS = tuple(column.key for column in APPLICANT_IMPORT_COLUMNS)
VALUES = ("org_id", "org_path", "name", "name_initials", "name_sort", "id_number", "sex", "ethnicity", "education",
          "occupation")


def _registered(session, rows: list[dict]) -> dict[str, str]:
    return registered_as(session, sorted({str(r.get("id_number") or "").strip().upper() for r in rows} - {""}))


def create_import(sessions: sessionmaker, caller: Caller, orgs_by_code, raw_rows) -> dict:
    rows = sheet_rows(raw_rows, ROW_KEYS)
    orgs = orgs_by_code(sorted({str(r.get("org_code") or "").strip() for r in rows} - {""}))
    with sessions.begin() as session:
        checked = check_rows(rows, orgs, _registered(session, rows), validate=validate_new_applicant,
                             registered_message=duplicate_message, who="入党申请人")
        preview = save_preview(session, applicant_imports, applicant_import_rows, caller, len(rows), checked.valid,
                               checked.errors)
        return {**preview, "notes": checked.notes}


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, applicant_imports, caller, import_id))


def _values(data: dict) -> dict:
    return {**{key: data.get(key) for key in VALUES}, "birth_date": date.fromisoformat(data["birth_date"]),
            "applied_on": date.fromisoformat(data["applied_on"])}


def commit_import(sessions: sessionmaker, caller: Caller, current_org, import_id, all_or_nothing=False) -> dict:
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    with sessions.begin() as session:
        record = load_import(session, applicant_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        rows = preview_rows(session, applicant_import_rows, record)
        targets = current_targets(rows, current_org, "入党申请人")
        rows = [{**r, "org_path": targets[int(r["org_id"])]["path"]} for r in rows]
        registered = _registered(session, rows)  # registered since the preview
        late = [{"row": r["row"], "field": "id_number", "message": duplicate_message(r["id_number"],
                                                                                    registered[r["id_number"]])}
                for r in rows if r["id_number"] in registered]
        if late and all_or_nothing:
            raise Conflict("预览后有公民身份号码已被登记，按要求未写入任何数据", {"file": "存在重复"})
        rows = [r for r in rows if r["id_number"] not in registered]
        ids = next_ids(session, applicants, len(rows))
        copy_rows(session, applicants, [{"id": applicant_id, **_values(r)} for applicant_id, r in zip(ids, rows)])
        for start in range(0, len(ids), CHUNK):
            written = session.execute(select(applicants).where(applicants.c.id == any_(ids[start:start + CHUNK]))).all()
            record_events(session, outbox, [(APPLICANT_CREATED, a.id, a.version,
                                             applicant_payload(a.id, None, applicant_facts(a))) for a in written],
                          caller)
        session.execute(update(applicant_imports).where(applicant_imports.c.id == record.id).values(
            status="committed", written=len(rows), committed_at=datetime.now(timezone.utc),
            errors=record.errors + late))
    return {"id": str(record.id), "written": len(rows), "skipped_rows": len({e["row"] for e in record.errors + late}),
            "errors": record.errors + late}
