"""数据迁移: the 换届采集表 — the terms (届次) of the organizations' committees before PMIS and their
members, in the pattern of every collection-sheet import (services/shared/sheet_imports.py): a
preview that reads every row, groups the rows into terms (one organization, one 选举日期) and judges
them (domain/term_import.py, and the 换届 form's validate_new_term), keeping the valid ones; then a
commit that writes each term as one 换届 through the command's own writer (terms.write_term: the
rolls asked of the member service, the committee rules, the previous term closed, term_opened /
term_closed for the statistics, the 操作日志). A term is written whole or not at all. A term with its
选举情况 (应到/实到/应选名额, every candidate's 得票) goes to the command as an election, as the form
sends one: the committee is who the votes elect, the figures are kept on the term.

The committee members are the member service's: the rows' 公民身份号码 are asked of it in one RPC
per preview (members_by_id_numbers, answering for the caller's scope only), never read from its
tables. A term whose 选举日期 the organization already has is refused as imported before, so the
same file twice writes nothing twice."""
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import PmisError, ValidationFailed
from services.shared.field_errors import FieldErrors
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
from services.shared.term_sheet import TERM_IMPORT_COLUMNS

from .domain import term_import as rules
from .domain.terms import validate_new_term
from .models import orgs, term_import_rows, term_imports, terms
from .terms import CountFacts, Rolls, write_term

ROW_KEYS = tuple(column.key for column in TERM_IMPORT_COLUMNS)
FIGURE_KEYS = (*rules.FIGURES, "votes", "elected")  # kept with a valid row: the term's 选举情况
MAX_ROWS = 20_000  # the members asked of the member service in one call


def _recorded(session, org_ids) -> dict[int, rules.Recorded]:
    elected, open_terms = defaultdict(set), {}
    ids = sorted(set(org_ids))
    for start in range(0, len(ids), 1000):
        for row in session.execute(select(terms.c.org_id, terms.c.number, terms.c.elected_on, terms.c.closed_on)
                                   .where(terms.c.org_id.in_(ids[start:start + 1000]))):
            elected[row.org_id].add(row.elected_on)
            if row.closed_on is None:
                open_terms[row.org_id] = (row.number, row.elected_on)
    return {org_id: rules.Recorded(frozenset(elected[org_id]), open_terms.get(org_id)) for org_id in ids}


def _form_problem(form: dict, today: date) -> str | None:
    try:
        validate_new_term(form, today)
    except FieldErrors as errors:
        return "；".join(errors.fields.values())
    return None


