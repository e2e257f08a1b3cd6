"""Collection sheet templates (党员采集表, 党组织采集表): the import's columns, code lists for
drop-downs, and instructions."""
import io
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from services.dues.contract import (
    BASE_BRANCH_COLUMN,
    BASE_IMPORT_COLUMNS,
    BASE_KINDS,
    BASE_SHEET,
    PAYMENT_EXAMPLE,
    PAYMENT_IMPORT_COLUMNS,
    PAYMENT_METHODS,
    PAYMENT_SHEET,
)
from services.member.contract import (
    APPLICANT_IMPORT_COLUMNS,
    DEVELOPMENT_IMPORT_COLUMNS,
    HISTORY_EXAMPLE,
    HISTORY_IMPORT_COLUMNS,
    HISTORY_KINDS,
    IMPORT_COLUMNS,
    IMPORT_STEPS,
    INFO_COLUMNS,
    INFO_SETS,
)
from services.org.contract import (
    MEETING_KINDS,
    ORG_IMPORT_COLUMNS,
    SANCTION_EXAMPLE,
    SANCTION_IMPORT_COLUMNS,
    SANCTION_SHEET,
)
from services.shared.codes import (
    BODY_LEVELS,
    CLERK_LEAVE_KINDS,
    COMMITTEE_POSTS,
    EDUCATION,
    ETHNICITIES,
    MEMBER_CATEGORIES,
    OCCUPATIONS,
    ORG_AFFILIATIONS,
    ORG_SANCTION_KINDS,
    ORG_TYPES,
    PARTY_SETUPS,
    TERM_METHODS,
    UNIT_CATEGORIES,
    CodeTable,
)
from services.shared.mobility_sheet import (
    INFLOW_EXAMPLE,
    INFLOW_IMPORT_COLUMNS,
    INFLOW_SHEET,
    OUTFLOW_EXAMPLE,
    OUTFLOW_IMPORT_COLUMNS,
    OUTFLOW_SHEET,
)
from services.shared.orglife_sheet import (
    MEETING_EXAMPLE,
    MEETING_FILE_COLUMNS,
    MEETING_FILE_EXAMPLE,
    MEETING_FILE_SHEET,
    MEETING_IMPORT_COLUMNS,
    MEETING_SHEET,
)
from services.shared.term_sheet import TERM_EXAMPLE, TERM_IMPORT_COLUMNS, TERM_SHEET
from services.transfer.contract import OUTFLOW_REASONS

from .cells import inert

DATA_ROWS = 5000  # rows that get drop-downs and text formatting
YES_NO = CodeTable("是否", [("1", "是"), ("0", "否")])  # a drop-down of 是/否


def _column_letter(index: int) -> str:
    return chr(ord("A") + index)


@lru_cache(maxsize=1)
def member_template() -> bytes:
    return collection_template("党员采集表", IMPORT_COLUMNS,
                               {"ethnicity": ETHNICITIES, "category": MEMBER_CATEGORIES, "education": EDUCATION,
                                "occupation": OCCUPATIONS},
                               ("id_number", "joined_on", "org_code", "full_on", "branch_joined_on", "phone"))


@lru_cache(maxsize=1)
def applicant_template() -> bytes:
    return collection_template("入党申请人采集表", APPLICANT_IMPORT_COLUMNS,
                               {"ethnicity": ETHNICITIES, "education": EDUCATION, "occupation": OCCUPATIONS},
                               ("id_number", "applied_on", "org_code"))


@lru_cache(maxsize=1)
def development_template() -> bytes:
    return collection_template("发展纪实采集表", DEVELOPMENT_IMPORT_COLUMNS, {"step": IMPORT_STEPS},
                               ("id_number", "date"))


@lru_cache(maxsize=1)
def org_template() -> bytes:
    return collection_template("党组织采集表", ORG_IMPORT_COLUMNS,
                               {"type": ORG_TYPES, "affiliation": ORG_AFFILIATIONS, "unit_category": UNIT_CATEGORIES,
                                "unit_setup": PARTY_SETUPS},
                               ("code", "parent_code", "established_on", "contact_phone", "postcode"))


