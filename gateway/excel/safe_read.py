"""Checks that make an uploaded .xlsx safe to hand to a spreadsheet reader.

A hostile file is refused before anything is inflated (size, entries, declared uncompressed
sizes and compression ratios from the zip's directory), then while streaming (the sheet's
declared <dimension> and its actual rows and columns, stopping at the first one over the
limits). The reader only ever sees `vetted_workbook`'s output: the entries re-packed
uncompressed, so what it inflates is exactly what was checked (a zip may lie about sizes).
A 1.7 KB sheet with cells A1 and XFD1048576 once made the reader allocate a 512 GiB grid."""
import io
import posixpath
import re
import struct
import zipfile
import zlib
from xml.parsers import expat

from services.org.contract import SANCTION_IMPORT_COLUMNS, SANCTION_SHEET
from services.shared.dues_sheet import BASE_IMPORT_COLUMNS, BASE_SHEET, PAYMENT_IMPORT_COLUMNS, PAYMENT_SHEET
from services.shared.member_sheet import (
    APPLICANT_IMPORT_COLUMNS,
    DEVELOPMENT_IMPORT_COLUMNS,
    HISTORY_IMPORT_COLUMNS,
    IMPORT_COLUMNS,
)
from services.shared.mobility_sheet import INFLOW_IMPORT_COLUMNS, INFLOW_SHEET, OUTFLOW_IMPORT_COLUMNS, OUTFLOW_SHEET
from services.shared.org_sheet import ORG_IMPORT_COLUMNS
from services.shared.orglife_sheet import (
    MEETING_FILE_COLUMNS,
    MEETING_FILE_SHEET,
    MEETING_IMPORT_COLUMNS,
    MEETING_SHEET,
)
from services.shared.term_sheet import TERM_IMPORT_COLUMNS, TERM_SHEET

MAX_FILE_BYTES = 20 * 1024 * 1024  # the upload itself
MAX_ENTRIES = 256  # parts in the zip; the templates have 9 to 11, Excel and WPS files a few dozen
MAX_UNCOMPRESSED = 256 * 1024 * 1024  # sum of declared sizes; 100,000 member rows ≈ 85 MB of sheet XML
MAX_RATIO = 200  # per entry; real sheets measured 13–16:1, a deflated run of zeros ≈ 1000:1
RATIO_FLOOR = 1024 * 1024  # entries smaller than this cannot hurt, whatever their ratio
MAX_PART_BYTES = 4 * 1024 * 1024  # workbook.xml and its relationships, parsed in memory
MAX_ROWS = 200_000  # data rows (the member and org services take at most this many)
MAX_COLUMNS = 30  # room for the user's own notes beside the templates' columns:
TEMPLATE_COLUMNS = {"党员采集表": len(IMPORT_COLUMNS), "党组织采集表": len(ORG_IMPORT_COLUMNS),  # 14 and 14
                    "入党申请人采集表": len(APPLICANT_IMPORT_COLUMNS),  # 7
                    "发展纪实采集表": len(DEVELOPMENT_IMPORT_COLUMNS),  # 14
                    BASE_SHEET: len(BASE_IMPORT_COLUMNS),  # 5
                    PAYMENT_SHEET: len(PAYMENT_IMPORT_COLUMNS),  # 7
                    "党籍变动历史表": len(HISTORY_IMPORT_COLUMNS),  # 6
                    OUTFLOW_SHEET: len(OUTFLOW_IMPORT_COLUMNS),  # 13
                    INFLOW_SHEET: len(INFLOW_IMPORT_COLUMNS),  # 7
                    TERM_SHEET: len(TERM_IMPORT_COLUMNS),  # 14
                    MEETING_SHEET: len(MEETING_IMPORT_COLUMNS),  # 14
                    MEETING_FILE_SHEET: len(MEETING_FILE_COLUMNS),  # 4
                    SANCTION_SHEET: len(SANCTION_IMPORT_COLUMNS)}  # 7
CHUNK = 1024 * 1024
MAX_TAG_BYTES = 1024 * 1024  # a start tag longer than this is not a spreadsheet's

_EOCD = b"PK\x05\x06"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and encrypted .xlsx)
# The parts an .xlsx is made of; anything else (an .exe, a nested archive) is not a spreadsheet.
_EXPECTED = re.compile(r"^(\[Content_Types\]\.xml|_rels/\.rels|docProps/[\w.-]+|customXml/[\w./-]+|xl/[\w./ -]+)$")


class SheetError(ValueError):
    """The file as a whole cannot be read: 400, or 413 when it is over a limit; `.message` is Chinese."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SheetTooLarge(SheetError):
    status = 413


def not_a_workbook(sheet: str) -> SheetError:
    return SheetError(f"文件不是有效的 Excel（.xlsx）文件，请使用下载的{sheet}模板")


def out_of_range(sheet: str, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> SheetTooLarge:
    template = f"（{sheet}模板共 {TEMPLATE_COLUMNS[sheet]} 列）" if sheet in TEMPLATE_COLUMNS else ""
    return SheetTooLarge(f"表格超出允许范围：最多 {max_rows} 行（不含表头）、{max_columns} 列{template}；"
                         "请删除多余的行列或分批导入")


def _declared_entries(content: bytes) -> int:
    """The entry count from the end-of-directory record, read before zipfile builds its list
    (a 20 MB file could declare hundreds of thousands of entries)."""
    at = content.rfind(_EOCD, max(0, len(content) - 65_557))
    if at < 0 or len(content) < at + 22:
        raise ValueError("no end of central directory")
    return struct.unpack_from("<H", content, at + 10)[0]


def check_archive(content: bytes, sheet: str) -> zipfile.ZipFile:
    """The upload opened as a zip once its directory is within the limits; nothing inflated yet."""
    if len(content) > MAX_FILE_BYTES:
        raise SheetTooLarge(f"文件过大（上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）")
    if content.startswith(_OLE2):
        raise SheetError("不支持旧版 .xls 或加密的文件，请在 Excel 或 WPS 中另存为 .xlsx（不设密码）后重新上传")
    try:
        entries = _declared_entries(content)
        if entries == 0xFFFF or entries > MAX_ENTRIES:  # 0xFFFF: a ZIP64 directory, never needed under 20 MB
            raise SheetTooLarge(f"文件包含的部件过多（上限 {MAX_ENTRIES} 个），不是有效的采集表")
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except SheetError:
        raise
    except Exception:  # zipfile raises several types for files that are not zips or are cut short
        raise not_a_workbook(sheet) from None
    if len(infos) > MAX_ENTRIES:
        raise SheetTooLarge(f"文件包含的部件过多（上限 {MAX_ENTRIES} 个），不是有效的采集表")
    names = set()
    total = 0
    for info in infos:
        if info.filename in names or not _EXPECTED.match(info.filename) or ".." in info.filename:
            # Two entries of one name are read differently by different readers.
            raise SheetError(f"文件包含不属于 Excel 表格的内容（{info.filename[:80]}），请使用下载的{sheet}模板")
        names.add(info.filename)
        if info.flag_bits & 0x1:
            raise SheetError("文件已加密，请取消密码保护后重新上传")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise not_a_workbook(sheet)
        total += info.file_size
        if total > MAX_UNCOMPRESSED:
            raise SheetTooLarge(f"文件过大：解压后超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB，请分批导入")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SheetTooLarge("文件过大：压缩比异常（疑似压缩炸弹），已拒绝")
    if "xl/workbook.xml" not in names:
        raise not_a_workbook(sheet)
    return archive


# --- the sheet's extent, while streaming ------------------------------------------------------

# The exact path: every <row> and <c> start tag, its `r` read as the readers read it. Attribute
# values may hold ">" but never "<", so a chunk is cut at its last "<": every tag before it is whole.
_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(row|c|dimension)(?=[\s/>])((?:[^>"']+|"[^"]*"|'[^']*')*)>""")
_ATTR = {name: re.compile(rb"\s" + name + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""") for name in (b"r", b"ref")}
_CELL = re.compile(rb"^([A-Z]{1,3})([0-9]{1,10})$")
# The fast path, for chunks whose every row and cell has a well-formed `r` first and no namespace
# prefix (as Excel, WPS and openpyxl write them): patterns that begin with a literal, so the regex
# engine skips ahead, and Python only sees the references that could be over a limit.
_ROW_TAG = re.compile(rb"<row[\s/>]")
_CELL_TAG = re.compile(rb"<c[\s/>]")
_ROW_REF = re.compile(rb'<row r="([0-9]{1,10})"')
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,10})"')
_BAD_REF = re.compile(rb'<row r="(?![0-9]{1,10}")|<c r="(?![A-Z]{1,3}[0-9]{1,10}")')


def _attr(name: bytes, text: bytes) -> bytes | None:
    found = _ATTR[name].search(text)
    return None if found is None else (found.group(1) if found.group(1) is not None else found.group(2))


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class ExtentScanner:
    """Fed a worksheet's XML in chunks; raises as soon as its declared dimension or its actual
    rows or columns go over the limits. Rows and cells may omit `r` (they then follow the
    previous one), so both are counted as the spreadsheet readers count them."""

    def __init__(self, sheet: str, max_rows: int = MAX_ROWS + 1, max_columns: int = MAX_COLUMNS):
        self.sheet, self.max_rows, self.max_columns = sheet, max_rows, max_columns
        self.rows = self.columns = 0  # the largest seen (the fast path skips references too small to matter)
        self._row = self._column = 0  # where the last row and cell were, for those without `r`
        self._rest = b""
        # References with this many digits or letters may be over the limits; fewer cannot.
        self._long_rows = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{%d,10})"' % len(str(max_rows)))
        self._wide = re.compile(rb'<c r="([A-Z]{%d,3})[0-9]' % len(column_letters(max_columns)))

    def feed(self, chunk: bytes) -> None:
        data = self._rest + chunk
        end = max(data.rfind(b"<"), 0)
        self._rest = data[end:] if b"<" in data[end:end + 1] else b""
        if len(self._rest) > MAX_TAG_BYTES:
            raise self._malformed()
        self._scan(data, end)

    def close(self) -> None:
        self._scan(self._rest, len(self._rest))
        self._rest = b""

    def _malformed(self) -> SheetError:
        return SheetError(f"表格内容有误，无法读取，请使用下载的{self.sheet}模板")

    def _scan(self, data: bytes, end: int) -> None:
        # Excel never writes comments, CDATA or DTDs in a sheet; they could hide or fake cells.
        if data.find(b"<!", 0, end + 1) >= 0:
            raise self._malformed()
        if data.find(b"dimension", 0, end) >= 0 or data.find(b":c", 0, end) >= 0 or data.find(b":row", 0, end) >= 0:
            self._exact(data, end)
        elif not self._fast(data, end):
            self._exact(data, end)

    def _fast(self, data: bytes, end: int) -> bool:
        rows = _ROW_REF.findall(data, 0, end)
        if (len(rows) != len(_ROW_TAG.findall(data, 0, end)) or _BAD_REF.search(data, 0, end)
                or data.count(b'<c r="', 0, end) != len(_CELL_TAG.findall(data, 0, end))):
            return False
        numbers = [*map(int, rows), *map(int, self._long_rows.findall(data, 0, end))]
        letters = set(self._wide.findall(data, 0, end))
        self.rows = max(self.rows, *numbers) if numbers else self.rows
        self.columns = max(self.columns, *map(column_number, letters)) if letters else self.columns
        self._within(self.rows, self.columns)
        last_row, last_cell = data.rfind(b'<row r="', 0, end), data.rfind(b'<c r="', 0, end)
        if last_row >= 0:
            self._row, self._column = int(_ROW_REF.match(data, last_row).group(1)), 0
        if last_cell > last_row:
            self._column = column_number(_CELL_REF.match(data, last_cell).group(1))
        return True

    def _exact(self, data: bytes, end: int) -> None:
        for match in _TAG.finditer(data, 0, end):
            kind, attrs = match.group(1), match.group(2)
            if kind == b"c":
                self._cell(_attr(b"r", attrs))
            elif kind == b"row":
                self._new_row(_attr(b"r", attrs))
            else:
                self._dimension(_attr(b"ref", attrs))

    def _bad(self) -> SheetError:
        return SheetError(f"表格中的单元格位置有误，无法读取，请使用下载的{self.sheet}模板")

    def _within(self, row: int, column: int) -> None:
        if row > self.max_rows or column > self.max_columns:
            raise out_of_range(self.sheet, self.max_rows - 1, self.max_columns)

    def _dimension(self, ref: bytes | None) -> None:
        if ref is None:
            return
        last = ref.split(b":")[-1].replace(b"$", b"")
        cell = _CELL.match(last)
        if cell is None:
            raise self._bad()
        self._within(int(cell.group(2)), column_number(cell.group(1)))

    def _new_row(self, ref: bytes | None) -> None:
        if ref is None:
            self._row += 1
        elif ref.isdigit() and len(ref) <= 10:
            self._row = int(ref)
        else:
            raise self._bad()
        self._column = 0
        self.rows = max(self.rows, self._row)
        self._within(self._row, 0)

    def _cell(self, ref: bytes | None) -> None:
        if ref is None:
            self._column += 1
        else:
            cell = _CELL.match(ref)
            if cell is None:
                raise self._bad()
            self._column = column_number(cell.group(1))
            self.rows = max(self.rows, int(cell.group(2)))
        self.columns = max(self.columns, self._column)
        self._within(self.rows, self._column)


# --- the workbook's parts -----------------------------------------------------------------------

def _elements(data: bytes, wanted: set[str], sheet: str) -> list[tuple[str, dict]]:
    """(local name, attributes) of the `wanted` elements of a small XML part; DTDs refused
    (entity expansion is how XML bombs work)."""
    found = []

    def start(name, attrs):
        local = name.rsplit(" ", 1)[-1]
        if local in wanted:
            found.append((local, {key.rsplit(" ", 1)[-1] if not key.endswith("relationships id") else "r:id": value
                                  for key, value in attrs.items()}))

    def refuse(*_):
        raise not_a_workbook(sheet)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        raise not_a_workbook(sheet) from None
    return found


def _small_part(archive: zipfile.ZipFile, name: str, sheet: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise not_a_workbook(sheet) from None
    if info.file_size > MAX_PART_BYTES:
        raise SheetTooLarge(f"文件过大：{name} 超过 {MAX_PART_BYTES // (1024 * 1024)} MB")
    return archive.read(info)


def _sheets(archive: zipfile.ZipFile, sheet: str) -> tuple[list[dict], dict]:
    """The workbook's <sheet> entries in order, and its relationships (id → target)."""
    sheets = [attrs for _, attrs in _elements(_small_part(archive, "xl/workbook.xml", sheet), {"sheet"}, sheet)]
    relations = {attrs.get("Id"): attrs.get("Target", "") for _, attrs in _elements(
        _small_part(archive, "xl/_rels/workbook.xml.rels", sheet), {"Relationship"}, sheet)}
    if not sheets:
        raise not_a_workbook(sheet)
    return sheets, relations


def _located(archive: zipfile.ZipFile, attrs: dict, relations: dict, sheet: str) -> tuple[str, str]:
    """(name, path in the zip) of one <sheet> entry."""
    target = relations.get(attrs.get("r:id"))
    if not target:
        raise not_a_workbook(sheet)
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    if path not in archive.NameToInfo:
        raise not_a_workbook(sheet)
    return attrs.get("name", ""), path


def sheet_parts(archive: zipfile.ZipFile, sheet: str) -> list[tuple[str, str]]:
    """(name, path in the zip) of every sheet of the workbook, in its order."""
    sheets, relations = _sheets(archive, sheet)
    return [_located(archive, attrs, relations, sheet) for attrs in sheets]


def sheet_part(archive: zipfile.ZipFile, sheet: str) -> tuple[str, str]:
    """(name, path in the zip) of the worksheet named `sheet`, or of the first one when there
    is none of that name — the one the reader will read."""
    sheets, relations = _sheets(archive, sheet)
    chosen = next((attrs for attrs in sheets if attrs.get("name") == sheet), sheets[0])
    return _located(archive, chosen, relations, sheet)


def vetted_workbook(content: bytes, sheet: str) -> tuple[bytes, str]:
    """(the workbook re-packed uncompressed after every check, the name of the sheet to read)."""
    archive = check_archive(content, sheet)
    name, path = sheet_part(archive, sheet)
    return _repacked(archive, sheet, {path: ExtentScanner(sheet)}), name


def vetted_named_sheets(content: bytes, label: str, names) -> tuple[bytes, list[str]]:
    """(the workbook re-packed uncompressed after every check, the names of its sheets among `names`, in
    its order): a workbook of several collection sheets (the 党员信息集采集表: a sheet an info set), each
    within the collection sheets' limits. SheetError when none of `names` is there."""
    archive = check_archive(content, label)
    parts = [(name, path) for name, path in sheet_parts(archive, label) if name in names]
    if not parts:
        raise SheetError(f"没有可导入的工作表：{label}的工作表应名为" + "、".join(names) + "（请使用下载的模板）")
    return _repacked(archive, label, {path: ExtentScanner(label) for _, path in parts}), [name for name, _ in parts]


# A whole workbook (the annual report: a sheet per table) is read sheet by sheet; each is small.
MAX_SHEETS = 40
MAX_SHEET_ROWS = 500
MAX_SHEET_COLUMNS = 60


def vetted_sheets(content: bytes, label: str) -> tuple[bytes, list[str]]:
    """(the workbook re-packed uncompressed after every check, the names of all its sheets):
    every sheet within MAX_SHEET_ROWS rows and MAX_SHEET_COLUMNS columns, at most MAX_SHEETS
    sheets. `label` names the file in messages."""
    archive = check_archive(content, label)
    parts = sheet_parts(archive, label)
    if len(parts) > MAX_SHEETS:
        raise SheetTooLarge(f"工作表过多（上限 {MAX_SHEETS} 个），不是有效的{label}")
    scanners = {path: ExtentScanner(label, MAX_SHEET_ROWS + 1, MAX_SHEET_COLUMNS) for _, path in parts}
    return _repacked(archive, label, scanners), [name for name, _ in parts]


def _repacked(archive: zipfile.ZipFile, sheet: str, scanners: dict) -> bytes:
    """The archive's entries re-packed uncompressed; the worksheets in `scanners` (path →
    ExtentScanner) checked while streaming."""
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as packed:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                scanner = scanners.get(info.filename)
                # zipfile stops at the declared size and checks the CRC: a lying header fails here.
                with archive.open(info) as source, packed.open(info.filename, "w") as target:
                    while chunk := source.read(CHUNK):
                        if scanner is not None:
                            scanner.feed(chunk)
                        target.write(chunk)
                if scanner is not None:
                    scanner.close()
    except SheetError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        raise not_a_workbook(sheet) from None
    return out.getvalue()
