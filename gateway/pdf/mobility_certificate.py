"""流动党员活动证 as a PDF: one A4 page with the card's parts (MANUALS.md §2.3) — the cover with the
number and the issuing 党委, the member's data with the photo (or a box saying where to stick a
stamped 1-inch photo), the outflow, the blanks the receiving branch fills (流入地党支部, 流入时间,
联系人), the participation and dues record, and one 查验 row per year of validity.

It draws what the transfer service's `certificate` RPC returns. The font is the built-in CID font
STSong-Light, as the 介绍信 (gateway/pdf/transfer_letter.py): no font file, text extractable."""
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .transfer_letter import FONT, written_date

TITLE = "流动党员活动证"
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
CENTER = ParagraphStyle("center", parent=BODY, alignment=TA_CENTER)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=20, leading=28, alignment=TA_CENTER)
SUB = ParagraphStyle("sub", fontName=FONT, fontSize=12, leading=18, alignment=TA_CENTER)
GRID = TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])


def _p(value, style=BODY) -> Paragraph:
    return Paragraph(escape(str(value)) if value not in (None, "") else "", style)


def _photo(photo: bytes | None):
    if photo:
        try:
            return Image(BytesIO(photo), width=25 * mm, height=35 * mm, kind="proportional")
        except Exception:  # a photo reportlab cannot read: the box, as without one
            pass
    return _p("（贴一寸免冠照片，加盖发证党委印章）", CENTER)


def _member_table(card: dict, photo: bytes | None) -> Table:
    m = card.get("member") or {}
    rows = [
        ["姓名", _p(m.get("name")), "性别", _p(m.get("sex_name")), _photo(photo)],
        ["出生日期", _p(m.get("birth_date")), "民族", _p(m.get("ethnicity_name")), ""],
        ["公民身份号码", _p(m.get("id_number")), "", "", ""],
        ["党员类别", _p(m.get("category_name")), "入党日期", _p(m.get("joined_on")), ""],
        ["所在党组织", _p(card.get("home_org_name")), "", "", ""],
    ]
    table = Table(rows, colWidths=[26 * mm, 52 * mm, 20 * mm, 36 * mm, 34 * mm], rowHeights=[10 * mm] * 5)
    table.setStyle(TableStyle([*GRID.getCommands(), ("SPAN", (4, 0), (4, 4)), ("SPAN", (1, 2), (3, 2)),
                               ("SPAN", (1, 4), (3, 4)), ("ALIGN", (4, 0), (4, 4), "CENTER")]))
    return table


def _outflow_table(card: dict) -> Table:
    rows = [["流出日期", _p(card.get("from_date")), "流出原因", _p(card.get("reason_name"))],
            ["流向地", _p(card.get("destination")), "联系电话", _p(card.get("phone"))],
            ["流入党组织", _p(card.get("to_org_name")), "预计返回", _p(card.get("expected_return"))],
            ["以下由流入地党支部接收时填写", "", "", ""],
            ["流入地党支部", "", "流入时间", ""],
            ["联系人及电话", "", "", ""]]
    table = Table(rows, colWidths=[30 * mm, 62 * mm, 22 * mm, 54 * mm], rowHeights=[9 * mm] * 6)
    table.setStyle(TableStyle([*GRID.getCommands(), ("SPAN", (0, 3), (3, 3)), ("SPAN", (1, 5), (3, 5))]))
    return table


def _checks_table(card: dict) -> Table:
    rows = [["年度", "查验情况（与民主评议一并进行）", "查验党组织（盖章）", "日期"]]
    done = {check["year"]: check for check in card.get("checks") or ()}
    rows += [[f"{year}年", _p(done[year].get("note") or "已查验"), _p(done[year]["org_text"]), done[year]["checked_on"]]
             if year in done else [f"{year}年", "", "", ""] for year in card.get("check_years") or []]
    table = Table(rows, colWidths=[20 * mm, 74 * mm, 46 * mm, 28 * mm], rowHeights=[8 * mm] * len(rows))
    table.setStyle(GRID)
    return table


def _record_table() -> Table:
    rows = [["参加组织生活和交纳党费情况（流入地党支部填写）"], [""]]
    table = Table(rows, colWidths=[168 * mm], rowHeights=[8 * mm, 22 * mm])
    table.setStyle(GRID)
    return table


def render_certificate(card: dict, photo: bytes | None = None) -> bytes:
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=16 * mm,
                            bottomMargin=14 * mm, title=f"{TITLE} {card.get('number', '')}", author="PMIS")
    story = [
        Paragraph(TITLE, HEADING),
        Paragraph(f"编号：{escape(card.get('number') or '')}", SUB),
        Paragraph(f"发证党委：{escape(card.get('issuer_name') or '')}（盖章）", SUB),
        Paragraph(f"发证日期：{written_date(card.get('issued_on'))}　有效期至：{written_date(card.get('valid_until'))}",
                  SUB),
        Spacer(1, 4 * mm), _member_table(card, photo), Spacer(1, 4 * mm), _outflow_table(card),
        Spacer(1, 4 * mm), _record_table(), Spacer(1, 4 * mm), _checks_table(card), Spacer(1, 3 * mm),
        Paragraph("持证党员在流入地参加组织生活、交纳党费，不享有表决权、选举权和被选举权；每年至少向流出地党组织报告一次"
                  "情况；返回时将本证交流出地党组织查验并报告外出期间情况。无照片的须与居民身份证一并使用。", BODY),
        Paragraph(f"编号由{escape(card.get('county_name') or '')}按县级党组织统一编排。", BODY),
    ]
    doc.build(story)
    return out.getvalue()
