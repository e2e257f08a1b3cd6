"""数据迁移: the 党籍变动历史表 — 入党, 转正, 转入, 转出 and 减少 before PMIS, for members already
recorded (found by the ID number in the caller's scope). The development import's pattern: a
preview that reads and judges every row (domain/history_import.py) and keeps the valid ones, then a
commit that writes them through the member service's own commands — 入党/转正 as a change of basic
information (change_member: history line, member_updated, 操作日志), 减少 as the ordinary 减少
(commands.leave) — and leaves one history line a row (action `history_imported`), by which the same
row imported again is refused. A member whose rows can no longer be written (changed since the
preview) has them listed as refused; the others are written (or nothing, with all_or_nothing)."""
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import PmisError
from services.shared.member_sheet import HISTORY_IMPORT_COLUMNS
from services.shared.sheet_imports import (
    CHUNK,
    all_or_nothing_flag,
    finish_commit,
    import_view,
    load_import,
    preview_rows,
    refuse_partial,
    save_preview,
    sheet_rows,
)

from .commands import change_member, leave
from .domain import history_import as rules
from .models import history, history_import_rows, history_imports, members, org_directory
from .store import load_member, record_history

ROW_KEYS = tuple(column.key for column in HISTORY_IMPORT_COLUMNS)


def _number(value) -> str:
    return str(value or "").strip().upper()


def _known(session, caller: Caller, numbers: list[str]) -> dict[str, tuple]:
    """ID number → (Known, the member row) for the members in the caller's scope."""
    rows = []
    for start in range(0, len(numbers), CHUNK):
        rows += [row for row in session.execute(select(members).where(
            members.c.id_number.in_(numbers[start:start + CHUNK]))) if caller.covers(row.org_path)]
    lines = defaultdict(list)
    ids = [row.id for row in rows]
    for start in range(0, len(ids), CHUNK):
        for line in session.execute(select(history.c.member_id, history.c.changes).where(
                history.c.member_id.in_(ids[start:start + CHUNK]), history.c.action == rules.ACTION)):
            lines[line.member_id].append(line.changes)
    return {row.id_number: (rules.Known(row.id, row.name, row.status, row.category, row.birth_date, row.joined_on,
                                        row.full_on, row.left_on, rules.recorded_of(lines[row.id])), row)
            for row in rows}


def _org_names(session, org_ids) -> dict[int, str]:
    return dict(session.execute(select(org_directory.c.id, org_directory.c.name).where(
        org_directory.c.id.in_(sorted(org_ids)))).all()) if org_ids else {}


def create_import(sessions: sessionmaker, caller: Caller, raw_rows, today: date | None = None) -> dict:
    today = today or date.today()
    rows = sheet_rows(raw_rows, ROW_KEYS)
    numbers = sorted({_number(r.get("id_number")) for r in rows} - {""})
    with sessions.begin() as session:
        known = _known(session, caller, numbers)
        orgs = _org_names(session, {row.org_id for _, row in known.values()})
        errors, by_member = [], defaultdict(list)
        for raw in rows:
            found = known.get(_number(raw.get("id_number")))
            name = str(raw.get("name") or "").strip()
            who = {"name": name, "org": orgs.get(found[1].org_id, "") if found else ""}

            def refuse(field: str, message: str, raw=raw, who=who) -> None:
                errors.append({"row": raw["row"], **who, "field": field, "message": message})

            if raw["sheet_problems"]:
                refuse(*next(iter(raw["sheet_problems"].items())))
            elif not _number(raw.get("id_number")):
                refuse("id_number", "请填写公民身份号码")
            elif found is None:
                refuse("id_number", "本账号管理范围内没有这个公民身份号码的党员（请先导入党员采集表）")
            elif name != found[0].name:
                refuse("name", f"姓名与公民身份号码不符（名册中为“{found[0].name}”）" if name else "请填写姓名")
            else:
                try:
                    by_member[found[0].member_id].append((raw["row"], rules.read_row(raw, today), who, found[0]))
                except rules.RowProblems as problems:
                    for field, message in problems.fields.items():
                        refuse(field, message)
        valid = []
        for items in by_member.values():
            who_of = {row_no: who for row_no, _, who, _ in items}
            for row_no, line, problem in rules.judge(items[0][3], [(row_no, line) for row_no, line, *_ in items]):
                if problem:
                    errors.append({"row": row_no, **who_of[row_no], "field": "kind" if problem != rules.ALREADY
                                   else "date", "message": problem})
                else:
                    valid.append({"row": row_no, "member_id": items[0][3].member_id, **who_of[row_no], **line.plain()})
        errors.sort(key=lambda e: e["row"])
        return save_preview(session, history_imports, history_import_rows, caller, len(rows),
                            sorted(valid, key=lambda r: r["row"]), errors)


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, history_imports, caller, import_id))


def _write(session, caller: Caller, row, line: rules.Line):
    """One line through the member service's own command; the member's row after it."""
    if line.kind == rules.JOINED and row.joined_on != line.on:
        row = change_member(session, caller, row, {"joined_on": line.on.isoformat(), "version": row.version}) or row
    elif line.kind == rules.FULL and row.full_on != line.on:
        row = change_member(session, caller, row, {"full_on": line.on.isoformat(), "version": row.version}) or row
    elif line.kind == rules.LEFT:
        leave(session, caller, row, {"kind": line.leave_kind, "date": line.on.isoformat(), "reason": line.note,
                                     "version": row.version}, action="导入党员减少")
        row = load_member(session, row.id, for_update=True)
    record_history(session, caller, row.id, row.version, rules.ACTION, [line.change()])
    return row


def commit_import(sessions: sessionmaker, caller: Caller, import_id, all_or_nothing=False,
                  today: date | None = None) -> dict:
    """The preview's valid rows, each member's judged again as the member is now and written in date
    order in a savepoint of their own: a member refused now (changed since the preview, out of scope)
    has their rows listed and the others are written — or, with all_or_nothing, nothing at all."""
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    with sessions.begin() as session:
        record = load_import(session, history_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        by_member = defaultdict(list)
        for item in preview_rows(session, history_import_rows, record):
            by_member[item["member_id"]].append(item)
        late, written = [], 0
        for member_id in sorted(by_member):  # locks in id order
            items = {item["row"]: item for item in by_member[member_id]}

            def refuse(message: str, rows, items=items) -> None:
                late.extend({"row": row_no, "name": items[row_no]["name"], "org": items[row_no]["org"],
                             "field": "kind", "message": message} for row_no in rows)

            judged = None
            try:
                with session.begin_nested():
                    row = load_member(session, member_id, for_update=True)
                    caller.require(row.org_path, "该党员")
                    known, _ = _known(session, caller, [row.id_number])[row.id_number]
                    judged = rules.judge(known, [(row_no, rules.Line.of(item)) for row_no, item in items.items()])
                    good = [(row_no, line) for row_no, line, problem in judged if problem is None]
                    for row_no, line, problem in judged:
                        if problem:
                            refuse(f"预览后已变化：{problem}", [row_no])
                    for _, line in good:
                        row = _write(session, caller, row, line)
                    written += len(good)
            except PmisError as error:  # the savepoint is rolled back: none of the member's rows is written
                refuse(f"未写入：{error.message}", list(items) if judged is None
                       else [row_no for row_no, _, problem in judged if problem is None])
        return finish_commit(session, history_imports, record, written, late, all_or_nothing,
                             "预览后有党员的党籍信息已变化，按要求未写入任何数据")
