"""发展纪实 as an .xlsx: the same record as the PDF (gateway/pdf/development_record.py) on one
worksheet — the person's data as label/value pairs, then one row per recorded step under the
细则's five stages (序号, 日期, 步骤, 办理情况, 录入, 状态), then the steps due; landscape A4, fit to
the page width, the step rows' header repeated on every printed page, every text cell
formula-safe."""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from ..pdf.development_record import TITLE, person_rows, phases, step_note, step_text
from .cells import inert

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
LABEL_FILL = PatternFill("solid", fgColor="EEEEEE")
STEP_COLUMNS = (("序号", 6), ("日期", 12), ("步骤", 24), ("办理情况", 60), ("录入", 26), ("状态", 10))


class Rows:
    """A sheet written row by row: boxed, wrapped, formula-safe cells."""

    def __init__(self, sheet):
        self.sheet, self.row = sheet, 0

    def write(self, values, bold: bool = False, fill=None) -> int:
        self.row += 1
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=column, value=inert(value) if isinstance(value, str) else value)
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cell.border, cell.alignment = BOX, WRAP
            if bold:
                cell.font = Font(bold=True)
            if fill is not None:
                cell.fill = fill
        return self.row

    def merge(self, first: int, last: int) -> None:
        self.sheet.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=last)


def record_workbook(record: dict) -> bytes:
    """The record (development_record: applicant, development, org_name, printed_on) as .xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TITLE
    name = record["applicant"]["name"]
    rows = Rows(sheet)
    rows.write([f"{name} {TITLE}"], bold=True)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=16)
    rows.merge(1, len(STEP_COLUMNS))
    rows.write(["基本情况"], bold=True)
    rows.merge(1, len(STEP_COLUMNS))
    for label, value in person_rows(record):
        rows.write([label, value], fill=None)
        sheet.cell(row=rows.row, column=1).fill = LABEL_FILL
        rows.merge(2, len(STEP_COLUMNS))
    rows.write(["发展过程"], bold=True)
    rows.merge(1, len(STEP_COLUMNS))
    header = rows.write([label for label, _ in STEP_COLUMNS], bold=True, fill=LABEL_FILL)
    number = 0
    for heading, steps in phases(record["development"].get("steps") or []):
        rows.write([heading], bold=True)
        rows.merge(1, len(STEP_COLUMNS))
        for step in steps:
            number += 1
            rows.write([number, step.get("date") or "", step.get("label") or step.get("step"), step_text(step),
                        step_note(step), "已回退" if step.get("undone") else "有效"])
    due = [item for item in record["development"].get("due") or () if item.get("due_on")]
    if due:
        rows.write(["待办步骤及期限"], bold=True)
        rows.merge(1, len(STEP_COLUMNS))
        for item in due:
            rows.write(["", "", item["label"], f"{item['due_on']}前" + ("（已超期）" if item.get("overdue") else "")])
    rows.row += 1
    sheet.cell(row=rows.row + 1, column=1, value=inert(f"打印日期：{record['printed_on']}"))
    return landscape(workbook, STEP_COLUMNS, header)


def landscape(workbook, columns, header: int) -> bytes:
    """The active sheet's `columns` ((label, width), …) sized, printed landscape on A4 fit to the
    page width with row `header` repeated on every page; the workbook's bytes."""
    sheet = workbook.active
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
