"""发展纪实 as a PDF: an applicant's development record on A4 pages — the person's data, then
every recorded step in order under the 细则's five stages (日期, 步骤, what was recorded: actors,
introducers, votes, results…, who keyed it), steps taken back by 回退 marked with their reason,
and the steps still due with their time limits. Every page is numbered and headed with the
person's name, so a long record stays one document when printed.

It draws what `development_record` (gateway/api/development.py) gathers: the applicant's card,
the pipeline as the member service shows it (already in Chinese: `shown` per step), and the
organization's name. The font is the built-in CID font STSong-Light, as the 介绍信
(gateway/pdf/transfer_letter.py): no font file, the text extractable."""
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.member.contract import PHASE_NAMES

from .transfer_letter import FONT, written_date

TITLE = "发展党员纪实"
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
GREY = ParagraphStyle("grey", parent=BODY, textColor=colors.HexColor("#555555"))
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=18, leading=26, alignment=TA_CENTER)
SECTION = ParagraphStyle("section", fontName=FONT, fontSize=12, leading=18, spaceBefore=6, spaceAfter=4)
GRID = [("FONT", (0, 0), (-1, -1), FONT, 9.5), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
LABEL = colors.HexColor("#eeeeee")
WIDTH = 174 * mm
NUMERALS = "一二三四五六七八九十"


def _p(value, style=BODY) -> Paragraph:
    return Paragraph(escape(str(value)) if value not in (None, "") else "", style)


def person_rows(record: dict) -> list[tuple[str, str]]:
    """(label, value) of the person's data, as both the PDF and the Excel show them."""
    a, dev = record["applicant"], record["development"]
    rows = [("姓名", a["name"]), ("性别", a.get("sex_name")), ("出生日期", a.get("birth_date")),
            ("民族", a.get("ethnicity_name")), ("公民身份号码", a.get("id_number")), ("学历", a.get("education_name")),
            ("工作岗位", a.get("occupation_name")), ("申请入党日期", a.get("applied_on")),
            ("所在党组织", record.get("org_name")), ("当前阶段", dev.get("stage_name"))]
    rows += [(label, dev[key]) for key, label in (("joined_on", "入党日期（支部大会）"), ("probation_ends", "预备期满"),
                                                  ("full_on", "转正日期"), ("left_on", "取消预备党员资格日期"))
             if dev.get(key)]
    if dev.get("stopped"):
        rows.append(("停止发展", dev["stopped"]))
    return [(label, "" if value is None else str(value)) for label, value in rows]


def step_text(step: dict) -> str:
    """What was recorded with the step, in Chinese (its fields as the card shows them)."""
    return "；".join(f"{item['label']}：{item['text']}" for item in step.get("shown") or ())


def step_note(step: dict) -> str:
    """Who keyed the step, and its 回退 if taken back."""
    note = f"{step.get('actor_name') or ''} 录入于 {str(step.get('at') or '')[:10]}"
    if step.get("undone"):
        note += f"；已回退（{step.get('undone_by') or ''}：{step.get('undo_reason') or ''}）"
    return note


def phases(steps: list) -> list[tuple[str, list]]:
    """The steps grouped under the 细则's stages in the order recorded: (heading, steps)."""
    groups: list[tuple[str, list]] = []
    for step in steps:
        phase = step.get("phase")
        name = PHASE_NAMES.get(phase, "其他")
        heading = f"{NUMERALS[phase - 1]}、{name}" if phase in PHASE_NAMES else name
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append(step)
    return groups


def _person_table(record: dict) -> Table:
    pairs = person_rows(record)
    rows = []
    for index in range(0, len(pairs), 2):
        left, right = pairs[index], (pairs[index + 1] if index + 1 < len(pairs) else ("", ""))
        rows.append([_p(left[0]), _p(left[1]), _p(right[0]), _p(right[1])])
    table = Table(rows, colWidths=[30 * mm, 57 * mm, 30 * mm, 57 * mm])
    table.setStyle(TableStyle([*GRID, ("BACKGROUND", (0, 0), (0, -1), LABEL), ("BACKGROUND", (2, 0), (2, -1), LABEL)]))
    return table


def _steps_table(steps: list) -> Table:
    rows = [["序号", "日期", "步骤", "办理情况", "录入"]]
    style = [*GRID, ("BACKGROUND", (0, 0), (-1, 0), LABEL), ("ALIGN", (0, 0), (-1, 0), "CENTER")]
    number = 0
    for heading, grouped in phases(steps):
        rows.append([_p(heading, BODY), "", "", "", ""])
        style += [("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)), ("BACKGROUND", (0, len(rows) - 1),
                                                                       (-1, len(rows) - 1), colors.HexColor("#f7f7f7"))]
        for step in grouped:
            number += 1
            text_style = GREY if step.get("undone") else BODY
            label = step.get("label") or step.get("step")
            rows.append([str(number), step.get("date") or "", _p(label + ("（已回退）" if step.get("undone") else ""),
                                                                 text_style),
                         _p(step_text(step), text_style), _p(step_note(step), GREY)])
    table = Table(rows, colWidths=[11 * mm, 22 * mm, 38 * mm, 69 * mm, 34 * mm], repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _due_table(due: list) -> Table:
    rows = [["待办步骤", "期限"]] + [[_p(item["label"]), _p(f"{item['due_on']}前" + ("（已超期）" if item.get("overdue")
                                                                               else ""))] for item in due]
    table = Table(rows, colWidths=[100 * mm, 74 * mm])
    table.setStyle(TableStyle([*GRID, ("BACKGROUND", (0, 0), (-1, 0), LABEL)]))
    return table


def _page(name: str, printed_on: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.drawString(18 * mm, 10 * mm, f"{name} {TITLE}　打印日期：{written_date(printed_on)}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()
    return draw


def render_record(record: dict) -> bytes:
    """The record as PDF bytes."""
    applicant, dev = record["applicant"], record["development"]
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=f"{applicant['name']} {TITLE}", author="PMIS")
    steps = dev.get("steps") or []
    due = [item for item in dev.get("due") or () if item.get("due_on")]
    story = [Paragraph(TITLE, HEADING), Spacer(1, 3 * mm), Paragraph("基本情况", SECTION), _person_table(record),
             Paragraph("发展过程", SECTION),
             _steps_table(steps) if steps else Paragraph("尚未办理任何步骤。", BODY)]
    if due:
        story += [Paragraph("待办步骤及期限", SECTION), _due_table(due)]
    doc.build(story, onFirstPage=_page(applicant["name"], record["printed_on"]),
              onLaterPages=_page(applicant["name"], record["printed_on"]))
    return out.getvalue()
