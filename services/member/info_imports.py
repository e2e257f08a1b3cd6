"""数据迁移: the 党员信息集采集表 — members' history in the card's repeating info sets before PMIS (学历学位,
工作岗位, 职务, 技术职务, 民主评议, 培训情况, 奖惩情况, 其他党团信息, 困难党员), one sheet a set, for members
already recorded (found by the ID number in the caller's scope). The pattern of every collection sheet
(services/shared/sheet_imports.py): a preview that reads and judges every row (domain/info_import.py:
the set's own rules, as 新增<信息集>) and keeps the valid ones, then a commit that writes each member's
rows through the card's own row writer (commands.apply_row_change: the facts the sets decide — 学历,
工作岗位, 民主评议, 培训, 表彰 — re-derived and sent as member_updated for the statistics, the history
line, the 操作日志). A row equal to one the member has is refused as imported before, so the same file
twice writes nothing twice."""
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import PmisError, ValidationFailed
from services.shared.sheet_imports import (
    CHUNK,
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

from .commands import add_row_statement, apply_row_change
from .domain import info_import as rules
from .domain.info_sets import INFO_SETS, MemberDates
from .models import info_import_rows, info_imports, info_tables, members, org_directory
from .store import load_member

FIELD_KEYS = sorted({item.key for spec in INFO_SETS.values() for item in spec.fields})
ROW_KEYS = ("set", "id_number", "member_name", *FIELD_KEYS)
MAX_ROWS = 50_000
SHEET_ROWS = 10_000_000  # a kept row's number: its sheet's place times this, plus its row in the sheet


def _number(value) -> str:
    return str(value or "").strip().upper()


def _people(session, caller: Caller, numbers) -> dict[str, tuple[rules.Person, int]]:
    """ID number → (the member as the rules need them, their organization) in the caller's scope."""
    numbers, found = sorted(set(numbers) - {""}), {}
    for start in range(0, len(numbers), CHUNK):
        for row in session.execute(select(members.c.id, members.c.id_number, members.c.name, members.c.birth_date,
                                          members.c.joined_on, members.c.org_id, members.c.org_path).where(
                members.c.id_number.in_(numbers[start:start + CHUNK]))):
            if caller.covers(row.org_path):
                found[row.id_number] = (rules.Person(row.id, row.name, MemberDates(row.birth_date, row.joined_on)),
                                        row.org_id)
    return found


def _recorded(session, member_ids) -> dict[tuple[int, str], list[dict]]:
    """(member id, set) → the member's rows of the set as plain values."""
    ids, found = sorted(set(member_ids)), defaultdict(list)
    for key, spec in INFO_SETS.items():
        table = info_tables[key]
        for start in range(0, len(ids), CHUNK):
            for row in session.execute(select(table).where(table.c.member_id.in_(ids[start:start + CHUNK]))):
                found[(row.member_id, key)].append({item.key: getattr(row, item.key) for item in spec.fields})
    return found


def create_import(sessions: sessionmaker, caller: Caller, raw_rows, today: date | None = None) -> dict:
    """The preview of an uploaded 党员信息集采集表: every row of every set's sheet read and judged; the valid kept."""
    today = today or date.today()
    rows = sheet_rows(raw_rows, ROW_KEYS)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行信息", {"file": "行数过多"})
    if any(row["set"] not in INFO_SETS for row in rows):
        raise ValidationFailed("导入数据格式有误", {"rows": "每行应注明信息集"})
    errors, valid = [], []
    with sessions.begin() as session:
        people = _people(session, caller, [_number(row.get("id_number")) for row in rows])
        orgs = {row.id: row.name for row in session.execute(select(org_directory.c.id, org_directory.c.name).where(
            org_directory.c.id.in_(sorted({org_id for _, org_id in people.values()}))))}
        recorded = _recorded(session, [person.id for person, _ in people.values()])
        earlier = defaultdict(list)
        for raw in sorted(rows, key=lambda r: (list(INFO_SETS).index(r["set"]), r["row"])):
            spec = INFO_SETS[raw["set"]]
            found = people.get(_number(raw.get("id_number")))
            who = {"name": str(raw.get("member_name") or "").strip(), "id_number": _number(raw.get("id_number")),
                   "org": orgs.get(found[1], "") if found else "", "sheet": spec.label}
            if raw["sheet_problems"]:
                field, message = next(iter(raw["sheet_problems"].items()))
                errors.append({"row": raw["row"], **who, "field": f"{spec.key}.{field}", "message": message})
                continue
            person = found[0] if found else None
            key = (person.id, spec.key) if person else None
            values, problems = rules.judge(spec, raw, person, today, recorded.get(key, []), earlier[key])
            for field, message in problems:
                errors.append({"row": raw["row"], **who, "field": f"{spec.key}.{field}", "message": message})
            if values is not None:
                earlier[key].append((raw["row"], values))
                valid.append({"row": raw["row"], "row_no": SHEET_ROWS * list(INFO_SETS).index(spec.key) + raw["row"],
                              "set": spec.key, "member_id": person.id, **who, "values": plain_row(values)})
        errors.sort(key=lambda e: (list(INFO_SETS).index(e["field"].split(".")[0]), e["row"]))
        return save_preview(session, info_imports, info_import_rows, caller, len(rows),
                            sorted(valid, key=lambda r: r["row_no"]), errors)


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, info_imports, caller, import_id))


