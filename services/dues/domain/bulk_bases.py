"""Bases in bulk, pure: the 党费基数表 (Excel) rows matched to the members of an organization and
its subordinates and judged, and the 年度核定 entries (many members' new amounts in one request).
Each row or entry gives a (Base, MonthlyDue) or a Chinese reason; nothing here writes (docs/DUES.md,
"Bases in bulk")."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from services.shared.codes import CodeTable
from services.shared.field_errors import FieldErrors

from .amounts import Base, MonthlyDue, parse_base
from .errors import DuesRefused
from .months import MONTH_FORMAT, Month

# The kinds of base as clerks name them (the sheet's drop-down, the pages); the API takes the keys.
KINDS = CodeTable("党费类别", [
    ("employed", "在职"), ("annual_salary", "年薪制"), ("self_employed", "个体"), ("retired", "离退休"),
    ("farmer", "农民"), ("student", "学生"), ("unemployed", "下岗失业"), ("relief", "抚恤救济"),
    ("subsistence", "低保")], aliases={"退休": "retired", "离休": "retired", "在岗": "employed", "在校学生": "student",
                                       "失业": "unemployed", "下岗": "unemployed", "个体经营": "self_employed"})
KIND_CHOICES = "、".join(KINDS.names())
FIELD_NAMES = {"name": "姓名", "id_number": "公民身份号码", "kind": "党费类别", "amount": "交纳基数",
               "from_month": "起始月份", "member_id": "党员"}
_LOOSE_MONTH = re.compile(r"(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:月|(?:-|/|\.)\s*\d{1,2}(?:[ T].*)?)?")


def kind_of(value) -> str:
    """A kind from its key, its name or a common alias ("退休"); a name with a note in brackets
    ("在职（税后月工资）") counts by the name. ValueError in Chinese otherwise."""
    text = str(value or "").strip()
    kind = KINDS.resolve(re.split(r"[（(]", text, maxsplit=1)[0].strip()) if text else None
    if kind is None:
        raise ValueError(f"应为：{KIND_CHOICES}" if text else "请填写党费类别")
    return kind


def sheet_month(value) -> Month:
    """The month a base applies from, as a sheet has it: "2026-01", "2026-1", "2026/01",
    "2026年1月", or a date ("2026-01-01", what a cell Excel took for a date reads as: its month)."""
    text = str(value or "").strip()
    if not text:
        raise ValueError("请填写起始月份")
    match = _LOOSE_MONTH.fullmatch(text)
    if match is None:
        raise ValueError(MONTH_FORMAT)
    return Month.parse(f"{match.group(1)}-{int(match.group(2)):02d}")


def judged(kind, amount, from_month) -> tuple[Base, MonthlyDue]:
    """parse_base's answer, its refusals as one Chinese sentence naming the fields (ValueError)."""
    try:
        return parse_base(kind, amount, str(from_month) if isinstance(from_month, Month) else from_month)
    except FieldErrors as errors:
        raise ValueError("；".join(f"{FIELD_NAMES.get(k, k)}{v}" for k, v in errors.fields.items())) from None
    except DuesRefused as refused:
        raise ValueError(refused.message) from None


