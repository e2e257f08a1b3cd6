"""Member import: a preview that checks every row and keeps the valid ones, then a commit
that writes them (with their member_created events) — or nothing, when asked."""
from datetime import date, datetime, timezone

from sqlalchemy import any_, select, update
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.bulk import copy_rows, next_ids
from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound
from services.shared.messaging.outbox import record_events
from services.shared.sheet_imports import (
    CHUNK,
    all_or_nothing_flag,
    import_view,
    load_import,
    preview_rows,
    refuse_partial,
    refused_rows,
    save_preview,
    sheet_rows,
)

from .domain.history import BASIC_LABELS, BASIC_TABLES
from .domain.import_rows import check_rows
from .domain.member_fields import EXTRA_FIELDS, OPTIONAL_DATES
from .domain.names import sort_key
from .events import MEMBER_CREATED, change_payload, member_facts
from .models import import_rows, imports, members, outbox
from .org_holds import open_org

ROW_KEYS = ("name", "id_number", "ethnicity", "category", "joined_on", "org_code", *EXTRA_FIELDS)


def _registered(session, rows: list[dict]) -> set[str]:
    candidates = sorted({str(r.get("id_number") or "").strip().upper() for r in rows} - {""})
    found = set()
    for start in range(0, len(candidates), CHUNK):
        found.update(session.execute(select(members.c.id_number)
                                     .where(members.c.id_number.in_(candidates[start:start + CHUNK]))).scalars())
    return found


def create_import(sessions: sessionmaker, caller: Caller, orgs_by_code, raw_rows) -> dict:
    """`orgs_by_code(codes)` reads the organization directory, marking codes outside the caller's scope."""
    rows = sheet_rows(raw_rows, ROW_KEYS)
    orgs = orgs_by_code(sorted({str(r.get("org_code") or "").strip() for r in rows} - {""}))
    with sessions.begin() as session:
        checked = check_rows(rows, orgs, _registered(session, rows))
        preview = save_preview(session, imports, import_rows, caller, len(rows), checked.valid, checked.errors)
        return {**preview, "notes": checked.notes}  # shown with the upload's preview


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, imports, caller, import_id))


def _day(value):
    return date.fromisoformat(value) if value else None


def _member_values(data: dict) -> dict:
    return {"org_id": data["org_id"], "org_path": data["org_path"], "name": data["name"],
            "name_initials": data["name_initials"], "name_sort": sort_key(data["name"]),
            "id_number": data["id_number"], "sex": data["sex"], "birth_date": date.fromisoformat(data["birth_date"]),
            "ethnicity": data["ethnicity"], "category": data["category"],
            "joined_on": date.fromisoformat(data["joined_on"]),
            # The optional basic fields (absent from previews stored before they existed).
            **{key: _day(data.get(key)) if key in OPTIONAL_DATES else data.get(key) for key in EXTRA_FIELDS}}


def current_targets(rows: list[dict], current_org, who: str = "党员") -> dict[int, dict]:
    """Every organization the rows go into, looked up again: the preview may be older than an
    organization's revocation, deletion or move. Refuses the commit if one of them may no longer
    receive members (or applicants: `who`); the commit's transaction then reads each again under
    its rolls lock, which also refuses one being revoked at this moment (org_holds.open_org)."""
    targets, gone = {}, []
    for org_id in sorted({int(r["org_id"]) for r in rows}):
        try:
            org = current_org(org_id)  # Forbidden if it has left the caller's scope
        except NotFound:
            gone.append(f"（编号 {org_id}）已删除")
            continue
        if org.get("status", "active") != "active":
            gone.append(f"“{org['name']}”已撤销")
        targets[org_id] = org
    if gone:
        raise Conflict(f"预览后党组织{'、'.join(gone)}，不能导入{who}，未写入任何数据；请重新上传预览",
                       {"org_code": "党组织已撤销或删除"})
    return targets


def commit_import(sessions: sessionmaker, caller: Caller, current_org, import_id, all_or_nothing=False) -> dict:
    """`current_org(org_id)` answers an organization from the directory (and checks the caller's
    scope), as for a single new member."""
    return commit_previewed(
        sessions, caller, current_org, import_id, all_or_nothing, imports=imports, import_rows=import_rows,
        table=members, who="党员", registered=lambda session, rows: dict.fromkeys(_registered(session, rows)),
        message=lambda number, where: f"公民身份号码 {number} 已登记为党员", values=_member_values,
        event=lambda m: (MEMBER_CREATED, m.id, m.version, change_payload(m.id, None, member_facts(m))),
        entry=lambda m, org_names, lines: audit.event(
            outbox, caller, org_path=m.org_path, entity="member", entity_id=m.id, action="导入党员", lines=lines,
            before=None, after=m._mapping, labels={**BASIC_LABELS, "org_id": "所在党组织"},
            tables={**BASIC_TABLES, "org_id": org_names}))


def commit_previewed(sessions: sessionmaker, caller: Caller, current_org, import_id, all_or_nothing, *, imports,
                     import_rows, table, who: str, registered, message, values, event, entry) -> dict:
    """The commit of a preview (members', or applicants': applicant_imports.py): the valid rows
    kept by the preview, into the organizations as they are now, less the ID numbers registered
    since (`registered(session, rows)` → {number: where}, worded by `message(number, where)`) —
    or nothing, with `all_or_nothing`. Each row is `values(row)` in `table`, and `event(row read
    back)` goes to the outbox in the same transaction, with its 操作日志 entry `entry(row, {org id:
    name}, lines)` (audit.event; `lines` name the import)."""
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    with sessions.begin() as session:
        record = load_import(session, imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        rows = preview_rows(session, import_rows, record)
        targets = {org_id: open_org(session, org, who, Conflict, "，未写入任何数据；请重新上传预览")
                   for org_id, org in current_targets(rows, current_org, who).items()}
        # The path as it is now: an organization moved since the preview has a new one.
        rows = [{**r, "org_path": targets[int(r["org_id"])]["path"]} for r in rows]
        since = registered(session, rows)  # registered since the preview
        late = [{"row": r["row"], "field": "id_number", "message": message(r["id_number"], since[r["id_number"]])}
                for r in rows if r["id_number"] in since]
        if late and all_or_nothing:
            raise Conflict("预览后有公民身份号码已被登记，按要求未写入任何数据", {"file": "存在重复"})
        rows = [r for r in rows if r["id_number"] not in since]
        # COPY with ids drawn first, then the rows read back for their events (defaults included).
        names = {str(org_id): org["name"] for org_id, org in targets.items()}
        batch = [{"field": "导入批次", "before": None, "after": str(record.id)}]
        ids = next_ids(session, table, len(rows))
        copy_rows(session, table, [{"id": row_id, **values(r)} for row_id, r in zip(ids, rows)])
        for start in range(0, len(ids), CHUNK):
            written = session.execute(select(table).where(table.c.id == any_(ids[start:start + CHUNK]))).all()
            record_events(session, outbox, [event(row) for row in written]
                          + [entry(row, names, batch) for row in written], caller)
        session.execute(update(imports).where(imports.c.id == record.id).values(
            status="committed", written=len(rows), committed_at=datetime.now(timezone.utc),
            errors=record.errors + late))
    return {"id": str(record.id), "written": len(rows), "skipped_rows": refused_rows(record.errors + late),
            "errors": record.errors + late}
