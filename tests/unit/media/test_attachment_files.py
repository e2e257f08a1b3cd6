"""Attachment files (pure): what the first bytes say a file is, whether that matches what was
declared, the limits per category and how a file is cut into parts."""
import pytest

from services.media.domain import files
from services.media.domain.owners import KINDS, MEETING_ATTACHMENT

MB = files.MB
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize("head, found", [
    (b"\xff\xd8\xff\xe0....", "JPEG"), (b"\x89PNG\r\n\x1a\n....", "PNG"), (b"%PDF-1.7\n", "PDF"),
    (b"\x00\x00\x00\x18ftypisom\x00\x00", "MP4"), (b"\x00\x00\x00\x14ftypqt  \x00\x00", "MOV"),
    (b"\x00\x00\x00\x08wide\x00\x00", "MOV"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE"), (b"PK\x03\x04", "ZIP"),
    (b"MZ\x90\x00", None), (b"", None),
])
def test_the_first_bytes_name_the_format(head, found):
    assert files.sniff(head) == found


def test_office_open_xml_is_told_by_its_parts():
    assert files.ooxml_format(["[Content_Types].xml", "word/document.xml"]) == "DOCX"
    assert files.ooxml_format(["[Content_Types].xml", "xl/workbook.xml"]) == "XLSX"
    assert files.ooxml_format(["[Content_Types].xml", "ppt/presentation.xml"]) == "PPTX"
    assert files.ooxml_format(["word/document.xml"]) is None  # a plain zip


def test_the_content_must_match_the_declared_type():
    assert files.mismatch(files.declared("image/png"), "JPEG") is None  # phones mislabel images
    assert files.mismatch(files.declared("video/mp4"), "MOV") is None
    assert files.mismatch(files.declared(DOCX), "DOCX") is None
    assert "不符" in files.mismatch(files.declared("application/pdf"), "JPEG")
    assert "不符" in files.mismatch(files.declared(DOCX), "XLSX")
    assert "不符" in files.mismatch(files.declared("image/jpeg"), "MP4")
    assert "无法识别" in files.mismatch(files.declared("application/pdf"), None)


def test_limits_per_category_before_uploading():
    kind = KINDS[MEETING_ATTACHMENT]
    assert kind.declared_errors("video/mp4", 500 * MB) == {}
    assert kind.declared_errors("video/mp4", 500 * MB + 1) == {"size": "视频不能超过500MB"}
    assert kind.declared_errors("image/jpeg", 21 * MB) == {"size": "图片不能超过20MB"}
    assert kind.declared_errors("application/pdf", 51 * MB) == {"size": "文档不能超过50MB"}
    assert set(kind.declared_errors("text/html", 0)) == {"content_type", "size"}


def test_parts():
    assert files.part_count(1) == 1 and files.part_count(16 * MB - 1) == 1
    assert files.part_count(16 * MB) == 2 and files.part_count(17 * MB) == 3
    assert files.part_count(500 * MB) == 63


def test_stored_types():
    assert files.stored_type(files.declared("video/mp4"), "MOV") == "video/quicktime"
    assert files.stored_type(files.declared("application/msword"), "OLE") == "application/msword"
    assert files.category_of("PDF") == files.DOCUMENT and files.category_of("MOV") == files.VIDEO
