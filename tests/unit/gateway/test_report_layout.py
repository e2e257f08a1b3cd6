"""The report's Excel layout (official headers, page setup, formula-safe text) and the
geometry of its server-drawn charts."""
import io

from openpyxl import load_workbook

from gateway.excel.report import header_spans, report_workbook
from gateway.web.charts import bar_chart, bars, report_charts
from gateway.web.report_pages import header_rows
from tests.support.report_fixture import report


def named(data):
    for table in data["tables"]:
        table["name"] = f"表{table['key'][1:]}"
    return data


def test_consecutive_columns_of_a_group_share_one_upper_header():
    columns = [{"key": "a", "group": None}, {"key": "b", "group": "增加党员"}, {"key": "c", "group": "增加党员"},
               {"key": "d", "group": "减少党员"}, {"key": "e", "group": None}]
    assert header_spans(columns) == [("", 0, 0), ("增加党员", 1, 2), ("减少党员", 3, 3), ("", 4, 4)]


def test_workbook_has_a_sheet_per_table_with_title_unit_period_and_two_level_headers():
    data = named(report(year=2025))
    data.update(status_name="已上报", explanation="=1+1 说明", cover={"preparer": "=王干事", "phone": "0371-1"})
    book = load_workbook(io.BytesIO(report_workbook(data, "=HYPERLINK(\"x\")第一党支部")))
    assert book.sheetnames == ["封面", "表1 两年党员数综合比较", "表2 党员基本情况", "报表说明"]
    cover = book["封面"]
    assert cover["A1"].value == "2025年党内统计年报" and cover.page_setup.orientation == "portrait"
    assert [[cell.value for cell in row] for row in cover.iter_rows(min_row=3)] == [
        ["填报单位", "'=HYPERLINK(\"x\")第一党支部"], ["报告期", "2025年12月31日"],
        ["单位负责人", None], ["统计负责人", None], ["填报人", "'=王干事"], ["联系电话", "0371-1"],
        ["报出日期", None], ["报表状态", "已上报"]]
    sheet = book["表1 两年党员数综合比较"]
    assert sheet["A1"].value == "表1 两年党员数综合比较"
    assert sheet["A2"].value == "填报单位：=HYPERLINK(\"x\")第一党支部"  # not a formula: it does not start with =
    assert sheet["O2"].value == "报告期：2025年12月31日（已上报）"
    assert [sheet.cell(row=3, column=c).value for c in (1, 2, 3, 8, 14, 15)] == [
        "项目", "上年底党员总数", "增加党员", "减少党员", "本年底实有党员数", "实有数与应有数之差"]
    assert [sheet.cell(row=4, column=c).value for c in range(3, 8)] == ["合计", "发展党员", "恢复党籍", "转入", "其他"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "C3:G3", "H3:M3", "N3:N4", "A1:O1"} <= merged
    assert [c.value for c in sheet[5]] == ["合计", 10, 2, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 11, 0]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert book["报表说明"]["A2"].value == "'=1+1 说明"
    assert all(cell.data_type != "f" for ws in book for row in ws.iter_rows() for cell in row)


def test_bars_scale_to_the_largest_and_an_empty_chart_has_no_width():
    geometry = bars([("30岁及以下", 5), ("61岁及以上", 10)], width=480)
    assert [b["width"] for b in geometry] == [85, 170]  # plot = 480 − 250 − 60
    assert [b["y"] for b in geometry] == [0, 24]
    assert [b["width"] for b in bars([("a", 0)])] == [0]


def test_chart_markup_escapes_labels_and_charts_skip_empty_breakdowns():
    svg = str(bar_chart("<t>", [("<script>", 1)]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and svg.startswith("<svg")
    charts = report_charts(named(report())["tables"])
    assert [c["title"] for c in charts] == ["表1 两年党员数综合比较：按增加党员", "表2 党员基本情况：按年龄"]


def test_the_page_header_rows_span_groups_and_ungrouped_columns_span_both_rows():
    columns = named(report())["tables"][0]["columns"]
    upper, lower = header_rows(columns)
    assert [(h["label"], h["colspan"], h["rowspan"]) for h in upper] == [
        ("上年底党员总数", 1, 2), ("增加党员", 5, 1), ("减少党员", 6, 1), ("本年底实有党员数", 1, 2),
        ("实有数与应有数之差", 1, 2)]
    assert [c["label"] for c in lower][:3] == ["合计", "发展党员", "恢复党籍"] and len(lower) == 11


def test_the_period_is_the_reports_period_end():
    data = named(report(year=2026))
    data.update(status_name="草稿", period_end="2026-06-30")
    book = load_workbook(io.BytesIO(report_workbook(data, "第一党支部")))
    assert [row[1].value for row in book["封面"].iter_rows(min_row=4, max_row=4)] == ["2026年6月30日"]
    assert book["表1 两年党员数综合比较"]["O2"].value == "报告期：2026年6月30日（草稿）"
