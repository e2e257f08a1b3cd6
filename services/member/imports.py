"""Member import: a preview that checks every row and keeps the valid ones, then a commit
that writes them (with their member_created events) — or nothing, when asked."""
import uuid
from datetime import date, datetime, timezone

from sqlalchemy import any_, select, update
from sqlalchemy.orm import sessionmaker

from services.shared.bulk import copy_rows, next_ids
from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed
from services.shared.ids import uuid_or_not_found
from services.shared.outbox import record_events

from .domain.import_rows import check_rows
from .domain.member_fields import EXTRA_FIELDS, OPTIONAL_DATES
from .events import MEMBER_CREATED, change_payload, member_facts
from .models import import_rows, imports, members, outbox

MAX_ROWS = 200_000
CHUNK = 1000
ROW_KEYS = ("name", "id_number", "ethnicity", "category", "joined_on", "org_code", *EXTRA_FIELDS)


def _rows(raw) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed("导入文件中没有数据行", {"file": "没有数据行"})
    if len(raw) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行", {"file": "行数过多"})
    rows = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("row"), int):
            raise ValidationFailed("导入数据格式有误", {"rows": "每行应包含行号"})
        rows.append({"row": item["row"], "sheet_problems": item.get("sheet_problems") or {},
                     **{key: item.get(key) for key in ROW_KEYS}})
    return rows


def _registered(session, rows: list[dict]) -> set[str]:
    candidates = sorted({str(r.get("id_number") or "").strip().upper() for r in rows} - {""})
    found = set()
    for start in range(0, len(candidates), CHUNK):
        found.update(session.execute(select(members.c.id_number)
                                     .where(members.c.id_number.in_(candidates[start:start + CHUNK]))).scalars())
    return found


def _plain(row: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in row.items()}


def create_import(sessions: sessionmaker, caller: Caller, orgs_by_code, raw_rows) -> dict:
    """`orgs_by_code(codes)` asks the org service, which marks codes outside the caller's scope."""
    rows = _rows(raw_rows)
    orgs = orgs_by_code(sorted({str(r.get("org_code") or "").strip() for r in rows} - {""}))
    import_id = uuid.uuid4()
    with sessions.begin() as session:
        checked = check_rows(rows, orgs, _registered(session, rows))
        session.execute(imports.insert().values(
            id=import_id, account=caller.user_id, scope_path=caller.scope_path, total_rows=len(rows),
            valid_rows=len(checked.valid), errors=checked.errors))
        copy_rows(session, import_rows, [{"import_id": import_id, "row_no": row["row"], "data": _plain(row)}
                                         for row in checked.valid])
    return {"id": str(import_id), "rows": len(rows), "valid": len(checked.valid), "errors": checked.errors}


def _load(session, caller: Caller, import_id):
    import_id = uuid_or_not_found(import_id, "导入记录不存在")
    record = session.execute(select(imports).where(imports.c.id == import_id).with_for_update()).first()
    if record is None:
        raise NotFound("导入记录不存在")
    caller.require(record.scope_path, "该导入")
    return record


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        record = _load(session, caller, import_id)
    return {"id": str(record.id), "status": record.status, "rows": record.total_rows, "valid": record.valid_rows,
            "errors": record.errors, "written": record.written}


def _day(value):
    return date.fromisoformat(value) if value else None


def _member_values(data: dict) -> dict:
    return {"org_id": data["org_id"], "org_path": data["org_path"], "name": data["name"],
            "name_initials": data["name_initials"],
            "id_number": data["id_number"], "sex": data["sex"], "birth_date": date.fromisoformat(data["birth_date"]),
            "ethnicity": data["ethnicity"], "category": data["category"],
            "joined_on": date.fromisoformat(data["joined_on"]),
            # The optional basic fields (absent from previews stored before they existed).
            **{key: _day(data.get(key)) if key in OPTIONAL_DATES else data.get(key) for key in EXTRA_FIELDS}}


def commit_import(sessions: sessionmaker, caller: Caller, import_id, all_or_nothing=False) -> dict:
    if not isinstance(all_or_nothing, bool):
        raise ValidationFailed("all_or_nothing 应为 true 或 false", {"all_or_nothing": "应为布尔值"})
    with sessions.begin() as session:
        record = _load(session, caller, import_id)
        if record.status != "previewed":
            raise Conflict("该导入已提交，不能重复提交")
        if all_or_nothing and record.errors:
            bad_rows = len({e["row"] for e in record.errors})
            raise ValidationFailed(f"导入文件中有 {bad_rows} 行有误，按要求未写入任何数据", {"file": "存在错误行"})
        rows = [r.data for r in session.execute(select(import_rows.c.data).where(import_rows.c.import_id == record.id)
                                                .order_by(import_rows.c.row_no))]
        registered = _registered(session, rows)  # registered since the preview
        late = [{"row": r["row"], "field": "id_number", "message": f"公民身份号码 {r['id_number']} 已登记为党员"}
                for r in rows if r["id_number"] in registered]
        if late and all_or_nothing:
            raise Conflict("预览后有公民身份号码已被登记，按要求未写入任何数据", {"file": "存在重复"})
        rows = [r for r in rows if r["id_number"] not in registered]
        # COPY with ids drawn first, then the rows read back for their events (defaults included).
        ids = next_ids(session, members, len(rows))
        copy_rows(session, members, [{"id": member_id, **_member_values(r)} for member_id, r in zip(ids, rows)])
        for start in range(0, len(ids), CHUNK):
            written = session.execute(select(members).where(members.c.id == any_(ids[start:start + CHUNK]))).all()
            record_events(session, outbox, [(MEMBER_CREATED, m.id, m.version,
                                             change_payload(m.id, None, member_facts(m))) for m in written], caller)
        session.execute(update(imports).where(imports.c.id == record.id).values(
            status="committed", written=len(rows), committed_at=datetime.now(timezone.utc),
            errors=record.errors + late))
    return {"id": str(record.id), "written": len(rows), "skipped_rows": len({e["row"] for e in record.errors + late}),
            "errors": record.errors + late}
