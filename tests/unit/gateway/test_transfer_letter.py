"""The 介绍信 PDF: three parts on one A4 page, the same number on each, the letter dict's values
(党费交至 and 有效期 in capital numerals) printed where the 45号 form has them, text extractable."""
import re
from io import BytesIO

from pypdf import PdfReader

from gateway.pdf.transfer_letter import render_letter
from services.transfer.contract import LETTER_FIELDS

LETTER = {  # as the transfer service's `letter` RPC returns it
    "letter_no": "2026000123", "member_name": "张三", "sex": "男", "age": 35, "ethnicity": "汉族",
    "category": "预备党员", "id_number": "11010519900307123X",
    "from_org_name": "中共某某街道第一社区支部委员会", "to_org_name": "中共某某大学计算机学院教工第二党支部",
    "addressee": "中共某某大学委员会", "dues_paid_to": "2026年11月", "dues_paid_to_capital": "贰零贰陆年拾壹月",
    "valid_days": 30, "valid_days_capital": "叁拾", "valid_until": "2026-12-31", "issued_on": "2026-12-02",
    "issuer_name": "中共某某街道工作委员会", "phone": "13800138000", "sender_address": "某某市某某路1号",
    "sender_postcode": "100020", "receipt_addressee": "中共某某街道工作委员会", "kind_name": "省内转接",
    "sender_phone": "010-12345678", "sender_fax": "010-12345679",  # not sent yet: blanks when missing
}


def text_of(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    # Lines are joined: a long name may wrap anywhere.
    return re.sub(r"\s+", "", reader.pages[0].extract_text())


def parts(text: str) -> dict[str, str]:
    stub, rest = text.split("中国共产党党员组织关系介绍信（存根）")[1].split("中国共产党党员组织关系介绍信第", 1)
    letter, receipt = rest.split("中国共产党党员组织关系介绍信（回执联）")
    return {"存根": stub, "介绍信": "第" + letter, "回执联": receipt}


def test_each_part_carries_the_same_number():
    text = text_of(render_letter(LETTER))
    assert text.count("第2026000123号") == 3
    assert all("第2026000123号" in part for part in parts(text).values())


def test_the_stub_says_who_goes_where():
    stub = parts(text_of(render_letter(LETTER)))["存根"]
    assert ("张三同志系中共预备党员，组织关系由中共某某街道第一社区支部委员会"
            "转到中共某某大学计算机学院教工第二党支部。") in stub
    assert "2026年12月2日" in stub and "贴回执联处" in stub


def test_the_letter_holds_every_field_of_the_form():
    letter = parts(text_of(render_letter(LETTER)))["介绍信"]
    assert "中共某某大学委员会：" in letter
    assert ("张三同志（男），35岁，汉族，系中共预备党员，身份证号码11010519900307123X，"
            "由中共某某街道第一社区支部委员会去中共某某大学计算机学院教工第二党支部，请转接组织关系。") in letter
    assert "党费已交到贰零贰陆年拾壹月" in letter  # capital numerals, as formatted by the transfer service
    assert "（有效期叁拾天）" in letter
    assert "中共某某街道工作委员会（盖章）" in letter
    for printed in ("党员联系电话或其他联系方式：13800138000", "党员原所在基层党委通讯地址：某某市某某路1号",
                    "联系电话：010-12345678", "传真：010-12345679", "邮编：100020"):
        assert printed in letter


def test_the_receipt_is_addressed_to_the_issuing_committee_and_left_for_the_receiver():
    receipt = parts(text_of(render_letter(LETTER)))["回执联"]
    assert "中共某某街道工作委员会：张三同志的党员组织关系已转达我处，特此回执。" in receipt
    assert "经办人：" in receipt and "联系电话：" in receipt
    assert "2026年12月2日" not in receipt  # the receiver dates it


def test_the_seam_and_the_cut_are_marked():
    text = text_of(render_letter(LETTER))
    assert "骑缝" in text and "沿此线剪下" in text


def test_missing_values_leave_blanks_and_markup_is_printed_as_typed():
    text = text_of(render_letter({"letter_no": "2026000001", "member_name": "<b>李&四</b>"}))
    assert text.count("第2026000001号") == 3
    assert "<b>李&四</b>同志" in text
    assert "党费已交到。" in text  # a blank for the pen, not "None"
    assert "None" not in text


def test_very_long_names_wrap_and_stay_on_one_page():
    long_name = "中共某某省某某市某某区某某街道某某社区某某小区第一网格" * 3 + "党支部"
    text = text_of(render_letter({**LETTER, "from_org_name": long_name, "to_org_name": long_name}))
    assert text.count(long_name) == 2 * 2  # stub and letter


def test_names_long_enough_to_overflow_shrink_the_type_instead():
    from gateway.pdf import transfer_letter

    long_name = "中共某某省某某市某某区某某街道某某社区某某小区第一网格" * 4 + "党支部"
    letter = {**LETTER, "from_org_name": long_name, "to_org_name": long_name, "addressee": long_name,
              "issuer_name": long_name, "receipt_addressee": long_name, "sender_address": long_name}
    lowest = [transfer_letter._Sheet(transfer_letter.Canvas(BytesIO()), letter, s).draw()
              for s in transfer_letter.SCALES]
    assert lowest[0] < 0 < lowest[-1]  # at full size it would run off the page; smaller, it fits
    # stub 2; letter: addressee, from, to, seal, address; receipt: addressee
    assert text_of(render_letter(letter)).count(long_name) == 8


def test_it_reads_the_fields_the_transfer_service_publishes():
    published = {key for key, _ in LETTER_FIELDS}
    assert set(LETTER) == published