def create_import(sessions: sessionmaker, caller: Caller, members_by_id_numbers, raw_rows,
                  today: date | None = None) -> dict:
    """The preview of an uploaded 换届采集表: every row read, the terms grouped and judged, the valid kept."""
    today = today or date.today()
    rows = sheet_rows(raw_rows, ROW_KEYS)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行班子成员", {"file": "行数过多"})
    found = members_by_id_numbers(sorted({str(r.get("id_number") or "").strip().upper() for r in rows} - {""}))
    errors, read, refused_terms = [], [], set()  # refused_terms: the terms a row of which is refused
    with sessions.begin() as session:
        codes = sorted({str(r.get("org_code") or "").strip() for r in rows} - {""})
        by_code = {row.code: row for start in range(0, len(codes), 1000) for row in session.execute(
            select(orgs.c.id, orgs.c.code, orgs.c.name, orgs.c.path, orgs.c.status).where(
                orgs.c.code.in_(codes[start:start + 1000])))}
        raw_of = {raw["row"]: raw for raw in rows}

        def refuse(row_no: int, field: str, message: str) -> None:
            raw = raw_of[row_no]
            org = by_code.get(str(raw.get("org_code") or "").strip())
            errors.append({"row": row_no, "name": str(raw.get("name") or "").strip(),
                           "id_number": str(raw.get("id_number") or "").strip().upper(),
                           "org": org.name if org is not None and caller.covers(org.path) else "",
                           "field": field, "message": message})

        for raw in rows:
            if raw["sheet_problems"]:
                refuse(raw["row"], *next(iter(raw["sheet_problems"].items())))
                continue
            try:
                row = rules.read_row(raw, today)
            except rules.RowProblems as problems:
                for field, message in problems.fields.items():
                    refuse(raw["row"], field, message)
                refused_terms.add(rules.term_key(raw))
                continue
            org, member = by_code.get(row.org_code), found.get(row.id_number)
            if org is None or not caller.covers(org.path):
                refuse(raw["row"], "org_code", "本账号管理范围内没有这个代码的党组织"
                       if org is not None else f"没有代码为“{row.org_code}”的党组织")
            elif org.status != "active":
                refuse(raw["row"], "org_code", f"党组织“{org.name}”已撤销")
            elif member is None:
                refuse(raw["row"], "id_number", "本账号管理范围内没有这个公民身份号码的党员（请先导入党员采集表）")
            elif member["name"] != row.name:
                refuse(raw["row"], "name", f"姓名与公民身份号码不符（名册中为“{member['name']}”）")
            else:
                read.append((raw["row"], row))
                continue
            refused_terms.add((row.org_code, row.elected_on))
        grouped, refused = rules.group(read)
        for row_no, field, message in refused:
            refuse(row_no, field, message)
        bad_rows = {error["row"] for error in errors}
        recorded = _recorded(session, [by_code[code].id for code, _ in grouped])
        valid = []
        for (code, elected_on), items in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0])):
            org = by_code[code]
            problem = rules.judge_term(recorded[org.id], elected_on)
            members = [(found[row.id_number]["id"], row.post, row.votes) for _, row in items]
            problem = problem or _form_problem(rules.term_form(items[0][1], members), today)
            if problem is None and items[0][1].has_figures:
                problem = rules.judge_election(items[0][1], [(row_no, found[row.id_number]["id"], row)
                                                             for row_no, row in items])
            if problem is None and ((code, elected_on) in refused_terms
                                    or any(row_no in bad_rows for row_no, _ in items)):
                problem = rules.WHOLE
            if problem is not None:
                for row_no, _ in items:
                    if row_no not in bad_rows:
                        refuse(row_no, "elected_on", problem)
                continue
            valid += [{"row": row_no, "org_id": org.id, "org": org.name, "name": row.name, "id_number": row.id_number,
                       "member_id": found[row.id_number]["id"], "elected_on": row.elected_on.isoformat(),
                       "method": row.method, "term_years": row.term_years,
                       "approved_on": row.approved_on.isoformat() if row.approved_on else None,
                       "approval_no": row.approval_no, "post": row.post,
                       **{key: getattr(row, key) for key in FIGURE_KEYS}} for row_no, row in items]
        errors.sort(key=lambda e: e["row"])
        return save_preview(session, term_imports, term_import_rows, caller, len(rows),
                            sorted(valid, key=lambda r: r["row"]), errors)


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    with sessions() as session:
        return import_view(load_import(session, term_imports, caller, import_id))


def commit_import(sessions: sessionmaker, caller: Caller, rolls: Rolls, count_facts: CountFacts, import_id,
                  all_or_nothing=False, today: date | None = None) -> dict:
    """The preview's terms, each organization's in date order, each judged again and written as one
    换届 in a savepoint of its own: a term the command refuses now (a member no longer on the rolls
    that day, the committee rules, a term recorded since) has its rows listed with the reason and the
    others are written — or, with all_or_nothing, nothing at all."""
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    today = today or date.today()
    with sessions.begin() as session:
        record = load_import(session, term_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        by_term = defaultdict(list)
        for item in preview_rows(session, term_import_rows, record):
            by_term[(item["org_id"], item["elected_on"])].append(item)
        late, written = [], 0
        for (org_id, elected_on), items in sorted(by_term.items(), key=lambda item: (item[0][1], item[0][0])):
            def refuse(message: str, items=items) -> None:
                late.extend({"row": item["row"], "name": item["name"], "id_number": item["id_number"],
                             "org": item["org"], "field": "elected_on", "message": message} for item in items)

            problem = rules.judge_term(_recorded(session, [org_id])[org_id], date.fromisoformat(elected_on))
            if problem is not None:
                refuse(f"预览后已变化：{problem}")
                continue
            head = items[0]
            form = {key: head[key] for key in ("elected_on", "method", "term_years", "approved_on", "approval_no")}
            people = [{"member_id": item["member_id"], "post": item["post"]} for item in items]
            if head.get("seats") is None:
                form["members"] = people
            else:
                form["election"] = {**{key: head[key] for key in rules.FIGURES}, "candidates": [
                    {**person, "votes": item["votes"]} for person, item in zip(people, items, strict=True)]}
            try:
                with session.begin_nested():
                    write_term(session, caller, org_id, validate_new_term(form, today), rolls, count_facts)
                    written += len(items)
            except FieldErrors as errors:
                refuse("未写入：" + "；".join(errors.fields.values()))
            except PmisError as error:  # the savepoint is rolled back: none of the term's rows is written
                refuse(f"未写入：{error.message}")
        return finish_commit(session, term_imports, record, written, late, all_or_nothing,
                             "预览后有届次不能再写入，按要求未写入任何数据")
