"""Uploaded spreadsheets are checked before anything is inflated and while streaming: hostile
files are refused with 413/400 and a Chinese message, cheaply; valid sheets read as before."""
import io
import tracemalloc
import zipfile

import pytest
from openpyxl import load_workbook

from gateway.excel.reader import read_member_rows, read_org_rows
from gateway.excel.safe_read import (
    MAX_COLUMNS,
    MAX_ENTRIES,
    MAX_ROWS,
    ExtentScanner,
    SheetError,
    SheetTooLarge,
    check_archive,
    vetted_workbook,
)
from gateway.excel.template import member_template, org_template
from tests.support import hostile_sheets as hostile

SHEET = "党员采集表"


def refusal(content: bytes) -> SheetError:
    with pytest.raises(SheetError) as caught:
        read_member_rows(content)
    return caught.value


def peak_bytes(read, content: bytes) -> int:
    tracemalloc.start()
    try:
        with pytest.raises(SheetError):
            read(content)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_issue_file_with_cells_a1_and_xfd1048576_is_refused_as_too_large():
    content = hostile.a1_and_xfd()
    assert len(content) < 2000
    error = refusal(content)
    assert isinstance(error, SheetTooLarge) and error.status == 413
    assert error.message.startswith(
        f"表格超出允许范围：最多 {MAX_ROWS} 行（不含表头）、{MAX_COLUMNS} 列（党员采集表模板共 14 列）")


def test_the_far_cell_is_caught_while_streaming_when_the_dimension_understates_it():
    assert refusal(hostile.a1_and_xfd_undeclared()).status == 413


def test_a_huge_declared_dimension_is_refused_before_the_rows_are_read():
    error = refusal(hostile.huge_dimension())
    assert error.status == 413 and "表格超出允许范围" in error.message


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating():
    bomb = hostile.zip_bomb()  # ~1 MB inflating to 1 GiB
    assert len(bomb) < 1_200_000
    error = refusal(bomb)
    assert error.status == 413 and error.message == "文件过大：解压后超过 256 MB，请分批导入"
    assert peak_bytes(read_member_rows, bomb) < 8 * 1024 * 1024


def test_an_entry_compressed_beyond_any_real_sheet_is_refused_by_its_ratio():
    error = refusal(hostile.zip_bomb(mebibytes=100))  # within the total, 1000:1
    assert error.status == 413 and "压缩比异常" in error.message


def test_a_bomb_whose_headers_understate_its_size_is_never_inflated_past_them():
    bomb = hostile.zip_bomb(declared=1000)
    error = refusal(bomb)
    assert error.status == 400 and "不是有效的 Excel" in error.message
    assert peak_bytes(read_member_rows, bomb) < 8 * 1024 * 1024


def test_not_a_zip_a_truncated_zip_and_an_old_xls_are_bad_files():
    assert refusal(hostile.not_a_zip()).message == "文件不是有效的 Excel（.xlsx）文件，请使用下载的党员采集表模板"
    assert refusal(hostile.truncated(member_template())).status == 400
    old = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    assert old.status == 400 and ".xlsx" in old.message
    assert refusal(b"").status == 400


def test_one_column_more_than_allowed_is_refused_and_exactly_the_limit_is_read():
    assert refusal(hostile.columns(MAX_COLUMNS + 1)).status == 413
    assert read_member_rows(hostile.columns(MAX_COLUMNS)) == []


def test_too_many_entries_unexpected_or_duplicate_entries_are_refused():
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as book:
        for number in range(MAX_ENTRIES + 1):
            book.writestr(f"xl/media/image{number}.png", b"x")
    assert refusal(many.getvalue()).status == 413

    error = refusal(hostile.tiny_xlsx(hostile.worksheet([hostile.header_row()]), extra={"payload.exe": b"MZ"}))
    assert error.status == 400 and "payload.exe" in error.message

    twice = io.BytesIO()
    with zipfile.ZipFile(twice, "w") as book, pytest.warns(UserWarning):
        book.writestr("xl/workbook.xml", b"<workbook/>")
        book.writestr("xl/workbook.xml", b"<workbook/>")
    assert refusal(twice.getvalue()).status == 400


def test_a_file_over_the_upload_size_is_refused_before_opening():
    with pytest.raises(SheetTooLarge):
        check_archive(bytes(21 * 1024 * 1024), SHEET)


