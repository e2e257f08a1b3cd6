"""Cell values that are safe to hand to a spreadsheet program."""
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
