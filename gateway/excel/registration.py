"""党员登记表: one member's registration form (exported when a relationship moves across
provinces, 2017 manual 导出党员登记表) as one worksheet fit to one printed A4 page: the basic
set with the photo, then a section per info set and the 党籍 record."""
import io

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.page import PageMargins

from services.member.contract import INFO_SETS

from .cells import inert

COLUMNS = 8  # A–H; the photo takes G–H beside the first basic rows
WIDTHS = (12, 14, 10, 14, 12, 14, 10, 10)
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
PHOTO_ROWS = 5
PHOTO_SIZE = (100, 133)  # pixels: a 3:4 ID photo across two narrow columns and five rows


class Sheet:
    """Rows written top to bottom; each cell boxed, labels shaded."""

    def __init__(self, sheet):
        self.sheet, self.row = sheet, 1

    def cell(self, column: int, value, label: bool = False, span: int = 1, align=WRAP):
        cell = self.sheet.cell(row=self.row, column=column, value=inert(value) if value not in (None, "") else None)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula
        for col in range(column, column + span):
            edge = self.sheet.cell(row=self.row, column=col)
            edge.border = BOX
            if label:
                edge.fill = LABEL_FILL
        cell.alignment = CENTER if label else align
        if label:
            cell.font = Font(bold=True)
        if span > 1:
            self.sheet.merge_cells(start_row=self.row, start_column=column, end_row=self.row,
                                   end_column=column + span - 1)

    def pairs(self, *pairs):
        """Label/value pairs across the row: (label, value) or (label, value, columns the value spans)."""
        column = 1
        for label, value, *span in pairs:
            span = span[0] if span else 1
            self.cell(column, label, label=True)
            self.cell(column + 1, value, span=span)
            column += 1 + span
        self.row += 1

    def heading(self, text: str):
        self.cell(1, text, label=True, span=COLUMNS)
        self.sheet.cell(row=self.row, column=1).alignment = Alignment(horizontal="left", vertical="center")
        self.row += 1

    def table(self, headers: list[str], rows: list[list]):
        """A set's rows under its column headers; the last column spans what is left."""
        spans = _spans(len(headers))
        for values in [headers, *rows]:
            column = 1
            for value, span in zip(values, spans):
                self.cell(column, value, label=values is headers, span=span)
                column += span
            self.row += 1
        if not rows:
            self.cell(1, "无", span=COLUMNS)
            self.row += 1


def _spans(count: int) -> list[int]:
    """Spread `count` columns over the sheet's eight."""
    base, extra = divmod(COLUMNS, count)
    return [base + (1 if index < extra else 0) for index in range(count)]


def _shown(row: dict, field) -> str:
    value = row.get(f"{field.key}_name") if field.table is not None else row.get(field.key)
    return "" if value is None else str(value)


def _dash(value) -> str:
    return value if value else ""


def registration_workbook(card: dict, org_name: str, photo: bytes | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "党员登记表"
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    out = Sheet(sheet)
    out.cell(1, "中国共产党党员登记表", span=COLUMNS, align=CENTER)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=16)
    sheet.row_dimensions[1].height = 30
    out.row += 1

    out.heading("一、基本信息")
    photo_top = out.row
    # Six columns of label/value pairs beside the photo, then the full width below it.
    out.pairs(("姓名", card["name"]), ("性别", card.get("sex_name")), ("出生日期", card.get("birth_date")))
    out.pairs(("曾用名", _dash(card.get("former_name"))), ("民族", card.get("ethnicity_name")),
              ("籍贯", _dash(card.get("native_place"))))
    out.pairs(("公民身份号码", card["id_number"], 3), ("学历", _dash(card.get("education_name"))))
    out.pairs(("党员类别", card.get("category_name")), ("入党日期", card.get("joined_on")),
              ("转正日期", _dash(card.get("full_on"))))
    out.pairs(("工作岗位", _dash(card.get("occupation_name"))), ("进入支部日期", _dash(card.get("branch_joined_on"))),
              ("联系电话", _dash(card.get("phone"))))
    sheet.merge_cells(start_row=photo_top, start_column=7, end_row=photo_top + PHOTO_ROWS - 1, end_column=8)
    for row in range(photo_top, photo_top + PHOTO_ROWS):
        for column in (7, 8):
            sheet.cell(row=row, column=column).border = BOX
    if photo:
        image = Image(io.BytesIO(photo))
        image.width, image.height = PHOTO_SIZE
        sheet.add_image(image, f"G{photo_top}")
    else:
        sheet.cell(row=photo_top, column=7, value="照片").alignment = CENTER
    out.pairs(("所在党组织", org_name, COLUMNS - 1))
    out.pairs(("家庭住址", _dash(card.get("address")), COLUMNS - 1))

    numbers = ("二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三")  # 一 is the basic set
    for index, (key, spec) in enumerate(INFO_SETS.items()):
        out.heading(f"{numbers[index]}、{spec.label}")
        out.table([f.label for f in spec.fields],
                  [[_shown(row, f) for f in spec.fields] for row in card["info_sets"].get(key, [])])

    out.heading(f"{numbers[len(INFO_SETS)]}、党籍")
    status = card.get("status_name", "")
    if card.get("status") == "left":
        status = f"{status}（{card.get('leave_kind_name')}，{card.get('left_on')}）"
    out.pairs(("党籍状态", status, COLUMNS - 1))
    out.table(["日期", "变动", "原因", "状态"],
              [[c["date"], c["kind_name"] if c["action"] == "leave" else f"找回（原{c['kind_name']}）",
                c.get("reason") or "", "已回退" if c["undone"] else "有效"] for c in card.get("status_changes", [])])

    # One A4 page, portrait, whatever the number of rows: the printer scales to fit.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.print_area = f"A1:H{out.row - 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