# --- the 党费基数表 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    """A member the sheet is matched against (of the organization imported for or one under it):
    the member service's name, ID number and branch (`org_id`), and why the dues service cannot
    take a base for them now (None when it can)."""
    member_id: int
    name: str
    id_number: str
    problem: str | None = None
    org_id: int | None = None


@dataclass(frozen=True)
class SheetCheck:
    valid: list[dict]  # `entry(…)` with the member's name and 公民身份号码
    errors: list[dict]  # {"row", "field", "message", "name", "id_number"}


def id_number(value) -> str:
    return str(value or "").strip().upper()


NOT_ON_ROLLS = "本组织及其下级党组织的在册党员中没有这个公民身份号码"


def identify(roster: Mapping[str, Identity], number: str, name: str) -> tuple[Identity | None, str, str]:
    """The member a sheet row names by 公民身份号码 and 姓名, or (None, field, message)."""
    if not number:
        return None, "id_number", "请填写公民身份号码"
    identity = roster.get(number)
    if identity is None:
        return None, "id_number", NOT_ON_ROLLS
    if name != identity.name:
        return None, "name", f"姓名与公民身份号码不符（名册中为“{identity.name}”）" if name else "请填写姓名"
    return identity, "", ""


def check_sheet(rows: Sequence[Mapping], roster: Mapping[str, Identity]) -> SheetCheck:
    """Every row of the sheet judged: matched by 公民身份号码 to a member of the organization or one
    under it (the name must be theirs), its kind, amount and month parsed, its monthly due computed. A member may
    have one row (one base per member per import): every row of a member named twice is refused.
    A row without kind and amount is refused as not filled in (the template lists every member)."""
    valid, errors = [], []
    rows_of = defaultdict(list)
    for row in rows:
        identity = roster.get(id_number(row.get("id_number")))
        if identity is not None and str(row.get("name") or "").strip() == identity.name:
            rows_of[identity.member_id].append(row["row"])
    for row in rows:
        number, name = id_number(row.get("id_number")), str(row.get("name") or "").strip()

        def refuse(field: str, message: str) -> None:
            errors.append({"row": row["row"], "field": field, "message": message, "name": name,
                           "id_number": number})

        problems = row.get("sheet_problems") or {}
        if problems:
            field, message = next(iter(problems.items()))
            refuse(field, message)
            continue
        identity, field, message = identify(roster, number, name)
        if identity is None:
            refuse(field, message)
            continue
        if identity.problem:
            refuse("id_number", identity.problem)
            continue
        twice = rows_of[identity.member_id]
        if len(twice) > 1:
            refuse("id_number", f"同一党员在表中出现{len(twice)}次（第{'、'.join(map(str, twice))}行），"
                                "每次导入每名党员只能核定一个基数")
            continue
        if not str(row.get("kind") or "").strip() and not str(row.get("amount") or "").strip():
            refuse("kind", "未填写党费类别和交纳基数")
            continue
        try:
            kind = kind_of(row.get("kind"))
        except ValueError as error:
            refuse("kind", f"党费类别{error}")
            continue
        try:
            month = sheet_month(row.get("from_month"))
        except ValueError as error:
            refuse("from_month", f"起始月份{error}")
            continue
        try:
            base, due = judged(kind, row.get("amount"), month)
        except ValueError as error:
            refuse("amount", str(error))
            continue
        valid.append(entry(row["row"], identity.member_id, base, due)
                     | {"name": identity.name, "id_number": number, "org_id": identity.org_id})
    return SheetCheck(valid, errors)


def entry(row: int | None, member_id: int, base: Base, due: MonthlyDue) -> dict:
    """A judged base as the preview keeps it and the writer takes it (plain JSON)."""
    return {"row": row, "member_id": member_id, "kind": base.kind,
            "amount": None if base.amount is None else str(base.amount), "from_month": str(base.from_month),
            "monthly_due": str(due.amount), "bracket": due.bracket, "rule_version": due.rule_version}


# --- 年度核定 ------------------------------------------------------------------------------------

def reset_month(year: int) -> Month:
    """Where a 年度核定's new bases start unless said otherwise: January of the year."""
    return Month(year, 1)


def was_reset(from_months: Iterable[Month], year: int) -> bool:
    """Whether a base was set that applies from a month of `year` (January on): the member's base
    has been re-set (核定) for that year."""
    return any(month.year == year for month in from_months)


def check_reset(entries, current_kinds: Mapping[int, str], default_month: Month) -> tuple[list[dict], dict[str, str]]:
    """The 年度核定 entries [{member_id, amount, kind?, from_month?}]: each one's base and due, or
    its reason keyed by the member id (as text). A missing kind keeps the member's current one;
    a missing month is `default_month`. A member named twice is refused."""
    if not isinstance(entries, list) or not entries:
        raise ValueError("请至少为一名党员填写新的基数")
    judged_entries, errors, seen = [], {}, defaultdict(int)
    for item in entries:
        member_id = item.get("member_id") if isinstance(item, dict) else None
        if isinstance(member_id, int) and not isinstance(member_id, bool):
            seen[member_id] += 1
    for index, item in enumerate(entries):
        member_id = item.get("member_id") if isinstance(item, dict) else None
        if not isinstance(member_id, int) or isinstance(member_id, bool) or member_id < 1:
            errors[f"bases[{index}]"] = "每项应含党员编号 member_id（正整数）"
            continue
        key = str(member_id)
        if seen[member_id] > 1:
            errors[key] = "同一党员出现多次，每名党员只能核定一个基数"
            continue
        kind_text = item.get("kind") or current_kinds.get(member_id)
        if not kind_text:
            errors[key] = "该党员尚无基数，请选择党费类别"
            continue
        try:
            kind = kind_of(kind_text)
        except ValueError as error:
            errors[key] = f"党费类别{error}"
            continue
        try:
            month = sheet_month(item["from_month"]) if item.get("from_month") else default_month
        except ValueError as error:
            errors[key] = f"起始月份{error}"
            continue
        try:
            base, due = judged(kind, item.get("amount"), month)
        except ValueError as error:
            errors[key] = str(error)
            continue
        judged_entries.append(entry(None, member_id, base, due))
    return judged_entries, errors
