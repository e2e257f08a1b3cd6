"""党员名册: a subtree's members with chosen columns, written page by page to a temporary
file (openpyxl write-only mode), so memory stays bounded however many members there are."""
import tempfile
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .cells import money_cell, text_cell


@dataclass(frozen=True)
class RosterColumn:
    key: str
    header: str
    width: int
    money: bool = False  # an amount: a number cell with two decimals (cells.money_cell)


ROSTER_COLUMNS = {column.key: column for column in (
    RosterColumn("name", "姓名", 12),
    RosterColumn("sex", "性别", 6),
    RosterColumn("birth_date", "出生日期", 12),
    RosterColumn("ethnicity", "民族", 10),
    RosterColumn("id_number", "公民身份号码", 21),
    RosterColumn("category", "党员类别", 10),
    RosterColumn("joined_on", "入党日期", 12),
    RosterColumn("org", "所在党组织", 30),
)}


PROBATION_ENDS = RosterColumn("probation_ends", "预备期满日期", 12)

# A 综合查询 may include members in history: the roster's columns and their status.
QUERY_COLUMNS = {**ROSTER_COLUMNS, **{column.key: column for column in (
    RosterColumn("status", "党籍状态", 8),
    RosterColumn("leave_kind", "减少类型", 12),
    RosterColumn("left_on", "减少日期", 12),
    RosterColumn("native_place", "籍贯", 12),
    RosterColumn("education", "学历", 12),
    RosterColumn("occupation", "工作岗位", 16),
    RosterColumn("full_on", "转正日期", 12),
    RosterColumn("branch_joined_on", "进入支部日期", 12),
    RosterColumn("phone", "联系电话", 14),
    RosterColumn("address", "家庭住址", 30),
)}}

# 入党申请人名册: rows are applicant views (services/member/store.applicant_view).
APPLICANT_COLUMNS = [RosterColumn("name", "姓名", 12), RosterColumn("sex", "性别", 6),
                     RosterColumn("birth_date", "出生日期", 12), RosterColumn("ethnicity", "民族", 10),
                     RosterColumn("id_number", "公民身份号码", 21), RosterColumn("education", "学历", 12),
                     RosterColumn("occupation", "工作岗位", 16), RosterColumn("applied_on", "申请入党日期", 12),
                     RosterColumn("stage", "发展阶段", 12), RosterColumn("org", "所在党组织", 30)]

# 组织名册: rows are organization views (name, code, type_name, parent_name, depth).
ORG_ROSTER_COLUMNS = [RosterColumn("depth", "层级", 6), RosterColumn("name", "党组织名称", 36),
                      RosterColumn("code", "党组织代码", 16), RosterColumn("type_name", "党组织类别", 12),
                      RosterColumn("parent_name", "上级党组织", 30)]


def parse_columns(raw: str | None, available: dict = ROSTER_COLUMNS) -> list[str]:
    """`name,sex,…` → keys in that order; every column when empty. ValueError names unknown ones."""
    if not raw:
        return list(available)
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    unknown = [key for key in keys if key not in available]
    if unknown or not keys:
        raise ValueError("未知的列：" + "、".join(unknown) if unknown else "至少选择一列")
    return list(dict.fromkeys(keys))


# Columns shown by name rather than code, or looked up; every other key is the row's own value.
DERIVED = {
    "sex": lambda row, names: row.get("sex_name"),
    "ethnicity": lambda row, names: row.get("ethnicity_name"),
    "category": lambda row, names: row.get("category_name"),
    "org": lambda row, names: names.get(str(row["org_id"]), ""),
    "status": lambda row, names: row.get("status_name"),
    "leave_kind": lambda row, names: row.get("leave_kind_name"),
    "education": lambda row, names: row.get("education_name"),
    "occupation": lambda row, names: row.get("occupation_name"),
    "stage": lambda row, names: row.get("stage_name"),
}


def cell_value(row: dict, key: str, org_names: dict) -> str:
    derive = DERIVED.get(key)
    return derive(row, org_names) if derive else row.get(key)


class RosterWriter:
    def __init__(self, title: str, columns: list[RosterColumn], sheet_name: str = "党员名册"):
        self.columns = columns
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(sheet_name)
        for index, column in enumerate(self.columns):
            self.sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
        self.sheet.freeze_panes = "A3"
        self.sheet.append([text_cell(self.sheet, title, font=Font(bold=True, size=14))])
        self.sheet.append([text_cell(self.sheet, c.header, font=Font(bold=True)) for c in self.columns])

    def landscape(self) -> "RosterWriter":
        """Print on A4 landscape, one page wide, the title and header rows on every page (before rows
        are written: a write-only sheet)."""
        self.sheet.page_setup.orientation = "landscape"
        self.sheet.page_setup.paperSize = "9"  # A4 (the write-only sheet lacks PAPERSIZE_A4)
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.page_setup.fitToWidth = 1
        self.sheet.page_setup.fitToHeight = 0
        self.sheet.print_title_rows = "1:2"
        return self

    def append(self, rows: list[dict], org_names: dict) -> None:
        for row in rows:
            self.sheet.append([(money_cell if c.money else text_cell)(self.sheet, cell_value(row, c.key, org_names))
                               for c in self.columns])

    def save(self) -> str:
        """Write the workbook to a temporary file and return its path (the caller deletes it)."""
        handle = tempfile.NamedTemporaryFile(prefix="pmis-roster-", suffix=".xlsx", delete=False)
        handle.close()
        self.workbook.save(handle.name)
        return handle.name
