"""The 发展纪实 printed through the gateway: a person keyed from 申请 to 正式党员 (one step taken back
by 回退 and keyed again), then GET /applicants/{id}/record.pdf and .xlsx — the person's data, every
step with its date, actors, introducers and votes, the 回退 with its reason — readable by the
branch's own account and refused to another branch's; both listed in the OpenAPI document."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.support.api import create_org, staff_client
from tests.support.development import PATH, add_applicant, development_tree, walk


@pytest.fixture(scope="module")
def recorded(system, api, root_id):
    tree = development_tree(api, root_id, "纪实测试党委", "纪实测试支部", ("纪实甲", "纪实乙"))
    branch, full = tree["branch"], tree["full"]
    other = create_org(api, tree["committee"], "纪实测试其他支部", "党支部")
    applicant_id = add_applicant(api, branch, name="纪实对象")
    walk(api, full, applicant_id, PATH[:2])
    taken_back = api.post(f"/applicants/{applicant_id}/steps/undo", json={"reason": "积极分子的支委会日期录错"})
    assert taken_back.status_code == 200, taken_back.text
    member_id = walk(api, full, applicant_id, PATH[1:])["member_id"]
    confirmed = api.post(f"/members/{member_id}/probation",
                         json={"outcome": "confirm", "meeting_on": "2024-07-05", "approved_on": "2024-07-20"})
    assert confirmed.status_code == 200, confirmed.text
    return {"branch": branch, "other": other, "applicant_id": applicant_id, "member_id": member_id}


EXPECTED = ["纪实对象", "纪实测试支部", "大学本科", "专业技术人员", "2022-01-10", "正式党员",
            "派人谈话", "支部书记谈话", "确定为入党积极分子", "积极分子的支委会日期录错", "纪实甲", "纪实乙",
            "支部大会讨论接收", "2023-07-01", "上级党委审批", "2023-08-01", "入党日期（支部大会）", "转正日期",
            "2024-07-01",
            "一、申请入党", "四、预备党员的接收", "五、预备党员的教育、考察和转正"]


def test_the_pdf_has_the_person_and_every_step(api, recorded):
    response = api.get(f"/applicants/{recorded['applicant_id']}/record.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "inline" in response.headers["content-disposition"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    compact = text.replace("\n", "").replace(" ", "")
    assert [item for item in EXPECTED if item not in compact] == []
    assert "赞成票数（含书面意见）：7" in compact and "已回退" in compact


def test_the_excel_has_the_same_rows(api, recorded):
    response = api.get(f"/applicants/{recorded['applicant_id']}/record.xlsx")
    assert response.status_code == 200, response.text
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    cells = " ".join(str(cell) for row in rows for cell in row)
    assert [item for item in EXPECTED if item not in cells] == []
    assert ["姓名", "纪实对象"] in rows and ["所在党组织", "纪实测试支部"] in rows
    steps = [row[:6] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert [row[0] for row in steps] == list(range(1, len(steps) + 1))
    assert [row[2] for row in steps if row[5] == "已回退"] == ["确定为入党积极分子"]
    meeting = next(row for row in steps if row[2] == "支部大会讨论接收")
    assert meeting[1] == "2023-07-01" and "赞成票数（含书面意见）：7" in meeting[3]
    assert steps[-1][2] == "支部大会讨论转正并报上级审批" and steps[-1][1] == "2024-07-20"


def test_the_branch_prints_it_and_another_branch_cannot(system, api, recorded):
    own = staff_client(system, api, recorded["branch"], "jishi")
    assert own.get(f"/applicants/{recorded['applicant_id']}/record.pdf").status_code == 200
    other = staff_client(system, api, recorded["other"], "jishiqt")
    for suffix in ("pdf", "xlsx"):
        assert other.get(f"/applicants/{recorded['applicant_id']}/record.{suffix}").status_code == 403
    assert api.get("/applicants/999999999/record.pdf").status_code == 404


def test_the_openapi_document_lists_the_printouts(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert "application/pdf" in paths["/applicants/{id}/record.pdf"]["get"]["responses"]["200"]["content"]
    assert "/applicants/{id}/record.xlsx" in paths