def dues_base_template(sheet: dict) -> bytes:
    """The 党费基数表 of an organization, prefilled (the dues service's base_sheet answer): each
    member's name and 公民身份号码 as in the member roster, the kind and amount of the base in
    force, and this month as the month the new bases apply from; kinds as a drop-down. A sheet
    spanning several organizations (a committee's) names each member's own in a last column."""
    branches = bool(sheet.get("branches"))
    columns = (*BASE_IMPORT_COLUMNS, BASE_BRANCH_COLUMN) if branches else BASE_IMPORT_COLUMNS
    rows = [[member["name"], member["id_number"], member["kind"], member["amount"], member["from_month"],
             *([member["org_name"]] if branches else [])] for member in sheet["members"]]
    return collection_template(BASE_SHEET, columns, {"kind": BASE_KINDS}, ("id_number", "amount", "from_month"), rows)


@lru_cache(maxsize=1)
def history_template() -> bytes:
    """The 党籍变动历史表 (数据迁移): one 党籍 change before PMIS a row; its 填写说明 shows an example row."""
    return collection_template("党籍变动历史表", HISTORY_IMPORT_COLUMNS,
                               {"kind": HISTORY_KINDS, "leave_kind": CLERK_LEAVE_KINDS}, ("id_number", "date"),
                               example=HISTORY_EXAMPLE)


@lru_cache(maxsize=1)
def dues_payment_template() -> bytes:
    """The 党费交纳记录表 (数据迁移): one paid month a row; its 填写说明 shows an example row."""
    return collection_template(PAYMENT_SHEET, PAYMENT_IMPORT_COLUMNS, {"method": PAYMENT_METHODS},
                               ("id_number", "month", "amount", "paid_on"), example=PAYMENT_EXAMPLE)


@lru_cache(maxsize=1)
def outflow_template() -> bytes:
    """The 流出党员采集表 (数据迁移): one member away a row; its 填写说明 shows an example row."""
    return collection_template(OUTFLOW_SHEET, OUTFLOW_IMPORT_COLUMNS, {"reason": OUTFLOW_REASONS, "abroad": YES_NO},
                               ("id_number", "from_date", "division", "to_org_code", "phone", "expected_return",
                                "certificate_no", "certificate_issued_on"),
                               example=OUTFLOW_EXAMPLE)


@lru_cache(maxsize=1)
def inflow_template() -> bytes:
    """The 流入党员采集表 (数据迁移): one member from outside a row; its 填写说明 shows an example row."""
    return collection_template(INFLOW_SHEET, INFLOW_IMPORT_COLUMNS, {},
                               ("org_code", "id_number", "certificate_no", "from_date", "ended_on"),
                               example=INFLOW_EXAMPLE)


@lru_cache(maxsize=1)
def term_template() -> bytes:
    """The 换届采集表 (数据迁移): one committee member (or, with the 选举情况, one candidate) a row, a
    term's rows sharing its organization and 选举日期; its 填写说明 shows an example row."""
    return collection_template(TERM_SHEET, TERM_IMPORT_COLUMNS,
                               {"method": TERM_METHODS, "post": COMMITTEE_POSTS, "elected": YES_NO},
                               ("org_code", "elected_on", "approved_on", "id_number"), example=TERM_EXAMPLE)


@lru_cache(maxsize=1)
def sanction_template() -> bytes:
    """The 组织奖惩采集表 (数据迁移): one 奖励 or 惩处 of an organization a row; its 填写说明 shows an example row."""
    return collection_template(SANCTION_SHEET, SANCTION_IMPORT_COLUMNS,
                               {"kind": ORG_SANCTION_KINDS, "level": BODY_LEVELS}, ("org_code", "approved_on"),
                               example=SANCTION_EXAMPLE)


@lru_cache(maxsize=1)
def meeting_template() -> bytes:
    """The 组织生活采集表 (数据迁移): one meeting a row; its 填写说明 shows an example row."""
    return collection_template(MEETING_SHEET, MEETING_IMPORT_COLUMNS, {"kind": MEETING_KINDS},
                               ("org_code", "held_at"), example=MEETING_EXAMPLE)


@lru_cache(maxsize=1)
def meeting_file_template() -> bytes:
    """The 组织生活附件清单 (数据迁移): one file of a meeting a row; its 填写说明 shows an example row."""
    return collection_template(MEETING_FILE_SHEET, MEETING_FILE_COLUMNS, {"kind": MEETING_KINDS},
                               ("org_code", "held_at", "filename"), example=MEETING_FILE_EXAMPLE)


