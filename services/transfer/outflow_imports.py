"""数据迁移: the 流出党员采集表 — members away (流出) when the province moves to PMIS, one 流出登记 a
row, in the pattern of every collection-sheet import (services/shared/sheet_imports.py): a preview
that reads and judges every row (domain/outflow_import.py) and keeps the valid ones, then a commit
that writes each through 流出登记's own writer (mobility_commands.write_outflow: the rules, the
操作日志 entry, outflow_opened for the statistics).

The members are the member service's: the rows' 公民身份号码 are asked of it in one RPC per preview
and one per commit (members_by_id_numbers, answering for the caller's scope only), never read from
its tables. A member already registered with the row's 流出日期 is refused as imported before, so
the same file twice writes nothing twice."""
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, PmisError, ValidationFailed
from services.shared.mobility_sheet import OUTFLOW_IMPORT_COLUMNS
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

from .domain import outflow_import as rules
from .domain.codes import OPEN as OPEN_TRANSFER
from .mobility_commands import receiving_org, write_outflow
from .models import certificates, outflow_import_rows, outflow_imports, outflows, transfers
from .store import org_rows

ROW_KEYS = tuple(column.key for column in OUTFLOW_IMPORT_COLUMNS)
MAX_ROWS = 20_000  # the members asked of the member service in one call
NOTE = "导入流出党员采集表"


def _number(value) -> str:
    return str(value or "").strip().upper()


def _standings(session, member_ids) -> dict[int, rules.Standing]:
    """Each member's outflows (from date, state) and whether a transfer of theirs is open."""
    ids = sorted(set(member_ids))
    away, moving = defaultdict(list), set()
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        for row in session.execute(select(outflows.c.member_id, outflows.c.from_date, outflows.c.state)
                                   .where(outflows.c.member_id.in_(chunk))):
            away[row.member_id].append((row.from_date.isoformat(), row.state))
        moving.update(session.execute(select(transfers.c.member_id).where(
            transfers.c.member_id.in_(chunk), transfers.c.state.in_(OPEN_TRANSFER))).scalars())
    return {member_id: rules.Standing(tuple(away[member_id]), member_id in moving) for member_id in ids}


def create_import(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, members_by_id_numbers, code_fallback,
                  raw_rows, today: date | None = None) -> dict:
    """The preview of an uploaded 流出党员采集表: every row read, matched and judged; the valid ones kept."""
    today = today or date.today()
    rows = sheet_rows(raw_rows, ROW_KEYS)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行流出党员", {"file": "行数过多"})
    found = members_by_id_numbers(sorted({_number(r.get("id_number")) for r in rows} - {""}))
    codes = orgs.by_codes(caller, [r.get("to_org_code") for r in rows], code_fallback)
    errors, valid, seen, numbers = [], [], {}, {}
    with sessions.begin() as session:
        standings = _standings(session, [member["id"] for member in found.values()])
        wanted = sorted({str(r.get("certificate_no") or "").strip() for r in rows} - {""})
        taken = set(session.execute(select(certificates.c.number).where(certificates.c.number.in_(wanted))).scalars())
        homes = org_rows(session, [member["org_id"] for member in found.values()])
        for raw in rows:
            member = found.get(_number(raw.get("id_number")))
            name = str(raw.get("name") or "").strip()
            who = {"name": name, "id_number": _number(raw.get("id_number")),
                   "org": homes.get(member["org_id"], {}).get("name", "") if member else ""}

            def refuse(field: str, message: str, raw=raw, who=who) -> None:
                errors.append({"row": raw["row"], **who, "field": field, "message": message})

            if raw["sheet_problems"]:
                refuse(*next(iter(raw["sheet_problems"].items())))
                continue
            if not who["id_number"]:
                refuse("id_number", "请填写公民身份号码")
                continue
            try:
                data = rules.read_row(raw, today, {code: org["id"] for code, org in codes.items()})
            except rules.RowProblems as problems:
                for field, message in problems.fields.items():
                    refuse(field, message)
                continue
            problem = rules.judge(member, name, data, standings.get(member["id"], rules.Standing()) if member
                                  else rules.Standing(), member["org_id"] if member else None)
            if problem is None and data["to_org_id"] is not None:
                to_org = next(org for org in codes.values() if org["id"] == data["to_org_id"])
                if to_org.get("status") != "active":
                    problem = ("to_org_code", f"党组织“{to_org['name']}”已撤销")
            if problem is None and member["id"] in seen:
                problem = ("id_number", f"同一党员只能有一行（已在第 {seen[member['id']]} 行）")
            number = data["certificate_no"]
            if problem is None and number in taken:
                problem = ("certificate_no", f"活动证编号“{number}”已被使用")
            elif problem is None and number in numbers:
                problem = ("certificate_no", f"与第 {numbers[number]} 行的活动证编号相同")
            if problem:
                refuse(*problem)
                continue
            seen[member["id"]] = raw["row"]
            if number:
                numbers[number] = raw["row"]
            valid.append({"row": raw["row"], "member_id": member["id"], **who, "data": rules.plain(data)})
        return save_preview(session, outflow_imports, outflow_import_rows, caller, len(rows), valid, errors)


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, outflow_imports, caller, import_id))


def commit_import(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, members_by_id_numbers, import_id,
                  all_or_nothing=False, today: date | None = None) -> dict:
    """The preview's valid rows, each judged again against the member as they are now (asked of the
    member service in one call) and written by 流出登记's writer in a savepoint of its own: a row
    that can no longer be written is listed with the reason, the others are written — or, with
    all_or_nothing, nothing at all."""
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    today = today or date.today()
    with sessions() as session:
        items = preview_rows(session, outflow_import_rows, load_import(session, outflow_imports, caller, import_id))
    found = members_by_id_numbers(sorted({item["id_number"] for item in items}))
    with sessions.begin() as session:
        record = load_import(session, outflow_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        late, written = [], 0
        for item in items:
            def refuse(field: str, message: str, item=item) -> None:
                late.append({"row": item["row"], "name": item["name"], "id_number": item["id_number"],
                             "org": item["org"], "field": field, "message": message})

            member, data = found.get(item["id_number"]), rules.of_plain(item["data"])
            standing = _standings(session, [member["id"]])[member["id"]] if member else rules.Standing()
            problem = rules.judge(member, item["name"], data, standing, member["org_id"] if member else None)
            if problem:
                refuse(problem[0], f"预览后已变化：{problem[1]}")
                continue
            try:
                with session.begin_nested():
                    home = orgs.find(member["org_id"])
                    if home is None:
                        raise Conflict("党员所在党组织不存在")
                    caller.require(home["path"], "该党员")
                    to_org = receiving_org(orgs.find, data["to_org_id"], home) if data["to_org_id"] else None
                    write_outflow(session, caller, member, home, to_org, data, today, note=NOTE)
                    written += 1
            except PmisError as error:  # the savepoint is rolled back: this row is not written
                refuse("id_number", f"未写入：{error.message}")
        return finish_commit(session, outflow_imports, record, written, late, all_or_nothing,
                             "预览后有党员的情况已变化，按要求未写入任何数据")
