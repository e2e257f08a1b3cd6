"""Spreadsheet cells never run as formulas; roster columns are chosen by name."""
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from gateway.excel.cells import MONEY_FORMAT, inert, money_cell, text_cell
from gateway.excel.roster import ROSTER_COLUMNS, parse_columns


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_values_that_could_run_are_made_inert(value):
    assert inert(value) == "'" + value
    cell = text_cell(Workbook(write_only=True).create_sheet(), value)
    assert cell.data_type == "s" and cell.value.startswith("'")


def test_ordinary_values_are_untouched():
    assert inert("张三") == "张三" and inert("2010-07-01") == "2010-07-01" and inert(None) is None


def test_columns_default_to_all_and_keep_the_requested_order():
    assert parse_columns(None) == list(ROSTER_COLUMNS)
    assert parse_columns("org, name,name") == ["org", "name"]
    with pytest.raises(ValueError, match="未知的列：salary"):
        parse_columns("name,salary")


@pytest.mark.parametrize("value, number", [("-5.00", -5), ("1234.50", 1234.5), (Decimal("0.00"), 0), ("12", 12)])
def test_amounts_are_number_cells_with_two_decimals(value, number):
    """A negative amount (a 上缴 差额) too: a number, not the text "'-5.00" a text cell would make of it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([money_cell(sheet, value)])
    buffer = BytesIO()
    workbook.save(buffer)
    cell = load_workbook(BytesIO(buffer.getvalue())).active["A1"]
    assert (cell.data_type, cell.value, cell.number_format) == ("n", number, MONEY_FORMAT)


@pytest.mark.parametrize("value", ["—", "=1+1", "合计", "NaN"])
def test_what_is_not_an_amount_stays_inert_text(value):
    cell = money_cell(Workbook(write_only=True).create_sheet(), value)
    assert cell.data_type == "s" and cell.value == inert(value)
    assert money_cell(Workbook(write_only=True).create_sheet(), "").value is None
