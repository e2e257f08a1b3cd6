"""数据迁移: the 组织生活采集表 — meetings held before PMIS, one a row, in the pattern of every
collection-sheet import (services/shared/sheet_imports.py): a preview that reads and judges every row
(domain/meeting_import.py: 记录组织生活's own validate_meeting) and keeps the valid ones, then a commit
that writes each through 记录组织生活's writer (meetings.write_meeting: the rolls that day, the record
and its people, the counts 三会一课 are reported from, meeting_recorded, the 操作日志).

Attendees are named; each organization's roster (its subtree's members on the rolls today) is asked
of the member service once (roster_page, page by page), never read from its tables. A meeting of
the organization with the same kind and time is refused as recorded before, so the same file twice
writes nothing twice."""
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import PmisError, ValidationFailed
from services.shared.field_errors import FieldErrors
from services.shared.orglife_sheet import MEETING_IMPORT_COLUMNS
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

from .domain import meeting_import as rules
from .domain.meetings import validate_meeting
from .meetings import Rolls, write_meeting
from .models import meeting_import_rows, meeting_imports, meetings, orgs

ROW_KEYS = tuple(column.key for column in MEETING_IMPORT_COLUMNS)
MAX_ROWS = 20_000
NOTE = "导入组织生活采集表"


def _roster(roster_page, org_id: int) -> dict[str, list[int]]:
    """Name → member ids of the organization's subtree on the rolls, from the member service."""
    by_name, after = defaultdict(list), 0
    while True:
        page = roster_page(org_id, after, 2000)
        for member in page["items"]:
            by_name[member["name"]].append(member["id"])
        after = page.get("next_after_id")
        if not after or not page["items"]:
            return by_name


def _recorded(session, keys) -> set:
    """Of (org id, kind, held_at) keys, those recorded (not voided)."""
    keys = sorted(keys)
    found = set()
    for start in range(0, len(keys), 1000):
        found.update(session.execute(select(meetings.c.org_id, meetings.c.kind, meetings.c.held_at).where(
            tuple_(meetings.c.org_id, meetings.c.kind, meetings.c.held_at).in_(keys[start:start + 1000]),
            meetings.c.voided_at.is_(None))).all())
    return {tuple(key) for key in found}


def create_import(sessions: sessionmaker, caller: Caller, roster_page, raw_rows, now: datetime | None = None) -> dict:
    now = now or datetime.now()
    rows = sheet_rows(raw_rows, ROW_KEYS)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 次会议", {"file": "行数过多"})
    codes = sorted({str(r.get("org_code") or "").strip() for r in rows} - {""})
    with sessions() as session:
        by_code = {row.code: row for start in range(0, len(codes), 1000) for row in session.execute(
            select(orgs.c.id, orgs.c.code, orgs.c.name, orgs.c.path, orgs.c.status).where(
                orgs.c.code.in_(codes[start:start + 1000])))}
    usable = {code: org for code, org in by_code.items() if caller.covers(org.path) and org.status == "active"}
    rosters = {org.id: _roster(roster_page, org.id) for org in usable.values()}
    errors, read, seen = [], [], {}
    for raw in rows:
        code = str(raw.get("org_code") or "").strip()
        org = by_code.get(code)
        who = {"name": "",  # a meeting has no one person: the report's 姓名 stays empty
               "org": org.name if org is not None and caller.covers(org.path) else ""}

        def refuse(field: str, message: str, raw=raw, who=who) -> None:
            errors.append({"row": raw["row"], **who, "field": field, "message": message})

        if raw["sheet_problems"]:
            refuse(*next(iter(raw["sheet_problems"].items())))
        elif not code:
            refuse("org_code", "请填写党组织代码")
        elif org is None:
            refuse("org_code", f"没有代码为“{code}”的党组织")
        elif not caller.covers(org.path):
            refuse("org_code", "本账号管理范围内没有这个代码的党组织")
        elif org.status != "active":
            refuse("org_code", f"党组织“{org.name}”已撤销")
        else:
            try:
                data = rules.read_row(raw, rosters[org.id], now)
            except rules.RowProblems as problems:
                for field, message in problems.fields.items():
                    refuse(field, message)
                continue
            key = (org.id, data["kind"], data["held_at"])
            if key in seen:
                refuse("held_at", f"与第 {seen[key]} 行是同一次会议（同一党组织、类型和时间）")
                continue
            seen[key] = raw["row"]
            read.append((raw["row"], org, who, data))
    with sessions.begin() as session:
        recorded = _recorded(session, list(seen))
        valid = []
        for row_no, org, who, data in read:
            if (org.id, data["kind"], data["held_at"]) in recorded:
                errors.append({"row": row_no, **who, "field": "held_at", "message": rules.ALREADY})
            else:
                valid.append({"row": row_no, "org_id": org.id, **who, "data": rules.plain(data)})
        errors.sort(key=lambda e: e["row"])
        return save_preview(session, meeting_imports, meeting_import_rows, caller, len(rows), valid, errors)


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, meeting_imports, caller, import_id))


def commit_import(sessions: sessionmaker, caller: Caller, rolls: Rolls, import_id, all_or_nothing=False,
                  now: datetime | None = None) -> dict:
    """The preview's meetings, each validated again and written by 记录组织生活's writer in a
    savepoint of its own: one that can no longer be written (recorded since, an attendee not on the
    rolls that day) is listed with the reason, the others are written — or, with all_or_nothing,
    nothing at all."""
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    now = now or datetime.now()
    with sessions.begin() as session:
        record = load_import(session, meeting_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        late, written = [], 0
        for item in preview_rows(session, meeting_import_rows, record):
            def refuse(message: str, item=item) -> None:
                late.append({"row": item["row"], "name": item["name"], "org": item["org"], "field": "held_at",
                             "message": message})

            try:
                data = validate_meeting(rules.raw_of(item["data"]), now)
                if _recorded(session, [(item["org_id"], data["kind"], data["held_at"])]):
                    refuse(f"预览后已变化：{rules.ALREADY}")
                    continue
                with session.begin_nested():
                    write_meeting(session, caller, item["org_id"], data, rolls, note=NOTE)
                    written += 1
            except FieldErrors as problems:
                refuse("未写入：" + "；".join(problems.fields.values()))
            except PmisError as error:  # the savepoint is rolled back: this meeting is not written
                refuse(f"未写入：{error.message}")
        return finish_commit(session, meeting_imports, record, written, late, all_or_nothing,
                             "预览后有会议不能再写入，按要求未写入任何数据")
