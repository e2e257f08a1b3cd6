"""Reading a filled-in member collection sheet: headers matched by name (any order, extra
columns ignored), every value turned into text the member service validates.

python-calamine (Rust) reads 100,000 rows in about a second; openpyxl's reader took ~30 s.
It only reads what safe_read vetted, and the gateway runs this in a worker process with a
memory limit (gateway/excel/worker.py), never in its own."""
import io
from datetime import date, datetime

from python_calamine import CalamineWorkbook

from services.member.contract import (
    APPLICANT_IMPORT_COLUMNS,
    DEVELOPMENT_IMPORT_COLUMNS,
    HISTORY_IMPORT_COLUMNS,
    IMPORT_COLUMNS,
    INFO_COLUMNS,
    INFO_SHEETS,
    INFO_WORKBOOK,
)
from services.org.contract import ORG_IMPORT_COLUMNS, SANCTION_IMPORT_COLUMNS, SANCTION_SHEET
from services.shared.dues_sheet import BASE_IMPORT_COLUMNS, BASE_SHEET, PAYMENT_IMPORT_COLUMNS, PAYMENT_SHEET
from services.shared.mobility_sheet import INFLOW_IMPORT_COLUMNS, INFLOW_SHEET, OUTFLOW_IMPORT_COLUMNS, OUTFLOW_SHEET
from services.shared.orglife_sheet import (
    MEETING_FILE_COLUMNS,
    MEETING_FILE_SHEET,
    MEETING_IMPORT_COLUMNS,
    MEETING_SHEET,
)
from services.shared.term_sheet import TERM_IMPORT_COLUMNS, TERM_SHEET

from .safe_read import (
    MAX_ROWS,
    SheetError,
    SheetTooLarge,
    not_a_workbook,
    vetted_named_sheets,
    vetted_sheets,
    vetted_workbook,
)

NUMERIC_ID = "公民身份号码被存为数字（会丢失末几位），请将该列设为文本格式后重新填写"
__all__ = ["SheetError", "read_applicant_rows", "read_development_rows", "read_dues_base_rows",
           "read_dues_payment_rows", "read_history_rows", "read_inflow_rows", "read_info_rows", "read_member_rows",
           "read_meeting_file_rows", "read_meeting_rows", "read_org_rows", "read_outflow_rows", "read_report_sheets",
           "read_sanction_rows", "read_term_rows", "read_rows"]
REPORT_WORKBOOK = "党内统计年报"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _sheet_rows(content: bytes, sheet: str):
    """The sheet's rows from row 1 and column A, one at a time (a list of every row would hold
    each cell as a Python object at once)."""
    packed, name = vetted_workbook(content, sheet)
    try:
        rows = CalamineWorkbook.from_filelike(io.BytesIO(packed)).get_sheet_by_name(name)
        padding = [None] * rows.start[1] if rows.start else []  # rows start at row 1, columns at the first used
        for values in rows.iter_rows():
            yield padding + values
    except Exception:  # calamine raises several types for files that are not spreadsheets
        raise not_a_workbook(sheet) from None


def read_member_rows(content: bytes) -> list[dict]:
    """[{"row": sheet row number, <column key>: text, …}] for every non-empty row."""
    return read_rows(content, IMPORT_COLUMNS, "党员采集表")


def read_applicant_rows(content: bytes) -> list[dict]:
    return read_rows(content, APPLICANT_IMPORT_COLUMNS, "入党申请人采集表")


def read_development_rows(content: bytes) -> list[dict]:
    return read_rows(content, DEVELOPMENT_IMPORT_COLUMNS, "发展纪实采集表")


def read_dues_base_rows(content: bytes) -> list[dict]:
    """The 党费基数表 (a branch's members with their kind of base, amount and from month)."""
    return read_rows(content, BASE_IMPORT_COLUMNS, BASE_SHEET)


def read_dues_payment_rows(content: bytes) -> list[dict]:
    """The 党费交纳记录表 (数据迁移: months paid before PMIS, one a row)."""
    return read_rows(content, PAYMENT_IMPORT_COLUMNS, PAYMENT_SHEET)


def read_history_rows(content: bytes) -> list[dict]:
    """The 党籍变动历史表 (数据迁移: 入党, 转正, 转入/转出, 减少 before PMIS, one a row)."""
    return read_rows(content, HISTORY_IMPORT_COLUMNS, "党籍变动历史表")


def read_outflow_rows(content: bytes) -> list[dict]:
    """The 流出党员采集表 (数据迁移: members away when the province moves to PMIS, one a row)."""
    return read_rows(content, OUTFLOW_IMPORT_COLUMNS, OUTFLOW_SHEET)


def read_inflow_rows(content: bytes) -> list[dict]:
    """The 流入党员采集表 (数据迁移: members from outside at the province's organizations, one a row)."""
    return read_rows(content, INFLOW_IMPORT_COLUMNS, INFLOW_SHEET)


