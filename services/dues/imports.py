"""Bases in bulk through the 党费基数表 (Excel): the member import's pattern (member/imports.py) —
a preview that matches every row to a member of the organization (by 公民身份号码, the member
service's; the name must agree), computes the monthly due and bracket or says why not, and keeps
the valid rows; then a commit that writes all of them in one transaction, or none when any can
no longer be written (the member left, moved), with the refused rows listed."""
from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.dues_sheet import BASE_IMPORT_COLUMNS, PAYMENT_IMPORT_COLUMNS
from services.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.shared.org_directory import OrgDirectory
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

from .commands import MAX_BASES, write_bases, write_payments
from .domain import Month, Payment
from .domain import payment_import as payment_sheet
from .domain.bulk_bases import Identity, check_sheet, entry, id_number, judged
from .models import base_import_rows, base_imports, members, payment_import_rows, payment_imports
from .store import ACTIVE, MEMBERS_PER_SHEET, accounts, branch_of, members_by_id, org_views

ROW_KEYS = tuple(column.key for column in BASE_IMPORT_COLUMNS)
NOT_IN_DUES = "该党员尚未同步到党费（新增或转入的党员稍后出现），请稍后重新上传"


def sheet_members(members_by_id_numbers, org: dict, rows: list[dict]) -> list[dict]:
    """The members a sheet names by 公民身份号码 who are on the rolls of `org` or of an organization
    under it, as the member service has them (one call for the sheet, answering for the caller's
    scope): a branch's sheet or a whole committee's, county's or province's (数据迁移)."""
    numbers = sorted({id_number(row.get("id_number")) for row in rows} - {""})
    if len(numbers) > MEMBERS_PER_SHEET:
        raise ValidationFailed(f"一次导入最多包含{MEMBERS_PER_SHEET}名党员的记录（本表{len(numbers)}名），"
                               "请按下级党组织分开导入", {"file": "党员过多"})
    found = members_by_id_numbers(numbers) if numbers else {}
    return [item for item in found.values()
            if item["status"] == ACTIVE and str(item["org_path"]).startswith(org["path"])]


def roster(session, identities: list[dict]) -> dict[str, Identity]:
    """{公民身份号码: Identity} of the members found (sheet_members), each with their branch and why a
    base or payment cannot be taken for them now (not yet in the dues service's projection where
    the member service has them, no 入党日期) as the dues service sees them."""
    known = members_by_id(session, [int(item["id"]) for item in identities])
    found = {}
    for item in identities:
        row, org_id = known.get(int(item["id"])), int(item["org_id"])
        problem = None
        if row is None or row.org_id != org_id or row.status != ACTIVE:
            problem = NOT_IN_DUES
        elif row.joined_on is None:
            problem = "该党员缺少入党日期，无法计算党费"
        number = id_number(item["id_number"])
        found[number] = Identity(int(item["id"]), item["name"], number, problem, org_id)
    return found


def branch_names(orgs: OrgDirectory, org_ids) -> dict[int, str]:
    """{org id: name} of the members' branches, for the preview's rows (one directory read each)."""
    return {org_id: view["name"] for org_id, view in org_views(orgs, org_ids).items()}


def create_base_import(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, members_by_id_numbers, org_id,
                       raw_rows) -> dict:
    """The preview of an uploaded 党费基数表 for organization `org_id` (its members and those of the
    organizations under it): every row matched and judged; the valid ones kept for the commit."""
    org = orgs.org(caller, org_id)
    rows = sheet_rows(raw_rows, ROW_KEYS)
    if len(rows) > MAX_BASES:
        raise ValidationFailed(f"一次最多导入{MAX_BASES}行", {"file": "行数过多"})
    identities = sheet_members(members_by_id_numbers, org, rows)
    with sessions.begin() as session:
        checked = check_sheet(rows, roster(session, identities))
        preview = save_preview(session, base_imports, base_import_rows, caller, len(rows), checked.valid,
                               checked.errors, org_id=org["id"])
    return {**preview, "org_id": org["id"], "org_name": org["name"], "status": "previewed", "written": None,
            "items": checked.valid}


