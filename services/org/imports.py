"""Organization import from the 党组织采集表: a preview with every row's problems, then a
commit that creates the valid rows in sheet order (a parent before its children), each with
its org_created event and history line — or nothing, when asked."""
from datetime import date, datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict
from services.shared.org_sheet import UNIT_KEYS
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

from .domain.hierarchy import can_have_children
from .domain.import_rows import check_org_rows
from .domain.org_card import EXTRA_KEYS
from .models import import_rows, imports, orgs
from .store import insert_org

ROW_KEYS = ("name", "code", "type", "parent_code") + EXTRA_KEYS + tuple(UNIT_KEYS)


def _existing(session, codes) -> dict:
    """code → {"id", "path", "type", "status"} of the given codes that exist (any scope)."""
    wanted = sorted({str(code).strip() for code in codes if str(code or "").strip()})
    found = {}
    for start in range(0, len(wanted), 1000):
        for row in session.execute(select(orgs.c.id, orgs.c.code, orgs.c.path, orgs.c.type, orgs.c.status)
                                   .where(orgs.c.code.in_(wanted[start:start + 1000]))):
            found[row.code] = {"id": row.id, "path": row.path, "type": row.type, "status": row.status}
    return found


def create_import(sessions: sessionmaker, caller: Caller, raw_rows) -> dict:
    rows = sheet_rows(raw_rows, ROW_KEYS)
    with sessions.begin() as session:
        existing = _existing(session, [r.get("code") for r in rows] + [r.get("parent_code") for r in rows])
        by_code = {code: {**org, "in_scope": caller.covers(org["path"])} for code, org in existing.items()}
        checked = check_org_rows(rows, by_code)
        preview = save_preview(session, imports, import_rows, caller, len(rows), checked.valid, checked.errors)
        return {**preview, "notes": checked.notes}  # shown with the upload's preview


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, imports, caller, import_id))


def _card(data: dict) -> dict:
    values = {key: data.get(key) for key in ("name", "code", "type") + EXTRA_KEYS}
    if values.get("established_on"):
        values["established_on"] = date.fromisoformat(values["established_on"])
    return values


def commit_import(sessions: sessionmaker, caller: Caller, import_id, all_or_nothing=False) -> dict:
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    with sessions.begin() as session:
        record = load_import(session, imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        rows = preview_rows(session, import_rows, record)
        existing = _existing(session, [r["code"] for r in rows] + [r["parent_code"] for r in rows])
        created: dict = {}  # code → row created by this commit
        late = []
        for data in rows:
            problem = None
            if data["code"] in existing:
                problem = ("code", f"党组织代码“{data['code']}”已被使用")
            elif data["parent_code"] in created:
                parent = created[data["parent_code"]]
            elif data["parent_id"] is not None and data["parent_code"] in existing:
                parent = existing[data["parent_code"]]
                if parent["status"] != "active" or not caller.covers(parent["path"]) \
                        or not can_have_children(parent["type"]):
                    problem = ("parent_code", f"上级党组织已不能设立下级党组织：{data['parent_code']}")
            else:
                problem = ("parent_code", f"上级党组织未写入：{data['parent_code']}")
            if problem:
                late.append({"row": data["row"], "field": problem[0], "message": problem[1]})
                continue
            parent_row = parent if not isinstance(parent, dict) else \
                session.execute(select(orgs).where(orgs.c.id == parent["id"]).with_for_update()).first()
            created[data["code"]] = insert_org(session, caller, parent_row, _card(data), note="党组织采集表导入",
                                               units=[data["unit"]] if data.get("unit") else ())
        if late and all_or_nothing:
            raise Conflict("预览后有党组织代码或上级党组织发生变化，按要求未写入任何数据", {"file": "存在冲突"})
        session.execute(update(imports).where(imports.c.id == record.id).values(
            status="committed", written=len(created), committed_at=datetime.now(timezone.utc),
            errors=record.errors + late))
    return {"id": str(record.id), "written": len(created),
            "skipped_rows": refused_rows(record.errors + late), "errors": record.errors + late}
