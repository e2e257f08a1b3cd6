"""中国共产党党员组织关系介绍信 as a PDF: the three parts of the 组通字〔2006〕45号 form (存根, 介绍信,
回执联) on one A4 sheet, each with the same number, cut lines between them and the 骑缝 marked.

It draws what the transfer service's `letter` RPC returns (`LETTER_FIELDS` of its contract),
already written for reading: names, not codes; 党费交到 and 有效期 in capital numerals
(`dues_paid_to_capital` "贰零贰陆年拾壹月", `valid_days_capital` "叁拾"). Only two things are the
form's own wording: 系中共（正式、预备）党员 takes the category without its 党员, and the date is
written 2026年12月2日.
A 整建制转移's letter (`whole_org`) names the organization and its members' number where a
member's letter names the member, and its attached list (附：整建制转移党员名单: 序号, 姓名, 所在党组织)
follows on as many A4 pages as it needs, three columns of 45 a page, each page numbered and
headed with the letter's number (a county's 6,000 members: 45 pages).
A missing or empty value leaves its blank for the pen, as on the paper form. The font is the
built-in CID font STSong-Light: no font file ships and the text stays extractable and searchable.
"""
from datetime import date
from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = "中国共产党党员组织关系介绍信"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN

BLANK = "\u3000" * 4  # an unfilled blank in a drawn line: room for the pen
PEN = "\u00a0" * 8  # the same in a paragraph (a no-break space: ordinary spaces collapse there)
SCALES = (1.0, 0.9, 0.8, 0.7, 0.6)  # long names shrink the type until the three parts fit the page