def scan(xml: str, chunk: int = 7, rows: int = 5, columns: int = 3) -> ExtentScanner:
    """`xml` fed in `chunk`-byte pieces (tags split anywhere) to a scanner with small limits."""
    scanner = ExtentScanner(SHEET, max_rows=rows, max_columns=columns)
    data = xml.encode()
    for at in range(0, len(data), chunk):
        scanner.feed(data[at:at + chunk])
    scanner.close()
    return scanner


@pytest.mark.parametrize("chunk", [3, 7, 64, 1 << 20])
def test_the_scanner_counts_rows_and_cells_with_and_without_references(chunk):
    within = scan('<sheetData><row r="1"><c r="A1"/><c r="C1"/></row><row><c/><c/><c/></row>'
                  '<row r="5"><c r="B5"><v>1</v></c></row></sheetData>', chunk)
    assert (within.rows, within.columns) == (5, 3)
    with pytest.raises(SheetTooLarge):
        scan('<row r="1"><c r="C1"/><c/></row>', chunk)  # the cell after C1 is D1
    with pytest.raises(SheetTooLarge):
        scan("<row/>" * 6, chunk)  # rows 1 to 6
    with pytest.raises(SheetTooLarge):
        scan('<row r="1"><c r="A6"/></row>', chunk)  # a cell's own reference counts


@pytest.mark.parametrize("xml", [
    '<x:row r="1"><x:c r="D1"/></x:row>',  # a namespace prefix
    '<row r="1"><c t=">" r="D1"/></row>',  # ">" in an earlier attribute
    "<row r='1'><c r='D1'/></row>",  # single quotes
    '<dimension ref="A1:C9"/><row r="1"><c r="A1"/></row>',  # the declared dimension
])
def test_the_scanner_is_not_fooled_by_unusual_but_valid_xml(xml):
    with pytest.raises(SheetTooLarge):
        scan(xml)


@pytest.mark.parametrize("xml", [
    '<row r="1"><c r="a1"/></row>',
    '<row r="x"><c r="A1"/></row>',
    '<row r="1"><c r="&#65;1"/></row>',
    '<row r="1"><![CDATA[<c r="A1">]]></row>',
    '<row r="1"><!-- <c r="D1"/> --></row>',
    '<dimension ref="whatever"/>',
])
def test_the_scanner_refuses_references_and_constructs_no_spreadsheet_writes(xml):
    with pytest.raises(SheetError) as caught:
        scan(xml)
    assert caught.value.status == 400


def filled(template: bytes, sheet: str, rows: list[list]) -> bytes:
    book = load_workbook(io.BytesIO(template))
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            book[sheet].cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_official_templates_pass_the_checks_and_read_as_before():
    values = ["张三", "11010519491231002X", "汉族", "正式党员", "2010-07-01", "B1"]
    member = filled(member_template(), "党员采集表", [values])
    optional = ("full_on", "native_place", "education", "occupation", "branch_joined_on", "phone", "former_name",
                "address")
    assert read_member_rows(member) == [{"row": 2, **dict(zip(("name", "id_number", "ethnicity", "category",
                                                                "joined_on", "org_code"), values)),
                                         **{key: "" for key in optional}}]
    packed, name = vetted_workbook(member, "党员采集表")
    assert name == "党员采集表" and zipfile.ZipFile(io.BytesIO(packed)).testzip() is None
    assert read_org_rows(org_template()) == []


def test_a_sheet_whose_first_column_is_empty_keeps_its_row_numbers_and_columns():
    headers = ["姓名", "公民身份号码", "民族", "党员类别", "入党日期", "所在党组织代码"]
    values = ["李四", "11010519491231002X", "汉族", "正式党员", "2010-07-01", "B1"]
    content = hostile.tiny_xlsx(hostile.worksheet([
        '<row r="1">' + "".join(hostile.inline(f"{chr(66 + i)}1", text) for i, text in enumerate(headers)) + "</row>",
        '<row r="3">' + "".join(hostile.inline(f"{chr(66 + i)}3", text) for i, text in enumerate(values)) + "</row>"]))
    [row] = read_member_rows(content)
    assert row["row"] == 3 and row["name"] == "李四" and row["org_code"] == "B1"
    assert "phone" not in row  # an optional column that is not in the file