def get_base_import(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, import_id) -> dict:
    with sessions() as session:
        record = load_import(session, base_imports, caller, import_id)
        items = preview_rows(session, base_import_rows, record)
    org = orgs.find(record.org_id) or {"name": ""}
    return {**import_view(record), "org_id": record.org_id, "org_name": org["name"], "items": items}


def commit_base_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    """Every valid row of the preview written (judged again by the rules in force), in one
    transaction; none when a row's member is no longer on the organization's rolls (409 naming
    the rows). The preview's refused rows are listed in the answer."""
    with sessions.begin() as session:
        record = load_import(session, base_imports, caller, import_id, for_commit=True)
        rows = preview_rows(session, base_import_rows, record)
        if not rows:
            raise Conflict("预览中没有可导入的行，未写入任何数据", {"file": "没有有效行"})
        entries, stale = [], []
        for row in rows:
            try:
                base, due = judged(row["kind"], row["amount"], row["from_month"])
            except ValueError as error:
                stale.append({"row": row["row"], "field": "amount", "message": str(error), "name": row["name"],
                              "id_number": row["id_number"]})
                continue
            entries.append(entry(row["row"], row["member_id"], base, due))
        if stale:
            raise Conflict(_rows_message(stale), {f"row {item['row']}": item["message"] for item in stale})
        placed = {row["member_id"]: row.get("org_id") or record.org_id for row in rows}  # (older previews: a branch's)
        views, refused = write_bases(session, caller, placed, entries)
        if refused:
            late = [{"row": row["row"], "field": "id_number", "message": refused[row["member_id"]],
                     "name": row["name"], "id_number": row["id_number"]}
                    for row in rows if row["member_id"] in refused]
            raise Conflict(_rows_message(late), {f"row {item['row']}": item["message"] for item in late})
        session.execute(update(base_imports).where(base_imports.c.id == record.id).values(
            status="committed", written=len(views), committed_at=datetime.now(timezone.utc)))
    return {"id": str(record.id), "org_id": record.org_id, "written": len(views), "refused": record.errors,
            "skipped_rows": refused_rows(record.errors),
            "bases": [{key: view[key] for key in ("member_id", "name", "kind", "amount", "from_month", "monthly_due",
                                                   "bracket")} for view in views]}


BRANCH_GONE = "该党员所在党组织已不存在或不在本账号管理范围内"


def _refused_rows(rows: list[dict], message: str) -> list[dict]:
    return [{"row": row["row"], "field": "month", "message": message, "name": row["name"],
             "id_number": row["id_number"]} for row in rows]


def _write_branch(session, caller: Caller, branch: dict, by_member: dict, all_or_nothing: bool) -> tuple[int, list]:
    """One branch's members' months (by_member: {member: rows in month order}) written in rounds of
    PAYMENT_ROUND months a member; the rows of a member refused in a round, and their later ones,
    come back as refused rows."""
    late, late_rows, written = set(), [], 0
    rounds = max(len(items) for items in by_member.values())
    for start in range(0, rounds, PAYMENT_ROUND):
        parsed = {member_id: [(Payment(Month.parse(item["month"]), Decimal(item["amount"]),
                                       date.fromisoformat(item["paid_on"]), item["method"]), item["collector"])
                              for item in items[start:start + PAYMENT_ROUND]]
                  for member_id, items in by_member.items() if member_id not in late
                  and items[start:start + PAYMENT_ROUND]}
        if not parsed:
            continue
        refused = []
        try:
            answer = write_payments(session, caller, branch, parsed, refused, all_or_nothing, IMPORTED)
        except Conflict:
            if all_or_nothing or not refused:
                raise
            answer = {"count": 0}
        written += answer["count"]
        for problem in refused:  # this round's rows of the member and the later ones are not written
            late.add(problem["member_id"])
            late_rows += _refused_rows(by_member[problem["member_id"]][start:], problem["message"])
    return written, late_rows


def _rows_message(items: list[dict]) -> str:
    listed = "；".join(f"第{item['row']}行{item['name']}：{item['message']}" for item in items[:20])
    more = "等" if len(items) > 20 else ""
    return f"预览后有{len(items)}行不能再导入，全部未写入：{listed}{more}；请重新下载模板上传预览"



# --- 党费交纳记录表 (数据迁移: months paid before PMIS) ------------------------------------------------