def collection_template(title: str, columns, code_lists: dict, text_keys, rows=(), example=()) -> bytes:
    """A sheet `title` with `columns` (required headers red on pink), drop-downs from the code
    tables of `code_lists` ({column key: CodeTable}, listed on 代码表), `text_keys` columns
    formatted as text, a 填写说明 sheet (with an 示例 column when an `example` row is given, so the
    example is never imported), and `rows` (lists of values in the columns' order)
    filled in from row 2, as text that never runs as a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    _data_sheet(sheet, columns, text_keys, rows)
    lists = _code_sheet(workbook, code_lists)
    _drop_downs(sheet, columns, lists)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "必填", "说明", *(["示例"] if example else [])])
    for index, column in enumerate(columns):
        notes.append([column.header, "是" if column.required else "否", column.note,
                      *([example[index]] if example else [])])
    notes.column_dimensions["C"].width = 50
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _data_sheet(sheet, columns, text_keys, rows=()) -> None:
    """Headers (required ones red on pink), frozen; `rows` from row 2 as inert text; the `text_keys`
    columns formatted as text (ID numbers, codes and dates: 18 digits would lose precision as a number)."""
    required = PatternFill("solid", fgColor="FDE9E7")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True, color="B71C1C" if column.required else "000000")
        cell.fill = required if column.required else PatternFill()
        sheet.column_dimensions[_column_letter(index - 1)].width = max(12, len(column.header) * 2 + 4)
    sheet.freeze_panes = "A2"
    for number, values in enumerate(rows, start=2):
        for index, value in enumerate(values, start=1):
            sheet.cell(row=number, column=index, value=inert(value))
    for index, column in enumerate(columns):
        if column.key in text_keys:
            for row in range(2, max(DATA_ROWS, len(rows)) + 2):
                sheet[f"{_column_letter(index)}{row}"].number_format = "@"


def _code_sheet(workbook, code_lists: dict) -> dict[str, str]:
    """The 代码表 sheet, a column a code table ({key: CodeTable}); {key: the drop-down's range}."""
    codes = workbook.create_sheet("代码表")
    codes.append([table.name_zh for table in code_lists.values()])
    lists = {}
    for number, (key, table) in enumerate(code_lists.items()):
        for row, name in enumerate(table.names(), start=2):
            codes.cell(row=row, column=number + 1, value=name)
        letter = _column_letter(number)
        lists[key] = f"=代码表!${letter}$2:${letter}${len(table.names()) + 1}"
    return lists


def _drop_downs(sheet, columns, lists: dict[str, str], key_of=lambda column: column.key) -> None:
    """A drop-down from 代码表 on each column whose `key_of` has a list."""
    for index, column in enumerate(columns):
        if key_of(column) in lists:
            rule = DataValidation(type="list", formula1=lists[key_of(column)], allow_blank=True,
                                  showErrorMessage=True, errorTitle="输入有误", error="请从下拉列表中选择")
            rule.add(f"{_column_letter(index)}2:{_column_letter(index)}{DATA_ROWS + 1}")
            sheet.add_data_validation(rule)


@lru_cache(maxsize=1)
def info_template() -> bytes:
    """The 党员信息集采集表 (数据迁移): a sheet a repeating info set of the member card, named as the card
    names it, each with the member (公民身份号码, 姓名) and the set's fields; drop-downs from 代码表; a
    填写说明 sheet naming every sheet's columns."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    tables = {}  # every code table a set uses, once, by its name
    for spec in INFO_SETS.values():
        for item in spec.fields:
            if item.table is not None:
                tables.setdefault(item.table.name_zh, item.table)
    for spec in INFO_SETS.values():
        columns = INFO_COLUMNS[spec.key]
        kinds = {item.key: item.kind for item in spec.fields}
        sheet = workbook.create_sheet(spec.label)
        _data_sheet(sheet, columns, {column.key for column in columns
                                     if column.key == "id_number" or kinds.get(column.key) in ("date", "year")})
    lists = _code_sheet(workbook, tables)
    for spec in INFO_SETS.values():
        table_of = {item.key: item.table.name_zh for item in spec.fields if item.table is not None}
        _drop_downs(workbook[spec.label], INFO_COLUMNS[spec.key], lists, lambda column: table_of.get(column.key))
    notes = workbook.create_sheet("填写说明")
    notes.append(["工作表", "列", "必填", "说明"])
    notes.append(["（各表）", "", "", "每个工作表是党员信息卡的一个信息集，每行一条；不用的工作表可以删除或留空。"
                  "党员按公民身份号码查找（须已录入或导入党员），每行按“新增信息”的规则校验"])
    for spec in INFO_SETS.values():
        for column in INFO_COLUMNS[spec.key]:
            notes.append([spec.label, column.header, "是" if column.required else "否", column.note])
    notes.column_dimensions["D"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
