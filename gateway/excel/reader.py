"""Reading a filled-in member collection sheet: headers matched by name (any order, extra
columns ignored), every value turned into text the member service validates.

python-calamine (Rust) reads 100,000 rows in about a second; openpyxl's reader took ~30 s."""
import io
from datetime import date, datetime

from python_calamine import CalamineWorkbook

from services.member.contract import IMPORT_COLUMNS
from services.org.contract import ORG_IMPORT_COLUMNS

MAX_ROWS = 200_000
NUMERIC_ID = "公民身份号码被存为数字（会丢失末几位），请将该列设为文本格式后重新填写"


class SheetError(ValueError):
    """The file as a whole cannot be read; `.message` is Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


def _sheet_rows(content: bytes, sheet: str) -> list[list]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        name = sheet if sheet in workbook.sheet_names else workbook.sheet_names[0]
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:  # calamine raises several types for files that are not spreadsheets
        raise SheetError(f"文件不是有效的 Excel（.xlsx）文件，请使用下载的{sheet}模板") from None


def read_member_rows(content: bytes) -> list[dict]:
    """[{"row": sheet row number, <column key>: text, …}] for every non-empty row."""
    return read_rows(content, IMPORT_COLUMNS, "党员采集表")


def read_org_rows(content: bytes) -> list[dict]:
    return read_rows(content, ORG_IMPORT_COLUMNS, "党组织采集表")


def read_rows(content: bytes, columns, sheet: str) -> list[dict]:
    """The rows of a collection sheet (`sheet` names it, and its template) with `columns`."""
    rows = _sheet_rows(content, sheet)
    header = [_text(cell) for cell in (rows[0] if rows else [])]
    positions = {column.key: header.index(column.header) for column in columns if column.header in header}
    missing = [column.header for column in columns if column.required and column.key not in positions]
    if missing:
        raise SheetError("缺少列：" + "、".join(missing) + f"（请使用下载的{sheet}模板）")
    result = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(value not in (None, "") for value in values):
            continue
        if len(result) >= MAX_ROWS:
            raise SheetError(f"一次最多导入 {MAX_ROWS} 行")
        record = {"row": number}
        for key, position in positions.items():
            value = values[position] if position < len(values) else None
            record[key] = _text(value)
            if key == "id_number" and isinstance(value, (int, float)):
                # 18 digits do not survive as a number (Excel keeps 15 significant digits).
                record["sheet_problems"] = {"id_number": NUMERIC_ID}
        result.append(record)
    return result
