"""The 发展纪实 drawn (gateway/pdf/development_record.py) and written (gateway/excel/development_record.py)
from what the gateway gathers: the text is extractable, steps sit under the 细则's stages in the
order recorded, a 回退 is marked, and a value that looks like a formula stays text."""
from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from gateway.excel.development_record import record_workbook
from gateway.pdf.development_record import phases, render_record


def step(name: str, label: str, phase: int, on: str, shown=(), **extra) -> dict:
    return {"step": name, "label": label, "phase": phase, "date": on, "actor_name": "录入员",
            "at": "2026-12-01T09:00:00", "undone": False,
            "shown": [{"label": k, "text": v} for k, v in shown], **extra}


RECORD = {
    "applicant": {"name": "测试对象", "sex_name": "男", "birth_date": "1998-04-02", "ethnicity_name": "汉族",
                  "id_number": "110105199804020019", "education_name": None, "occupation_name": None,
                  "applied_on": "2022-01-10"},
    "development": {"stage_name": "入党积极分子", "steps": [
        step("talk", "派人谈话", 1, "2022-01-20", [("谈话人等", "=HYPERLINK(\"x\")")]),
        step("activist", "确定为入党积极分子", 2, "2022-03-01", undone=True, undone_by="审核员",
             undo_reason="日期录错"),
        step("activist", "确定为入党积极分子", 2, "2022-03-02")],
        "due": [{"label": "入党积极分子报上级党委备案", "due_on": "2022-04-02", "overdue": True},
                {"label": "指定培养联系人", "due_on": None, "overdue": False}]},
    "org_name": "某某党支部", "printed_on": "2026-12-02",
}


def test_steps_are_grouped_by_stage_in_the_order_recorded():
    assert [(heading, len(steps)) for heading, steps in phases(RECORD["development"]["steps"])] == [
        ("一、申请入党", 1), ("二、入党积极分子的确定和培养", 2)]


def test_the_pdf_text_has_the_person_the_steps_the_undo_and_what_is_due():
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(render_record(RECORD))).pages)
    compact = text.replace("\n", "").replace(" ", "")
    for expected in ("发展党员纪实", "测试对象", "某某党支部", "一、申请入党", "确定为入党积极分子（已回退）",
                     "日期录错", "入党积极分子报上级党委备案", "2022-04-02前（已超期）", "第1页"):
        assert expected in compact, expected
    assert "指定培养联系人" not in compact  # no time limit: not listed as due


def test_a_record_without_steps_still_prints():
    empty = {**RECORD, "development": {"stage_name": "入党申请人", "steps": [], "due": []}}
    assert "尚未办理任何步骤" in PdfReader(BytesIO(render_record(empty))).pages[0].extract_text().replace("\n", "")


def test_the_excel_keeps_formula_like_text_as_text_and_marks_the_undo():
    sheet = load_workbook(BytesIO(record_workbook(RECORD))).active
    steps = [row[:6] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert [(row[2], row[5]) for row in steps] == [("派人谈话", "有效"), ("确定为入党积极分子", "已回退"),
                                                   ("确定为入党积极分子", "有效")]
    talk = next(cell for cell in sheet["D"] if cell.value and "HYPERLINK" in str(cell.value))
    assert talk.data_type == "s" and not str(talk.value).startswith("=")
