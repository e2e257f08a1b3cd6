"""导入上年报表: a workbook in the official layout (PMIS's own export, and one built by hand the way
the official system lays it out) read into PMIS's tables, with every problem named by sheet, row
and column. The workbooks are made with openpyxl here and read by the gateway's reader, as the
worker reads an upload."""
import copy
import io

import pytest
from openpyxl import Workbook

from gateway.excel.reader import read_report_sheets
from gateway.excel.report import report_workbook
from gateway.excel.safe_read import MAX_SHEET_ROWS, SheetError, SheetTooLarge
from services.stats.domain.report_cells import totals
from services.stats.domain.report_import import letters, read_report, shape_problem
from services.stats.domain.tables import evaluate_all, figures
from services.stats.reports import named

YEAR = 2024


def layout() -> list:
    return named(evaluate_all(figures([], YEAR)))


def filled() -> list:
    """Last year's report: 10 at the start, 3 developed, 1 died → 12 at the end."""
    tables = copy.deepcopy(layout())
    t1 = tables[0]["rows"][0]["cells"]
    t1.update(year_start=10, increase_total=3, increase_develop=3, decrease_total=1, decrease_death=1, year_end=12)
    t2 = tables[1]["rows"]
    t2[0]["cells"].update(total=12, a30=2, a35=10)
    next(row for row in t2 if row["key"] == "occupation_1")["cells"].update(total=12, a30=2, a35=10)  # 工人, in a row
    return tables


def exported(tables: list, year: int = YEAR) -> bytes:
    return report_workbook({"tables": tables, "year": year, "status_name": "已接收", "explanation": "说明"}, "某党委",
                           {"items": [], "out_members": 0, "in_members": 0})


def read(content: bytes, year: int = YEAR) -> dict:
    return read_report(read_report_sheets(content), layout(), year)


