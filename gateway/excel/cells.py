"""Cell values that are safe to hand to a spreadsheet program; amounts as numbers."""
from decimal import Decimal, InvalidOperation

from openpyxl.cell import WriteOnlyCell

# A cell that begins with one of these can run as a formula in Excel or WPS (CSV/formula
# injection); OWASP's advice is a leading apostrophe, and the cell is stored as text anyway.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def text_cell(sheet, value, **style) -> WriteOnlyCell:
    """A write-only cell holding `value` as text, never as a formula."""
    cell = WriteOnlyCell(sheet, value=inert(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


# Amounts (元) show two decimals with thousands separators and stay numbers a sheet can sum.
MONEY_FORMAT = "#,##0.00"


def money_cell(sheet, value, **style) -> WriteOnlyCell:
    """A write-only cell holding an amount ("12.30", "-5.00" or a Decimal, as the services send them)
    as a number shown with two decimals — a negative one too, which `text_cell` would keep as text
    behind an apostrophe. Empty stays empty; anything that is not an amount is written as text."""
    if value is None or value == "" or isinstance(value, bool):
        return text_cell(sheet, None if value == "" else value, **style)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return text_cell(sheet, value, **style)
    if not amount.is_finite():
        return text_cell(sheet, value, **style)
    cell = WriteOnlyCell(sheet, value=amount)
    cell.number_format = MONEY_FORMAT
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell
