"""Hostile and malformed .xlsx files, made in memory in milliseconds (tests and bench/import_isolation.py)."""
import io
import struct
import zipfile
import zlib

from gateway.excel.safe_read import column_letters
from services.shared.member_sheet import IMPORT_COLUMNS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_PATH = "xl/worksheets/sheet1.xml"
ZEROS_GIB_CRC = 0x5B64C2B0  # zlib.crc32 of 1 GiB of zeros, computed once (it takes seconds)


def _parts(sheet_name: str) -> dict[str, str]:
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    }


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def worksheet(rows: list[str], dimension: str | None = None) -> str:
    """A worksheet of `rows` (each a <row> element's XML), declaring `dimension` if given."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}'
            f'<sheetData>{"".join(rows)}</sheetData></worksheet>')


def tiny_xlsx(sheet_xml: str, sheet_name: str = "党员采集表", extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal workbook of one sheet, as Excel lays it out, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in _parts(sheet_name).items():
            book.writestr(name, text)
        book.writestr(SHEET_PATH, sheet_xml)
        for name, data in (extra or {}).items():
            book.writestr(name, data)
    return out.getvalue()


def header_row() -> str:
    return '<row r="1">' + "".join(inline(f"{chr(65 + i)}1", c.header) for i, c in enumerate(IMPORT_COLUMNS)) + "</row>"


def a1_and_xfd() -> bytes:
    """The issue's 1.7 KB file: cells A1 and XFD1048576 only (a dense grid of 512 GiB)."""
    return tiny_xlsx(worksheet(['<row r="1">' + inline("A1", "姓名") + "</row>",
                                '<row r="1048576">' + inline("XFD1048576", "x") + "</row>"],
                               dimension="A1:XFD1048576"))


def a1_and_xfd_undeclared() -> bytes:
    """The same cells with a modest (lying) dimension: caught while streaming."""
    return tiny_xlsx(worksheet(['<row r="1">' + inline("A1", "姓名") + "</row>",
                                "<row>" + inline("XFD1048576", "x") + "</row>"], dimension="A1:A1"))


def huge_dimension() -> bytes:
    """A few cells, but a declared dimension of 10 columns by 900,000 rows."""
    return tiny_xlsx(worksheet([header_row()], dimension="A1:J900000"))


def columns(count: int) -> bytes:
    """A header row `count` columns wide (the template's headers first)."""
    headers = [c.header for c in IMPORT_COLUMNS] + [f"备注{i}" for i in range(count - len(IMPORT_COLUMNS))]
    cells = "".join(inline(f"{column_letters(i + 1)}1", text) for i, text in enumerate(headers))
    return tiny_xlsx(worksheet([f'<row r="1">{cells}</row>']))


def _zeros_deflated(mebibytes: int) -> tuple[bytes, int]:
    """(raw deflate of `mebibytes` MiB of zeros, its CRC-32) without compressing a gibibyte: a
    fully flushed block is byte-aligned and needs no history, so it can be repeated."""
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = block.compress(bytes(1024 * 1024)) + block.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    crc = ZEROS_GIB_CRC if mebibytes == 1024 else 0
    zeros = bytes(1024 * 1024)
    for _ in range(mebibytes if mebibytes != 1024 else 0):
        crc = zlib.crc32(zeros, crc)
    return one * mebibytes + end, crc


def raw_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of (name, deflated data, crc, declared uncompressed size, method) written by hand,
    so sizes can be declared as an attacker likes."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, data, crc, size, method in entries:
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(data), size,
                              len(encoded), 0) + encoded + data)
        directory.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, len(data), size,
                                    len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start, listing = out.tell(), directory.getvalue()
    out.write(listing + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(listing),
                                    start, 0))
    return out.getvalue()


def zip_bomb(mebibytes: int = 1024, declared: int | None = None) -> bytes:
    """A workbook whose sheet is ~1 MB deflated and `mebibytes` MiB (1 GiB) inflated; `declared`
    sets the size its headers claim (the truth by default)."""
    entries = []
    for name, text in _parts("党员采集表").items():
        data = text.encode()
        packed = zlib.compressobj(6, zlib.DEFLATED, -15)
        entries.append((name, packed.compress(data) + packed.flush(), zlib.crc32(data), len(data), 8))
    bomb, crc = _zeros_deflated(mebibytes)
    size = mebibytes * 1024 * 1024 if declared is None else declared
    entries.append((SHEET_PATH, bomb, crc, size, 8))
    return raw_zip(entries)


def not_a_zip() -> bytes:
    return "姓名,公民身份号码\n张三,110105194912310021\n".encode() * 40


def truncated(content: bytes) -> bytes:
    return content[: len(content) * 2 // 3]
