"""数据迁移: the 流入党员采集表 — members of other deployments (another province, a system outside PMIS)
registered as 流入 at the province's organizations when it moves to PMIS, one 流入登记 a row, in the
pattern of every collection-sheet import (services/shared/sheet_imports.py): a preview that reads and
judges every row (domain/inflow_import.py) and keeps the valid ones, then a commit that writes each
through 流入登记's own writer (mobility_commands.write_inflow: the 操作日志 entry, inflow_opened for
the statistics and the dues service's inflow ledger) and, for an inflow that has ended since, through
登记离开's (close_inflow).

The ID numbers are asked of the member service once per preview and once per commit
(members_by_id_numbers, which answers for the caller's scope): a member of the caller's own scope is
not 流入 from outside and is refused. An inflow of that ID number at that organization with the
row's 流入日期 is refused as imported before, so the same file twice writes nothing twice."""
from collections import defaultdict
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import PmisError, ValidationFailed
from services.shared.mobility_sheet import INFLOW_IMPORT_COLUMNS
from services.shared.org_directory import OrgDirectory
from services.shared.sheet_imports import (
    all_or_nothing_flag,
    finish_commit,
    import_view,
    load_import,
    preview_rows,
    refuse_partial,
    save_preview,
    sheet_rows,
)

from . import mobility_store as store
from .domain import inflow_import as rules
from .mobility_commands import close_inflow, write_inflow
from .models import inflow_import_rows, inflow_imports, inflows

ROW_KEYS = tuple(column.key for column in INFLOW_IMPORT_COLUMNS)
MAX_ROWS = 20_000  # the ID numbers asked of the member service in one call
NOTE = "导入流入党员采集表"


def _code(value) -> str:
    return str(value or "").strip()


def _stints(session, pairs) -> dict[tuple[int, str], list[rules.Stint]]:
    """The recorded inflows from outside of each (organization id, ID number)."""
    pairs, found = sorted(set(pairs)), defaultdict(list)
    id_number = inflows.c.external["id_number"].astext
    for start in range(0, len(pairs), 1000):
        for row in session.execute(select(inflows.c.org_id, id_number.label("id_number"), inflows.c.from_date,
                                          inflows.c.ended_on).where(
                inflows.c.external.is_not(None), tuple_(inflows.c.org_id, id_number).in_(pairs[start:start + 1000]))):
            found[(row.org_id, row.id_number)].append(rules.Stint(row.from_date, row.ended_on))
    return found


def create_import(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, members_by_id_numbers, code_fallback,
                  raw_rows, today: date | None = None) -> dict:
    """The preview of an uploaded 流入党员采集表: every row read and judged; the valid ones kept."""
    today = today or date.today()
    rows = sheet_rows(raw_rows, ROW_KEYS)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行流入党员", {"file": "行数过多"})
    codes = orgs.by_codes(caller, [r.get("org_code") for r in rows], code_fallback)
    read, errors, valid = [], [], []
    for raw in rows:
        who = {"name": str(raw.get("name") or "").strip(), "id_number": str(raw.get("id_number") or "").strip().upper(),
               "org": codes.get(_code(raw.get("org_code")), {}).get("name", "")}

        def refuse(field: str, message: str, raw=raw, who=who) -> None:
            errors.append({"row": raw["row"], **who, "field": field, "message": message})

        if raw["sheet_problems"]:
            refuse(*next(iter(raw["sheet_problems"].items())))
            continue
        try:
            read.append((raw, who, rules.read_row(raw, today)))
        except rules.RowProblems as problems:
            for field, message in problems.fields.items():
                refuse(field, message)
    ours = members_by_id_numbers(sorted({data["external"]["id_number"] for _, _, data in read}))
    with sessions.begin() as session:
        stints = _stints(session, [(codes[_code(raw.get("org_code"))]["id"], data["external"]["id_number"])
                                   for raw, _, data in read if _code(raw.get("org_code")) in codes])
        for raw, who, data in read:
            code = _code(raw.get("org_code"))
            org = codes.get(code)
            key = (org["id"], data["external"]["id_number"]) if org else None
            problem = rules.judge(code, org, data, stints.get(key, ()), data["external"]["id_number"] in ours)
            if problem:
                errors.append({"row": raw["row"], **who, "field": problem[0], "message": problem[1]})
                continue
            stints.setdefault(key, []).append(rules.Stint(data["from_date"], data["ended_on"], raw["row"]))
            valid.append({"row": raw["row"], "org_id": org["id"], "org_code": code, **who, "data": rules.plain(data)})
        errors.sort(key=lambda error: error["row"])
        return save_preview(session, inflow_imports, inflow_import_rows, caller, len(rows), valid, errors)


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, inflow_imports, caller, import_id))


def commit_import(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, members_by_id_numbers, code_fallback,
                  import_id, all_or_nothing=False) -> dict:
    """The preview's valid rows, each judged again against the organization and its inflows as they
    are now, written by 流入登记's writer (and 登记离开's, with a 离开日期) in a savepoint of its own: a
    row that can no longer be written is listed with the reason, the others are written — or, with
    all_or_nothing, nothing at all."""
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    with sessions() as session:
        items = preview_rows(session, inflow_import_rows, load_import(session, inflow_imports, caller, import_id))
    codes = orgs.by_codes(caller, [item["org_code"] for item in items], code_fallback)
    ours = members_by_id_numbers(sorted({item["id_number"] for item in items}))
    with sessions.begin() as session:
        record = load_import(session, inflow_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        late, written = [], 0
        for item in items:
            def refuse(field: str, message: str, item=item) -> None:
                late.append({"row": item["row"], "name": item["name"], "id_number": item["id_number"],
                             "org": item["org"], "field": field, "message": message})

            org, data = codes.get(item["org_code"]), rules.of_plain(item["data"])
            key = (org["id"], item["id_number"]) if org else None
            problem = rules.judge(item["org_code"], org, data, _stints(session, [key]).get(key, ()) if org else (),
                                  item["id_number"] in ours)
            if problem:
                refuse(problem[0], f"预览后已变化：{problem[1]}")
                continue
            try:
                with session.begin_nested():
                    caller.require(org["path"])
                    row = write_inflow(session, caller, org, data, NOTE)
                    if data["ended_on"]:
                        close_inflow(session, caller, store.load_inflow(session, row.id, lock=True),
                                     data["ended_on"], NOTE)
                    written += 1
            except PmisError as error:  # the savepoint is rolled back: this row is not written
                refuse("id_number", f"未写入：{error.message}")
        return finish_commit(session, inflow_imports, record, written, late, all_or_nothing,
                             "预览后有流入党员的情况已变化，按要求未写入任何数据")