def read_term_rows(content: bytes) -> list[dict]:
    """The 换届采集表 (数据迁移: terms before PMIS, one committee member a row)."""
    return read_rows(content, TERM_IMPORT_COLUMNS, TERM_SHEET)


def read_meeting_rows(content: bytes) -> list[dict]:
    """The 组织生活采集表 (数据迁移: meetings before PMIS, one a row)."""
    return read_rows(content, MEETING_IMPORT_COLUMNS, MEETING_SHEET)


def read_meeting_file_rows(content: bytes) -> list[dict]:
    """The 组织生活附件清单 (数据迁移: the files of meetings recorded before, one a row)."""
    return read_rows(content, MEETING_FILE_COLUMNS, MEETING_FILE_SHEET)


def read_sanction_rows(content: bytes) -> list[dict]:
    """The 组织奖惩采集表 (数据迁移: the organizations' 奖励 and 惩处 before PMIS, one a row)."""
    return read_rows(content, SANCTION_IMPORT_COLUMNS, SANCTION_SHEET)


def read_org_rows(content: bytes) -> list[dict]:
    return read_rows(content, ORG_IMPORT_COLUMNS, "党组织采集表")


def read_rows(content: bytes, columns, sheet: str) -> list[dict]:
    """The rows of a collection sheet (`sheet` names it, and its template) with `columns`."""
    return _records(_sheet_rows(content, sheet), columns, sheet)


def read_info_rows(content: bytes) -> list[dict]:
    """The 党员信息集采集表 (数据迁移: a sheet a repeating info set of the member card): every row of
    every set's sheet, with its set ("set") and its row number in that sheet."""
    packed, names = vetted_named_sheets(content, INFO_WORKBOOK, list(INFO_SHEETS))
    result = []
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(packed))
        sheets = [(name, workbook.get_sheet_by_name(name)) for name in names]
    except Exception:  # calamine raises several types for files that are not spreadsheets
        raise not_a_workbook(INFO_WORKBOOK) from None
    for name, sheet in sheets:
        spec = INFO_SHEETS[name]
        padding = [None] * sheet.start[1] if sheet.start else []
        rows = (padding + values for values in sheet.iter_rows())
        result += [{**record, "set": spec.key} for record in _records(rows, INFO_COLUMNS[spec.key], name,
                                                                       MAX_ROWS - len(result))]
    return result


def _records(rows, columns, sheet: str, limit: int = MAX_ROWS) -> list[dict]:
    """A sheet's rows (an iterator from row 1) as records of `columns`, matched by their headers."""
    header = [_text(cell) for cell in next(rows, [])]
    positions = {column.key: header.index(column.header) for column in columns if column.header in header}
    missing = [column.header for column in columns if column.required and column.key not in positions]
    if missing:
        raise SheetError("缺少列：" + "、".join(missing) + f"（请使用下载的{sheet}模板）")
    result = []
    for number, values in enumerate(rows, start=2):
        if not any(value not in (None, "") for value in values):
            continue
        if len(result) >= limit:
            raise SheetTooLarge(f"一次最多导入 {MAX_ROWS} 行")
        record = {"row": number}
        for key, position in positions.items():
            value = values[position] if position < len(values) else None
            record[key] = _text(value)
            if key == "id_number" and isinstance(value, (int, float)):
                # 18 digits do not survive as a number (Excel keeps 15 significant digits).
                record["sheet_problems"] = {"id_number": NUMERIC_ID}
        result.append(record)
    return result


def _figure_or_text(value):
    """A report cell as JSON keeps it: numbers as numbers (so a typed "12" and a number 12 can be
    told apart from "十二"), dates and the rest as text, blanks as None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float)):
        return value
    return _text(value) or None


def read_report_sheets(content: bytes) -> list[dict]:
    """Every sheet of an annual report workbook (the official layout: a sheet per table), as
    [{"sheet": name, "rows": [[value, …] from row 1 and column A, trailing blanks cut]}] for the
    stats service to recognise (services/stats/domain/report_import.py)."""
    packed, names = vetted_sheets(content, REPORT_WORKBOOK)
    result = []
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(packed))
        for name in names:
            sheet = workbook.get_sheet_by_name(name)
            padding = [None] * sheet.start[1] if sheet.start else []
            rows = []
            for values in sheet.iter_rows():
                cells = [_figure_or_text(value) for value in padding + values]
                while cells and cells[-1] is None:
                    cells.pop()
                rows.append(cells)
            while rows and not rows[-1]:
                rows.pop()
            result.append({"sheet": name, "rows": rows})
    except Exception:  # calamine raises several types for files that are not spreadsheets
        raise not_a_workbook(REPORT_WORKBOOK) from None
    return result
