"""Spreadsheet cells never run as formulas; roster columns are chosen by name."""
import pytest
from openpyxl import Workbook

from gateway.excel.cells import inert, text_cell
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
