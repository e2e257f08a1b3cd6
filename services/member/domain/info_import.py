"""The 党员信息集采集表 (数据迁移), pure: a member's history in the card's repeating info sets (学历学位,
工作岗位, 职务, 技术职务, 民主评议, 培训情况, 奖惩情况, 其他党团信息, 困难党员) before PMIS — one sheet a set,
named as the card names it, one row of the set a row, the member found by the ID number. Each row is
read into the set's own form (validate_row: the same field and cross-field rules as 新增<信息集>) and
judged against the member's rows as recorded and the sheet's earlier rows. Nothing here writes
(docs/MIGRATION.md, "党员信息集采集表")."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from services.shared.field_errors import FieldErrors, RowProblems
from services.shared.field_rules import sheet_form
from services.shared.member_sheet import Column

from .info_sets import CODE, DATE, INFO_SETS, NUMBER, YEAR, InfoSet, MemberDates, validate_row

INFO_WORKBOOK = "党员信息集采集表"
ALREADY = "该党员已有这条信息，不再重复写入（同一文件重复导入时出现）"
NOT_FOUND = "本账号管理范围内没有这个公民身份号码的党员（请先导入党员采集表）"
_HINTS = {CODE: "见“代码表”", DATE: "格式 YYYY-MM-DD", YEAR: "四位数年份，如 2024", NUMBER: "整数"}


def columns_of(spec: InfoSet) -> tuple[Column, ...]:
    """A set's sheet: the member (公民身份号码, 姓名), then the set's fields as the card labels them."""
    return (Column("id_number", "公民身份号码", True,
                   "党员的18位公民身份号码（须已录入或导入党员，且在本账号管理范围内）"),
            # "member_name": a set's own field may be "name" (奖惩名称, 培训名称)
            Column("member_name", "姓名", True, "须与党员名册一致"),
            *(Column(item.key, item.label, item.required,
                     "；".join(part for part in (_HINTS.get(item.kind, f"不超过{item.max_length}个字"),
                                                 "必填" if item.required else "") if part))
              for item in spec.fields))


SHEETS = {spec.label: spec for spec in INFO_SETS.values()}  # a sheet's title → its set
COLUMNS = {spec.key: columns_of(spec) for spec in INFO_SETS.values()}


def read_row(spec: InfoSet, raw: Mapping, member: MemberDates, today: date, others: Iterable[Mapping]) -> dict:
    """The row's values as the set keeps them (validate_row), a date also as Excel has it (2015/3/1,
    2015年3月1日). `others`: the member's rows of the set, recorded and earlier in the sheet.
    RowProblems {field key: Chinese message} when a field is wrong."""
    form, problems = sheet_form(raw, [(item.key, item.label, item.kind == DATE) for item in spec.fields])
    try:
        values = validate_row(spec, form, member, today, others)
    except FieldErrors as errors:
        problems.update({key: message for key, message in errors.fields.items() if key not in problems})
        values = None
    if problems:
        raise RowProblems(problems)
    return values


def same_row(spec: InfoSet, values: Mapping, other: Mapping) -> bool:
    """Every field of the set equal: the row recorded before (the same file twice)."""
    return all(values.get(key) == other.get(key) for key in spec.keys)


@dataclass(frozen=True)
class Person:
    """What the member service knows of a row's member: id, name on the rolls, dates the rules need."""
    id: int
    name: str
    dates: MemberDates


def judge(spec: InfoSet, raw: Mapping, person: Person | None, today: date, recorded: list[Mapping],
          earlier: list[tuple[int, Mapping]]) -> tuple[dict | None, list[tuple[str, str]]]:
    """(the row's values, []), or (None, [(field key, Chinese reason), …]) it cannot be written for.
    `recorded`: the member's rows of the set; `earlier`: (row number, values) of the sheet's rows of the
    same member and set accepted before this one. A row equal to one recorded is refused as imported
    before (ahead of the rules that compare rows: a 民主评议 of the same year is the same row again)."""
    if person is None:
        return None, [("id_number", NOT_FOUND)]
    name = str(raw.get("member_name") or "").strip()
    if name != person.name:
        return None, [("member_name", f"姓名与公民身份号码不符（名册中为“{person.name}”）" if name else "请填写姓名")]
    try:
        values = read_row(spec, raw, person.dates, today, [])
        if any(same_row(spec, values, row) for row in recorded):
            return None, [("id_number", ALREADY)]
        twin = next((row_no for row_no, other in earlier if same_row(spec, values, other)), None)
        if twin is not None:
            return None, [("id_number", f"与第 {twin} 行是同一条信息")]
        return read_row(spec, raw, person.dates, today, [*recorded, *(other for _, other in earlier)]), []
    except RowProblems as problems:
        return None, list(problems.fields.items())


# The workbook's columns as one list, each named with its sheet ("学历学位：毕业日期"): how an import's
# refused row names its column (the rows of every sheet are one import; a row's field is "<set>.<key>").
REPORT_COLUMNS = tuple(Column(f"{spec.key}.{column.key}", f"{spec.label}：{column.header}", column.required,
                              column.note) for spec in INFO_SETS.values() for column in COLUMNS[spec.key])
