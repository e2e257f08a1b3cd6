"""The 活动证 PDF: the card's text from the certificate fields, the photo drawn when there is one
(the 贴照片 box otherwise, also for bytes that are not an image), and the Excel rows of the lists."""
from io import BytesIO

from PIL import Image
from pypdf import PdfReader

from gateway.excel.mobility import MOBILITY_COLUMNS, rows_of
from gateway.pdf.mobility_certificate import render_certificate

CARD = {"number": "330106000042", "issuer_name": "某某街道党工委", "county_name": "某某区委", "issued_on": "2026-12-02",
        "valid_until": "2029-12-01", "check_years": [2027, 2028, 2029], "home_org_name": "第一党支部",
        "member": {"name": "张三", "sex_name": "男", "id_number": "110105199001011234", "birth_date": "1990-01-01"},
        "from_date": "2026-11-01", "reason_name": "外出务工经商", "destination": "北京市朝阳区", "phone": "13900000000",
        "to_org_name": None, "expected_return": None}


def text_and_images(pdf: bytes) -> tuple[str, int]:
    page = PdfReader(BytesIO(pdf)).pages[0]
    return page.extract_text(), len(page.images)


def test_the_card_text():
    text, images = text_and_images(render_certificate(CARD))
    for expected in ("流动党员活动证", "330106000042", "某某街道党工委", "2029年12月1日", "张三", "110105199001011234",
                     "北京市朝阳区", "2027年", "2029年", "贴一寸免冠照片", "不享有表决权", "某某区委"):
        assert expected in text, expected
    assert images == 0


def test_the_photo_is_drawn_and_a_bad_one_is_not():
    buffer = BytesIO()
    Image.new("RGB", (250, 350), (200, 220, 240)).save(buffer, "JPEG")
    text, images = text_and_images(render_certificate(CARD, buffer.getvalue()))
    assert images == 1 and "贴一寸免冠照片" not in text
    text, images = text_and_images(render_certificate(CARD, b"not an image"))
    assert images == 0 and "贴一寸免冠照片" in text


def test_list_rows_name_things():
    rows = rows_of([{"member_name": "李四", "destination": {"code": "110105", "text": "北京"},
                     "lost": {"since": "2026-01-01", "reason_name": "居住地改变", "note": None, "lost_long": True}}])
    assert rows[0]["destination_text"] == "北京" and rows[0]["lost_reason"] == "居住地改变"
    assert rows[0]["lost_long"] == "是"
    assert {column.key for column in MOBILITY_COLUMNS["lost"]} <= set(rows[0]) | {"sex_name", "home_org_name",
                                                                                   "from_date", "reason_name", "phone"}