def official(t1_rows: list[list], extra_sheets: dict | None = None, period: str = f"报告期：{YEAR}年12月31日") -> bytes:
    """表1 as the official system lays it out, written by hand: the sheet named by its number,
    groups above labels in rows 3–4, zeros left blank, data from row 5."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "表1"
    sheet.append(["表1 两年党员数综合比较"])
    sheet.append(["填报单位：某党委", None, None, period])
    columns = layout()[0]["columns"]
    sheet.append(["项目", *[c["group"] or c["label"] for c in columns]])
    sheet.append([None, *[c["label"] if c["group"] else None for c in columns]])
    for row in t1_rows:
        sheet.append(row)
    for name, rows in (extra_sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in rows:
            other.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def t1_row(**cells) -> list:
    columns = layout()[0]["columns"]
    return ["合计", *[cells.get(c["key"]) for c in columns]]


def column_of(key: str, table: int = 0) -> str:
    """The Excel column of a layout column (A holds the row labels)."""
    return letters(2 + [c["key"] for c in layout()[table]["columns"]].index(key))


def messages(items: list) -> str:
    return "\n".join(item["message"] for item in items)


def test_pmis_own_export_reads_back_exactly():
    tables = filled()
    result = read(exported(tables))
    assert result["errors"] == [] and result["warnings"] == []
    assert result["tables"] == tables
    assert result["year_end_total"] == 12
    assert [t["name"] for t in result["read"]][:2] == ["表1", "表2"]
    assert result["read"][0]["sheet"] == "表1 两年党员数综合比较" and result["read"][0]["cells"] == 21


def test_the_official_layout_with_blank_zeros_is_read():
    result = read(official([t1_row(year_start=10, increase_total=3, increase_develop=3, year_end=13)]))
    assert result["errors"] == []
    assert result["year_end_total"] == 13 and totals(result["tables"]) == {"year_start_total": 10,
                                                                           "year_end_total": 13}
    cells = result["tables"][0]["rows"][0]["cells"]
    assert cells["decrease_total"] == 0 and cells["difference"] == 0
    # the other tables are not in the file: said, not refused
    assert "文件中没有表2（党员基本情况），导入后该表没有上年数" in messages(result["warnings"])
    assert [t["key"] for t in result["tables"]] == ["t1"]


def test_year_end_of_table_one_is_required():
    result = read(official([t1_row(year_start=10)]))
    assert result["year_end_total"] is None
    assert result["errors"] == [{"sheet": "表1", "row": 5, "column": column_of("year_end"),
                                 "message": f"工作表「表1」第5行{column_of('year_end')}列：「本年底实有党员数」必填"}]


def test_a_missing_table_one_or_its_year_end_column_is_an_error():
    without = read(exported([t for t in filled() if t["key"] != "t1"]))
    assert "文件中没有表1（两年党员数综合比较）：须有其「本年底实有党员数」" in messages(without["errors"])
    tables = filled()
    tables[0]["columns"] = [c for c in tables[0]["columns"] if c["key"] != "year_end"]
    no_column = read(exported(tables))
    assert "工作表「表1 两年党员数综合比较」：缺少「本年底实有党员数」列" in messages(no_column["errors"])
    rows = read(official([["小计", 1]]))
    assert "工作表「表1」：缺少「合计」行" in messages(rows["errors"])
    assert "工作表「表1」第5行A列：PMIS 没有「小计」行，已忽略" in messages(rows["warnings"])


@pytest.mark.parametrize("value, problem", [("十二", "不是数字"), (-3, "不能为负数"), ("-3", "不能为负数"),
                                            (2.5, "应为整数"), ("2.5", "应为整数"), (200_000_000, "不能超过")])
def test_a_bad_figure_is_named_by_sheet_row_and_column(value, problem):
    result = read(official([t1_row(year_end=5, increase_develop=value)]))
    column = column_of("increase_develop")
    assert len(result["errors"]) == 1, result["errors"]
    error = result["errors"][0]
    assert (error["sheet"], error["row"], error["column"]) == ("表1", 5, column)
    assert error["message"].startswith(f"工作表「表1」第5行{column}列：「增加党员·发展党员」{problem}")
    assert result["year_end_total"] == 5  # the figure the import is for was read all the same


def test_figures_typed_as_text_or_as_whole_decimals_are_taken():
    result = read(official([t1_row(year_end="12", increase_develop=3.0, year_start=" 9 ")]))
    assert result["errors"] == []
    cells = result["tables"][0]["rows"][0]["cells"]
    assert (cells["year_end"], cells["increase_develop"], cells["year_start"]) == (12, 3, 9)


def test_unknown_sheets_and_columns_are_ignored_with_a_warning():
    tables = filled()
    tables[0]["columns"].append({"key": "extra", "label": "备注数", "group": None})
    content = exported(tables)
    extra = {"表16 党组织书记情况": [["表16 党组织书记情况"]], "附表 整建制": [["附表"]]}
    workbook_with_extra = official([t1_row(year_end=12)], extra)
    result = read(content)
    assert result["errors"] == []
    assert messages(result["warnings"]) == (
        f"工作表「表1 两年党员数综合比较」第3行{letters(24)}列：PMIS 没有「备注数」列，已忽略")
    other = read(workbook_with_extra)
    assert "工作表「表16 党组织书记情况」：PMIS 不统计此表，已忽略" in messages(other["warnings"])
    assert "附表" not in messages(other["warnings"])  # the official export's appendix: not a table of figures


def test_a_missing_column_of_another_table_counts_as_zero_with_a_warning():
    tables = filled()
    tables[1]["columns"] = [c for c in tables[1]["columns"] if c["key"] != "a30"]
    result = read(exported(tables))
    assert result["errors"] == []
    assert "工作表「表2 党员基本情况」：缺少「年龄·30岁及以下」列，按0计" in messages(result["warnings"])
    assert result["tables"][1]["rows"][0]["cells"]["a30"] == 0


def test_the_report_period_must_be_last_year():
    result = read(exported(filled(), year=YEAR - 1))
    assert "报告期为2023年，应为2024年的年报" in messages(result["errors"])
    assert result["errors"][0]["row"] == 2


def test_a_stated_difference_is_recomputed_and_said():
    result = read(official([t1_row(year_start=10, year_end=12, difference=5)]))
    assert result["errors"] == []
    assert result["tables"][0]["rows"][0]["cells"]["difference"] == 2
    assert "「实有数与应有数之差」为5，按公式计算为2，以计算值为准" in messages(result["warnings"])


def test_a_table_found_twice_is_read_once():
    content = official([t1_row(year_end=12)], {"表1（续）": [["表1 两年党员数综合比较"]]})
    result = read(content)
    assert result["year_end_total"] == 12
    assert "工作表「表1（续）」：表1已在工作表「表1」中读取，此表已忽略" in messages(result["warnings"])


def test_the_reader_refuses_what_is_not_a_workbook_or_too_large():
    with pytest.raises(SheetError) as not_xlsx:
        read_report_sheets(b"hello, not a spreadsheet")
    assert "不是有效的 Excel" in not_xlsx.value.message
    with pytest.raises(SheetTooLarge) as too_long:
        read_report_sheets(official([t1_row(year_end=1)] * (MAX_SHEET_ROWS + 5)))
    assert f"最多 {MAX_SHEET_ROWS} 行" in too_long.value.message


def test_the_service_refuses_anything_but_the_readers_shape():
    assert shape_problem([{"sheet": "表1", "rows": [["合计", 1]]}]) is None
    assert shape_problem({"sheet": "表1"}) == "应为工作表列表"
    assert shape_problem([{"sheet": 1, "rows": []}]) == "工作表格式有误"
    assert shape_problem([{"sheet": "表1", "rows": [[{"x": 1}]]}]) == "单元格格式有误"
