"""数据迁移: the 组织奖惩采集表 — the organizations' 组织奖惩 (奖励 and 惩处) before PMIS, one record a row,
in the pattern of every collection sheet (services/shared/sheet_imports.py): a preview that reads and
judges every row (domain/sanction_import.py: the card's own validate_entry) and keeps the valid ones,
then a commit that writes each through the card's record writer (cards.add_entry: the history line, the
操作日志, org_updated with the organization's commendations for 表12 表彰). A record equal to one the
organization has is refused as imported before, so the same file twice writes nothing twice."""
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import PmisError, ValidationFailed
from services.shared.sheet_imports import (
    all_or_nothing_flag,
    finish_commit,
    import_view,
    load_import,
    plain_row,
    preview_rows,
    refuse_partial,
    save_preview,
    sheet_rows,
)

from .cards import add_entry
from .domain import sanction_import as rules
from .models import orgs, sanction_import_rows, sanction_imports, sanctions
from .store import load_org

ROW_KEYS = tuple(column.key for column in rules.SANCTION_IMPORT_COLUMNS)
MAX_ROWS = 20_000


def _recorded(session, org_ids) -> dict[int, list[dict]]:
    ids, found = sorted(set(org_ids)), defaultdict(list)
    for start in range(0, len(ids), 1000):
        for row in session.execute(select(sanctions).where(sanctions.c.org_id.in_(ids[start:start + 1000]))):
            found[row.org_id].append({key: getattr(row, key) for key in rules.KEYS})
    return found


def create_import(sessions: sessionmaker, caller: Caller, raw_rows) -> dict:
    """The preview of an uploaded 组织奖惩采集表: every row read and judged; the valid ones kept."""
    rows = sheet_rows(raw_rows, ROW_KEYS)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 条奖惩记录", {"file": "行数过多"})
    errors, valid = [], []
    with sessions.begin() as session:
        codes = sorted({str(r.get("org_code") or "").strip() for r in rows} - {""})
        by_code = {row.code: row for start in range(0, len(codes), 1000) for row in session.execute(
            select(orgs.c.id, orgs.c.code, orgs.c.name, orgs.c.path, orgs.c.status).where(
                orgs.c.code.in_(codes[start:start + 1000])))}
        recorded = _recorded(session, [org.id for org in by_code.values() if caller.covers(org.path)])
        earlier = defaultdict(list)
        for raw in rows:
            code = str(raw.get("org_code") or "").strip()
            org = by_code.get(code)
            view = {"name": org.name, "in_scope": caller.covers(org.path), "status": org.status} if org else None
            who = {"name": str(raw.get("name") or "").strip(), "org": org.name if view and view["in_scope"] else ""}

            def refuse(field: str, message: str, raw=raw, who=who) -> None:
                errors.append({"row": raw["row"], **who, "field": field, "message": message})

            if raw["sheet_problems"]:
                refuse(*next(iter(raw["sheet_problems"].items())))
                continue
            try:
                values = rules.read_row(raw)
            except rules.RowProblems as problems:
                for field, message in problems.fields.items():
                    refuse(field, message)
                continue
            problem = rules.judge(code, view, values, recorded.get(org.id, []) if org else [],
                                  earlier[org.id] if org else [])
            if problem:
                refuse(*problem)
                continue
            earlier[org.id].append((raw["row"], values))
            valid.append({"row": raw["row"], "org_id": org.id, "org_code": code, **who, "values": plain_row(values)})
        return save_preview(session, sanction_imports, sanction_import_rows, caller, len(rows), valid, errors)


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, sanction_imports, caller, import_id))


def commit_import(sessions: sessionmaker, caller: Caller, import_id, all_or_nothing=False) -> dict:
    """The preview's records, each organization's judged again (locked, in id order) and written through
    the card's record writer in a savepoint of its own: one refused now (revoked, out of scope, a record
    keyed since) has its rows listed and the others are written — or, with all_or_nothing, nothing."""
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    with sessions.begin() as session:
        record = load_import(session, sanction_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        by_org = defaultdict(list)
        for item in preview_rows(session, sanction_import_rows, record):
            by_org[item["org_id"]].append(item)
        late, written = [], 0
        for org_id in sorted(by_org):
            items = by_org[org_id]

            def refuse(item: dict, field: str, message: str) -> None:
                late.append({"row": item["row"], "name": item["name"], "org": item["org"], "field": field,
                             "message": message})

            pending = items
            try:
                with session.begin_nested():
                    row = load_org(session, org_id, lock=True)
                    view = {"name": row.name, "in_scope": caller.covers(row.path), "status": row.status}
                    recorded, earlier, good = _recorded(session, [row.id])[row.id], [], []
                    for item in items:
                        values = rules.read_row(item["values"])
                        problem = rules.judge(item["org_code"], view, values, recorded, earlier)
                        if problem:
                            refuse(item, problem[0], f"预览后已变化：{problem[1]}")
                            continue
                        earlier.append((item["row"], values))
                        good.append((item, values))
                    pending = [item for item, _ in good]
                    for _, values in good:
                        _, row = add_entry(session, caller, row, "sanction", values)
                    written += len(good)
            except PmisError as error:  # the savepoint is rolled back: none of the organization's rows is written
                for item in pending:
                    refuse(item, "org_code", f"未写入：{error.message}")
        return finish_commit(session, sanction_imports, record, written, late, all_or_nothing,
                             "预览后有党组织的奖惩记录已变化，按要求未写入任何数据")