PAYMENT_ROW_KEYS = tuple(column.key for column in PAYMENT_IMPORT_COLUMNS)
IMPORTED = "导入党费交纳记录"  # each payment's 操作日志 entry (数据迁移)
PAYMENT_ROUND = 60  # a member's payments judged and written at once (domain ledger.MAX_PAYMENTS)


def create_payment_import(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, members_by_id_numbers, org_id,
                          raw_rows) -> dict:
    """The preview of an uploaded 党费交纳记录表 for organization `org_id` (its members and those of the
    organizations under it): every row matched to a member and judged by the ledger's rules with
    their branch's settings (domain/payment_import.py); nothing written but the preview."""
    org = orgs.org(caller, org_id)
    rows = sheet_rows(raw_rows, PAYMENT_ROW_KEYS)
    identities = sheet_members(members_by_id_numbers, org, rows)
    with sessions.begin() as session:
        known = roster(session, identities)
        found = accounts(session, session.execute(select(members).where(
            members.c.member_id.in_([identity.member_id for identity in known.values()]))).all())
        branches = {branch_id: branch_of(session, branch_id) for branch_id in {i.org_id for i in known.values()}}
        checked = payment_sheet.check_sheet(rows, known, found, branches, date.today())
        names = branch_names(orgs, [identity.org_id for identity in known.values()])
        placed = {identity.id_number: names[identity.org_id] for identity in known.values()}
        # Each refused row names the member's branch (or, not found, the organization imported for).
        errors = [{**error, "org": placed.get(error["id_number"], org["name"])} for error in checked.errors]
        preview = save_preview(session, payment_imports, payment_import_rows, caller, len(rows), checked.valid,
                               errors, org_id=org["id"])
    return {**preview, "org_id": org["id"], "org_name": org["name"], "status": "previewed", "written": None,
            "items": checked.valid}


def get_payment_import(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, import_id) -> dict:
    with sessions() as session:
        record = load_import(session, payment_imports, caller, import_id)
        items = preview_rows(session, payment_import_rows, record)
    org = orgs.find(record.org_id) or {"name": ""}
    return {**import_view(record), "org_id": record.org_id, "org_name": org["name"], "items": items}


def commit_payment_import(sessions: sessionmaker, caller: Caller, orgs: OrgDirectory, import_id,
                          all_or_nothing=False) -> dict:
    """The preview's valid rows written through 交纳登记's own writer (commands.write_payments: judged
    again against each member's ledger as it is now, with their events, recounts and 操作日志), a
    member's months in rounds of PAYMENT_ROUND; a member refused now has their rows listed as refused.
    With `all_or_nothing`, nothing is written when the preview refused a row or a member is refused now."""
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    with sessions.begin() as session:
        record = load_import(session, payment_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        orgs.org(caller, record.org_id)  # still in the caller's scope
        rows = preview_rows(session, payment_import_rows, record)
        if not rows:
            raise Conflict("预览中没有可导入的行，未写入任何数据", {"file": "没有有效行"})
        by_branch = defaultdict(lambda: defaultdict(list))  # {branch: {member: rows by month}}
        for row in sorted(rows, key=lambda item: (item["member_id"], item["month"])):
            by_branch[row.get("org_id") or record.org_id][row["member_id"]].append(row)  # (older previews: one branch)
        late_rows, written = [], 0
        for branch_id, by_member in sorted(by_branch.items()):
            try:
                branch = orgs.org(caller, branch_id)
            except (NotFound, Forbidden):
                late_rows += _refused_rows([row for items in by_member.values() for row in items], BRANCH_GONE)
                continue
            count, refused_here = _write_branch(session, caller, branch, by_member, all_or_nothing)
            written, late_rows = written + count, late_rows + refused_here
        if late_rows and all_or_nothing:
            raise Conflict(_rows_message(late_rows), {f"row {item['row']}": item["message"] for item in late_rows})
        errors = sorted(record.errors + late_rows, key=lambda item: item["row"])
        session.execute(update(payment_imports).where(payment_imports.c.id == record.id).values(
            status="committed", written=written, committed_at=datetime.now(timezone.utc), errors=errors))
    return {"id": str(record.id), "org_id": record.org_id, "written": written, "errors": errors,
            "skipped_rows": refused_rows(errors)}