class _Sheet:
    """One drawing of the letter at a type scale; `y` runs down the page."""

    def __init__(self, canvas: Canvas, letter: dict, scale: float):
        self.canvas, self.letter, self.scale = canvas, letter, scale
        size = 11.5 * scale
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=size * 1.8, wordWrap="CJK")
        self.indented = ParagraphStyle("indented", parent=self.body, firstLineIndent=size * 2)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=10 * scale, leading=17 * scale)
        self.heading = ParagraphStyle("heading", fontName=FONT, fontSize=15 * scale, leading=20 * scale,
                                      alignment=TA_CENTER)
        self.seal = ParagraphStyle("seal", parent=self.body, alignment=TA_RIGHT)
        self.y = PAGE_HEIGHT - MARGIN
        self.whole = bool(letter.get("whole_org"))

    def draw(self) -> float:
        """Draws the three parts; the lowest point reached."""
        self.stub()
        self.cut("骑　缝　处（盖骑缝章）")
        self.letter_part()
        self.cut("沿此线剪下，回执联由接收方填写后寄回")
        self.receipt()
        return self.y

    def v(self, key: str) -> str:
        """A filled value, underlined as on a completed form; an empty one is a blank."""
        value = self.letter.get(key)
        if key == "category" and isinstance(value, str):
            value = value.removesuffix("党员")
        text = escape(str(value)) if value not in (None, "") else PEN
        return f"<u>\u00a0{text}\u00a0</u>"

    def gap(self, points: float) -> None:
        self.y -= points * self.scale

    def para(self, text: str, style: ParagraphStyle, width: float = WIDTH, x: float = MARGIN) -> None:
        paragraph = Paragraph(text, style)
        _, height = paragraph.wrap(width, PAGE_HEIGHT)
        paragraph.drawOn(self.canvas, x, self.y - height)
        self.y -= height

    def right(self, text: str, right: float = MARGIN + WIDTH - 6 * mm) -> None:
        size = 11.5 * self.scale
        self.canvas.setFont(FONT, size)
        self.canvas.drawRightString(right, self.y - size, text)
        self.y -= size + 8 * self.scale

    def date(self) -> str:
        return written_date(self.letter.get("issued_on")) or f"{BLANK}年{BLANK}月{BLANK}日"

    def title(self, part: str) -> None:
        self.para(f"{TITLE}{part}", self.heading)
        self.gap(4)
        size = 11 * self.scale
        self.canvas.setFont(FONT, size)
        self.canvas.drawRightString(MARGIN + WIDTH, self.y - size, f"第 {self.letter.get('letter_no') or BLANK} 号")
        self.gap(22)

    def stub(self) -> None:
        self.title("（存根）")
        box_width, box_height = 40 * mm, 30 * mm  # 贴回执联处, beside the text
        text_width = WIDTH - box_width - 6 * mm
        top = self.y
        if self.whole:
            self.para(f"{self.v('org_name')}（整建制，党员{self.v('member_count')}名，名单附后）组织关系由"
                      f"{self.v('from_org_name')}转到{self.v('to_org_name')}。", self.indented, text_width)
        else:
            self.para(f"{self.v('member_name')}同志系中共{self.v('category')}党员，组织关系由"
                      f"{self.v('from_org_name')}转到{self.v('to_org_name')}。", self.indented, text_width)
        self.gap(8)
        self.right(self.date(), right=MARGIN + text_width)
        canvas = self.canvas
        canvas.setDash(2, 2)
        canvas.rect(MARGIN + WIDTH - box_width, top - box_height, box_width, box_height)
        canvas.setDash()
        canvas.setFont(FONT, 10)
        canvas.drawCentredString(MARGIN + WIDTH - box_width / 2, top - box_height / 2 - 4, "（贴回执联处）")
        self.y = min(self.y, top - box_height) - 4

    def cut(self, label: str) -> None:
        self.gap(17)
        canvas, y = self.canvas, self.y
        canvas.setFont(FONT, 9)
        label_width = pdfmetrics.stringWidth(label, FONT, 9) + 8
        middle = MARGIN + WIDTH / 2
        canvas.setDash(4, 3)
        canvas.line(MARGIN - 6 * mm, y, middle - label_width / 2, y)
        canvas.line(middle + label_width / 2, y, MARGIN + WIDTH + 6 * mm, y)
        canvas.setDash()
        canvas.drawCentredString(middle, y - 3, label)
        self.gap(17)

    def letter_part(self) -> None:
        v = self.v
        self.title("")
        self.para(f"{v('addressee')}：", self.body)
        if self.whole:
            self.para(f"{v('org_name')}整建制转移，全体党员{v('member_count')}名（名单附后），由{v('from_org_name')}"
                      f"去{v('to_org_name')}，请转接组织关系。", self.indented)
        else:
            self.para(f"{v('member_name')}同志（{v('sex')}），{v('age')}岁，{v('ethnicity')}，系中共{v('category')}"
                      f"党员，身份证号码{v('id_number')}，由{v('from_org_name')}去{v('to_org_name')}，请转接组织关系。",
                      self.indented)
            self.para(f"该同志党费已交到{v('dues_paid_to_capital')}。", self.indented)
        self.gap(4)
        self.para(f"（有效期{v('valid_days_capital')}天）", self.indented)
        self.gap(8)
        issuer = escape(str(self.letter.get("issuer_name") or ""))
        self.para(f"{issuer}（盖章）", self.seal, WIDTH * 0.7 - 6 * mm, MARGIN + WIDTH * 0.3)
        self.gap(4)
        self.right(self.date())
        self.gap(6)
        self.para(f"党员联系电话或其他联系方式：{v('phone')}", self.small)
        self.para(f"党员原所在基层党委通讯地址：{v('sender_address')}", self.small)
        self.para(f"联系电话：{v('sender_phone')}　　传真：{v('sender_fax')}　　邮编：{v('sender_postcode')}",
                  self.small)

    def receipt(self) -> None:
        v = self.v
        self.title("（回执联）")
        self.para(f"{v('receipt_addressee')}：", self.body)
        who = f"{v('org_name')}全体党员{v('member_count')}名" if self.whole else f"{v('member_name')}同志"
        self.para(f"{who}的党员组织关系已转达我处，特此回执。", self.indented)
        self.gap(8)
        self.right("（盖章）")
        self.right(f"{BLANK}年{BLANK}月{BLANK}日")
        self.gap(6)
        self.para(f"经办人：<u>{PEN * 2}</u>　　联系电话：<u>{PEN * 2}</u>", self.small)


