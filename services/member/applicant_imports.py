"""入党申请人 import from the 入党申请人采集表: the member import's pattern (imports.py) — a preview
that checks every row (domain/import_rows.check_rows with the applicant's validator) and keeps
the valid ones in its own tables, then a commit that writes them with their applicant_created
events, or nothing when asked."""
from datetime import date

from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.member_sheet import APPLICANT_IMPORT_COLUMNS
from services.shared.sheet_imports import (
    import_view,
    load_import,
    save_preview,
    sheet_rows,
)

from .domain.applicants import applicant_facts, duplicate_message, validate_new_applicant
from .domain.import_rows import check_rows
from .events import APPLICANT_CREATED, applicant_payload
from .imports import commit_previewed
from .models import applicant_import_rows, applicant_imports, applicants
from .store import applicant_audit, opening_due, registered_as

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
    applied_on = date.fromisoformat(data["applied_on"])
    return {**{key: data.get(key) for key in VALUES}, "birth_date": date.fromisoformat(data["birth_date"]),
            "applied_on": applied_on, "due_on": opening_due(applied_on)}


def commit_import(sessions: sessionmaker, caller: Caller, current_org, import_id, all_or_nothing=False) -> dict:
    return commit_previewed(
        sessions, caller, current_org, import_id, all_or_nothing, imports=applicant_imports,
        import_rows=applicant_import_rows, table=applicants, who="入党申请人", registered=_registered,
        message=duplicate_message, values=_values,
        event=lambda a: (APPLICANT_CREATED, a.id, a.version, applicant_payload(a.id, None, applicant_facts(a))),
        entry=lambda a, org_names, lines: applicant_audit(caller, a, "导入入党申请人", after=a, lines=[
            {"field": "所在党支部", "before": None, "after": org_names.get(str(a.org_id))}, *lines]))
