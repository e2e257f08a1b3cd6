"""The 组织奖惩采集表 (数据迁移), pure: the organizations' 组织奖惩 before PMIS (奖励 and 惩处 of the
organization card, 表12's 受表彰党组织), one record a row, the organization by its code; each row read
into the card's own record (validate_entry with SANCTION_FIELDS: the same rules as 新增组织奖惩) and judged
against the organization's records and the sheet's earlier rows. Nothing here writes
(docs/MIGRATION.md, "组织奖惩采集表")."""
from __future__ import annotations

from collections.abc import Mapping

from services.shared.field_errors import FieldErrors, RowProblems
from services.shared.field_rules import sheet_form
from services.shared.member_sheet import Column

from .org_card import SANCTION_FIELDS, validate_entry

SANCTION_SHEET = "组织奖惩采集表"
ALREADY = "该党组织已有这条奖惩记录，不再重复写入（同一文件重复导入时出现）"
_NOTES = {"kind": "奖励 或 惩处，见“代码表”", "name": "不超过100个字", "approved_on": "格式 YYYY-MM-DD，不晚于今天",
          "approver": "不超过100个字", "reason": "不超过500个字",
          "level": "中央、省（区、市）、市、县、乡镇（街道）、基层党组织，见“代码表”；表彰统计按它分列"}
SANCTION_IMPORT_COLUMNS = (
    Column("org_code", "党组织代码", True, "受奖惩的党组织的代码，须在本账号管理范围内"),
    *(Column(item.key, item.label, item.required, _NOTES[item.key]) for item in SANCTION_FIELDS),
)
SANCTION_EXAMPLE = ("0010203", "奖励", "先进基层党组织", "2021-06-28", "某县委", "县（市、区、旗）", "")
KEYS = tuple(item.key for item in SANCTION_FIELDS)


def read_row(raw: Mapping) -> dict:
    """The record as the card keeps it (validate_entry), a date also as Excel has it (2021/6/28);
    RowProblems {column key: Chinese message} when a column is wrong."""
    form, problems = sheet_form(raw, [(item.key, item.label, item.kind == "date") for item in SANCTION_FIELDS])
    try:
        values = validate_entry(SANCTION_FIELDS, form)
    except FieldErrors as errors:
        problems.update({key: message for key, message in errors.fields.items() if key not in problems})
    if problems:
        raise RowProblems(problems)
    return values


def judge(code: str, org: Mapping | None, values: Mapping, recorded, earlier) -> tuple[str, str] | None:
    """(column key, Chinese reason) the row cannot be written for, or None. `org`: the organization of
    the code ({name, in_scope, status}; None: no such code); `recorded`: its 组织奖惩 records; `earlier`:
    (row number, values) of the sheet's rows of the same organization accepted before."""
    if org is None:
        return "org_code", f"没有代码为“{code}”的党组织" if code else "请填写党组织代码"
    if not org["in_scope"]:
        return "org_code", "本账号管理范围内没有这个代码的党组织"
    if org["status"] != "active":
        return "org_code", f"党组织“{org['name']}”已撤销"
    if any(all(values.get(key) == other.get(key) for key in KEYS) for other in recorded):
        return "name", ALREADY
    twin = next((row_no for row_no, other in earlier if all(values.get(key) == other.get(key) for key in KEYS)), None)
    if twin is not None:
        return "name", f"与第 {twin} 行是同一条奖惩记录"
    return None