def commit_import(sessions: sessionmaker, caller: Caller, import_id, all_or_nothing=False,
                  today: date | None = None) -> dict:
    """The preview's valid rows, each member's judged again against their rows as they are now and
    written through the card's row writer in a savepoint of their own: a member refused now (a row
    recorded since, moved out of scope) has their rows listed and the others are written — or, with
    all_or_nothing, nothing at all."""
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    today = today or date.today()
    with sessions.begin() as session:
        record = load_import(session, info_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        by_member = defaultdict(list)
        for item in preview_rows(session, info_import_rows, record):
            by_member[item["member_id"]].append(item)
        late, written = [], 0
        for member_id in sorted(by_member):  # locks in id order
            items = by_member[member_id]

            def refuse(item: dict, field: str, message: str) -> None:
                late.append({"row": item["row"], "name": item["name"], "id_number": item["id_number"],
                             "org": item["org"], "sheet": item["sheet"], "field": f"{item['set']}.{field}",
                             "message": message})

            pending = items  # what a failure of the writer leaves unwritten
            try:
                with session.begin_nested():
                    member = load_member(session, member_id, for_update=True)
                    caller.require(member.org_path, "该党员")
                    person = rules.Person(member.id, member.name, MemberDates(member.birth_date, member.joined_on))
                    recorded, earlier, good = _recorded(session, [member.id]), defaultdict(list), []
                    for item in items:
                        spec = INFO_SETS[item["set"]]
                        raw = {"member_name": item["name"], **item["values"]}  # kept as the sheet's text: read again
                        values, problems = rules.judge(spec, raw, person, today,
                                                       recorded.get((member.id, spec.key), []), earlier[spec.key])
                        for field, message in problems:
                            refuse(item, field, f"预览后已变化：{message}")
                        if values is not None:
                            earlier[spec.key].append((item["row"], values))
                            good.append((item, spec, values))
                    pending = [item for item, _, _ in good]
                    for _, spec, values in good:
                        apply_row_change(session, caller, member, spec, add_row_statement(spec, member.id, values),
                                         "row_added", None, values)
                        member = load_member(session, member.id, for_update=True)
                    written += len(good)
            except PmisError as error:  # the savepoint is rolled back: none of the member's rows is written
                for item in pending:
                    refuse(item, "id_number", f"未写入：{error.message}")
        return finish_commit(session, info_imports, record, written, late, all_or_nothing,
                             "预览后有党员的信息已变化，按要求未写入任何数据")
