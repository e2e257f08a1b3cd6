"""党内统计年报 in the official layout: one sheet per table with its title, 填报单位 and
report period, two-level column headers (a column's group above its label), landscape, fit
to one page wide, every text cell formula-safe."""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from services.stats.contract import COVER_FIELDS

from .cells import inert

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_ROWS = (3, 4)
FIRST_DATA_ROW = 5
FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})


def header_spans(columns: list) -> list[tuple[str, int, int]]:
    """Runs of consecutive columns sharing a group: (group or "", first index, last index)."""
    spans: list[list] = []
    for index, column in enumerate(columns):
        group = column.get("group") or ""
        if group and spans and spans[-1][0] == group and spans[-1][2] == index - 1:
            spans[-1][2] = index
        else:
            spans.append([group, index, index])
    return [tuple(span) for span in spans]


def _text(sheet, row: int, column: int, value, **style):
    cell = sheet.cell(row=row, column=column, value=inert(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def table_name(table: dict) -> str:
    """表1 … as the report view numbers its tables (the title alone when it has no number)."""
    return table.get("name") or table["title"]


def heading(table: dict) -> str:
    name = table_name(table)
    return name if name == table["title"] else f"{name} {table['title']}"


def sheet_name(table: dict) -> str:
    return heading(table).translate(FORBIDDEN_IN_SHEET_NAMES)[:31]


def period_text(report: dict) -> str:
    """报告期 as the sheets read it, "2026年6月30日": the report's period end (the report date of its
    year, 系统设置 统计报告期截止日; 12-31 when a report does not say)."""
    year, month, day = (int(part) for part in str(report.get("period_end") or f"{report['year']}-12-31").split("-"))
    return f"{year}年{month}月{day}日"


def _write_table(sheet, table: dict, org_name: str, period: str, status_name: str) -> None:
    columns = table["columns"]
    width = len(columns) + 1
    _text(sheet, 1, 1, heading(table), font=Font(bold=True, size=16), alignment=CENTER)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.row_dimensions[1].height = 30
    _text(sheet, 2, 1, f"填报单位：{org_name}")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(1, width // 2))
    _text(sheet, 2, width, f"报告期：{period}（{status_name}）", alignment=Alignment(horizontal="right"))

    top, bottom = HEADER_ROWS
    _text(sheet, top, 1, "项目", font=Font(bold=True), alignment=CENTER)
    sheet.merge_cells(start_row=top, start_column=1, end_row=bottom, end_column=1)
    for group, first, last in header_spans(columns):
        if group:
            _text(sheet, top, first + 2, group, font=Font(bold=True), alignment=CENTER)
            sheet.merge_cells(start_row=top, start_column=first + 2, end_row=top, end_column=last + 2)
            for index in range(first, last + 1):
                _text(sheet, bottom, index + 2, columns[index]["label"], font=Font(bold=True), alignment=CENTER)
        else:
            _text(sheet, top, first + 2, columns[first]["label"], font=Font(bold=True), alignment=CENTER)
            sheet.merge_cells(start_row=top, start_column=first + 2, end_row=bottom, end_column=first + 2)
    for offset, row in enumerate(table["rows"]):
        at = FIRST_DATA_ROW + offset
        _text(sheet, at, 1, row["label"])
        for index, column in enumerate(columns):
            sheet.cell(row=at, column=index + 2, value=int(row["cells"].get(column["key"], 0)))
    last_row = FIRST_DATA_ROW + len(table["rows"]) - 1
    for cells in sheet.iter_rows(min_row=top, max_row=last_row, max_col=width):
        for cell in cells:
            cell.border = BOX
    sheet.column_dimensions["A"].width = 14
    for index in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 9
    sheet.row_dimensions[bottom].height = 48
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=2)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{top}:{bottom}"


def _write_cover(sheet, report: dict, org_name: str, status_name: str) -> None:
    """报表封面: the title, 填报单位, 报告期 and the cover's people, phone and date."""
    cover = report.get("cover") or {}
    _text(sheet, 1, 1, f"{report['year']}年党内统计年报", font=Font(bold=True, size=20), alignment=CENTER)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    sheet.row_dimensions[1].height = 48
    lines = [("填报单位", org_name), ("报告期", period_text(report))]
    lines += [(label, cover.get(key) or "") for key, label in COVER_FIELDS.items()]
    lines.append(("报表状态", status_name))
    for number, (label, value) in enumerate(lines, start=3):
        _text(sheet, number, 1, label, font=Font(bold=True), border=BOX, alignment=CENTER)
        _text(sheet, number, 2, value, border=BOX)
        sheet.row_dimensions[number].height = 26
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 50
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


DIRECTIONS = {"out": "转出", "in": "转入", "both": "转出、转入（两端均在本组织内）"}
WHOLE_ORG_COLUMNS = (("序号", 6), ("整建制转移的党组织", 30), ("原上级党组织", 26), ("新的上级党组织", 26),
                     ("随转党员数", 11), ("接收日期", 12), ("方向", 16))


def _write_whole_org(sheet, attachment: dict, org_name: str, year: int) -> None:
    """附表 整建制转入/转出情况: one row per 整建制转移 counted in the report, then the totals."""
    width = len(WHOLE_ORG_COLUMNS)
    _text(sheet, 1, 1, "附表 整建制转入/转出情况", font=Font(bold=True, size=16), alignment=CENTER)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    _text(sheet, 2, 1, f"填报单位：{org_name}　报告期：{year}年")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    for index, (label, column_width) in enumerate(WHOLE_ORG_COLUMNS, start=1):
        _text(sheet, 3, index, label, font=Font(bold=True), alignment=CENTER, border=BOX)
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    row = 3
    for number, item in enumerate(attachment["items"], start=1):
        row += 1
        values = (number, item["org_name"], item.get("from_org_name") or "—", item.get("to_org_name") or "—",
                  item["members"], item["effective_on"], DIRECTIONS[item["direction"]])
        for index, value in enumerate(values, start=1):
            cell = _text(sheet, row, index, value, border=BOX) if isinstance(value, str) else \
                sheet.cell(row=row, column=index, value=value)
            cell.border = BOX
    if not attachment["items"]:
        row += 1
        _text(sheet, row, 1, "报告年度内无整建制转移", border=BOX)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    totals = f"合计：整建制转出党员{attachment['out_members']}名，整建制转入党员{attachment['in_members']}名"
    _text(sheet, row + 2, 1, totals)
    sheet.merge_cells(start_row=row + 2, start_column=1, end_row=row + 2, end_column=width)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def report_workbook(report: dict, org_name: str, whole_org: dict | None = None) -> bytes:
    """The report (tables, year, status_name, explanation) as an .xlsx file's bytes; `whole_org`,
    the attachment 整建制转入/转出情况 (whole_org_attachment), as its own sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    status_name = report.get("status_name") or ""
    _write_cover(workbook.create_sheet("封面"), report, org_name, status_name)
    for table in report["tables"]:
        _write_table(workbook.create_sheet(sheet_name(table)), table, org_name, period_text(report), status_name)
    if whole_org is not None:
        _write_whole_org(workbook.create_sheet("附表 整建制转入转出情况"), whole_org, org_name, report["year"])
    if report.get("explanation"):
        notes = workbook.create_sheet("报表说明")
        _text(notes, 1, 1, "报表说明", font=Font(bold=True, size=14))
        _text(notes, 2, 1, report["explanation"], alignment=Alignment(wrap_text=True, vertical="top"))
        notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