def written_date(value) -> str:
    """2026-12-02 as the form writes it, 2026年12月2日 (anything else as it came)."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return f"{day.year}年{day.month}月{day.day}日"


LIST_COLUMNS, LIST_ROWS = 3, 45  # names a page: 135
LIST_ROW = 15.5  # points a row


@lru_cache(maxsize=4096)
def _fit(text: str, size: float, width: float) -> str:
    """`text` cut with … to fit `width` (long organization names)."""
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def draw_member_list(canvas: Canvas, letter: dict) -> int:
    """附：整建制转移党员名单, page by page after the letter (drawn straight on the canvas: thousands
    of names stay quick); the number of pages drawn."""
    members = letter.get("members") or []
    per_page = LIST_COLUMNS * LIST_ROWS
    pages = max(1, -(-len(members) // per_page))
    column_width = WIDTH / LIST_COLUMNS
    for page in range(pages):
        y = PAGE_HEIGHT - MARGIN
        canvas.setFont(FONT, 13)
        canvas.drawCentredString(PAGE_WIDTH / 2, y - 13, "附：整建制转移党员名单")
        canvas.setFont(FONT, 9.5)
        y -= 30
        canvas.drawString(MARGIN, y, _fit(f"{letter.get('org_name') or ''}　共{len(members)}名", 9.5, WIDTH * 0.6))
        canvas.drawRightString(MARGIN + WIDTH, y, f"介绍信第 {letter.get('letter_no') or BLANK} 号　"
                                                  f"第 {page + 1} 页，共 {pages} 页")
        y -= 10
        canvas.line(MARGIN, y, MARGIN + WIDTH, y)
        y -= 14
        canvas.setFont(FONT, 9)
        for column in range(LIST_COLUMNS):
            x = MARGIN + column * column_width
            canvas.drawRightString(x + 9 * mm, y, "序号")
            canvas.drawString(x + 10.5 * mm, y, "姓名")
            canvas.drawString(x + 31 * mm, y, "所在党组织")
        top = y - LIST_ROW
        chunk = members[page * per_page:(page + 1) * per_page]
        for index, member in enumerate(chunk):
            column, row = divmod(index, LIST_ROWS)
            x, y = MARGIN + column * column_width, top - row * LIST_ROW
            number = page * per_page + index + 1
            canvas.setFont(FONT, 9)
            canvas.drawRightString(x + 9 * mm, y, str(number))
            canvas.drawString(x + 10.5 * mm, y, _fit(str(member.get("name") or ""), 9, 20 * mm))
            canvas.setFont(FONT, 7.5)
            canvas.drawString(x + 31 * mm, y, _fit(str(member.get("org_name") or ""), 7.5, column_width - 32 * mm))
        canvas.showPage()
    return pages


def render_letter(letter: dict) -> bytes:
    """The letter as PDF bytes (one A4 page; a 整建制转移's list of members on the pages after)."""
    scale = next((s for s in SCALES if _Sheet(Canvas(BytesIO()), letter, s).draw() >= MARGIN / 2), SCALES[-1])
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{TITLE} 第{letter.get('letter_no') or ''}号")
    canvas.setAuthor(str(letter.get("issuer_name") or ""))
    canvas.setCreator("PMIS")
    _Sheet(canvas, letter, scale).draw()
    canvas.showPage()
    if letter.get("whole_org"):
        draw_member_list(canvas, letter)
    canvas.save()
    return buffer.getvalue()
