"""Excel downloads through HTTP: the collection template and the roster of a subtree."""
import io

import pytest
from openpyxl import load_workbook

from services.shared.member_sheet import IMPORT_COLUMNS
from tests.conftest import login
from tests.support.bulk import write_members
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, plain_dsn, wait_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_of(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(XLSX)
    return load_workbook(io.BytesIO(response.content))


@pytest.fixture(scope="module")
def subtree(api, root_id):
    """A committee with two branches and members, one of them with a formula-like name."""
    committee = api.post("/orgs", json={"name": "导出测试党委", "code": code(), "type": "11",
                                        "parent_id": root_id}).json()["id"]
    first = api.post("/orgs", json={"name": "导出一支部", "code": code(), "type": "31",
                                    "parent_id": committee}).json()["id"]
    second = api.post("/orgs", json={"name": "导出二支部", "code": code(), "type": "31",
                                     "parent_id": committee}).json()["id"]
    names = {}
    for org_id, name in [(first, "陈一"), (first, "=HYPERLINK(\"http://evil\",\"点我\")"), (second, "林二")]:
        created = api.post("/members", json=member_data(org_id, name=name))
        assert created.status_code == 201, created.text
        names[name] = org_id
    return {"committee": committee, "first": first, "second": second, "names": names}


def test_template_has_chinese_headers_code_lists_and_text_id_column(api):
    book = workbook_of(api.get("/imports/members/template.xlsx"))
    assert book.sheetnames == ["党员采集表", "代码表", "填写说明"]
    sheet = book["党员采集表"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [column.header for column in IMPORT_COLUMNS]
    assert headers[:6] == ["姓名", "公民身份号码", "民族", "党员类别", "入党日期", "所在党组织代码"]
    assert sheet["B2"].number_format == "@"  # 18 digits stay text, not a rounded number
    lists = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert any(formula.startswith("=代码表!$A$2") for formula in lists.values())
    codes = [cell.value for cell in book["代码表"]["A"]][1:]
    assert "汉族" in codes and "基诺族" in codes


def test_roster_of_a_subtree_with_every_column(api, subtree):
    book = workbook_of(api.get(f"/orgs/{subtree['committee']}/members.xlsx"))
    sheet = book["党员名册"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "导出测试党委 党员名册"
    assert list(rows[1]) == ["姓名", "性别", "出生日期", "民族", "公民身份号码", "党员类别", "入党日期", "所在党组织"]
    data = {row[0]: row for row in rows[2:]}
    assert len(data) == 3
    assert data["陈一"][7] == "导出一支部" and data["林二"][7] == "导出二支部"
    assert data["陈一"][3] == "汉族" and data["陈一"][5] == "正式党员"


def test_roster_cells_never_run_as_formulas(api, subtree):
    book = workbook_of(api.get(f"/orgs/{subtree['committee']}/members.xlsx"))
    sheet = book["党员名册"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "'=HYPERLINK(\"http://evil\",\"点我\")" in names


def test_roster_with_chosen_columns_in_order(api, subtree):
    book = workbook_of(api.get(f"/orgs/{subtree['first']}/members.xlsx", params={"columns": "org,name"}))
    rows = list(book["党员名册"].iter_rows(values_only=True))
    assert list(rows[1]) == ["所在党组织", "姓名"]
    assert sorted(row[1] for row in rows[2:]) == sorted(["陈一", "'=HYPERLINK(\"http://evil\",\"点我\")"])


def test_roster_spans_several_pages(api, root_id, system):
    """More members than one page of the gateway's keyset walk (2,000 a page)."""
    branch = api.post("/orgs", json={"name": "大支部", "code": code(), "type": "31", "parent_id": root_id}).json()
    write_members(plain_dsn(system), branch, 2500, start=9_000_000)
    book = workbook_of(api.get(f"/orgs/{branch['id']}/members.xlsx", params={"columns": "id_number,name"}))
    rows = list(book["党员名册"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == 2500
    assert len({row[0] for row in rows}) == 2500  # every member once, none repeated across pages
    wait_for(lambda: api.get(f"/orgs/{branch['id']}/stats").json()["members"]["total"], lambda n: n == 2500,
             timeout=120, what="the bulk members to be counted")


def test_organization_roster_of_a_subtree(api, subtree):
    book = workbook_of(api.get(f"/orgs/{subtree['committee']}/orgs.xlsx"))
    rows = list(book["党组织名册"].iter_rows(values_only=True))
    assert rows[0][0] == "导出测试党委 党组织名册"
    assert list(rows[1]) == ["层级", "党组织名称", "党组织代码", "党组织类别", "上级党组织"]
    body = rows[2:]
    assert body[0][:2] == (1, "导出测试党委") and body[0][3] == "党委"
    assert sorted((r[1], r[0], r[4]) for r in body[1:]) == [("导出一支部", 2, "导出测试党委"),
                                                           ("导出二支部", 2, "导出测试党委")]


def test_unknown_column_is_a_chinese_400(api, subtree):
    assert_error(api.get(f"/orgs/{subtree['committee']}/members.xlsx", params={"columns": "name,salary"}), 400,
                 "validation")


def test_roster_outside_the_scope_is_403(system, api, subtree):
    other = api.post("/orgs", json={"name": "无关党委", "code": code(), "type": "11",
                                    "parent_id": system.root_id}).json()["id"]
    username = f"xl{code('')}"
    api.post("/accounts", json={"username": username, "password": "Init#Pass2026e", "org_id": other})
    client = login(system.url, username, "Init#Pass2026e")
    client.post("/session/password", json={"old_password": "Init#Pass2026e", "new_password": "Excel#Pass2026"})
    client = login(system.url, username, "Excel#Pass2026")
    assert_error(client.get(f"/orgs/{subtree['committee']}/members.xlsx"), 403)
    assert_error(client.get(f"/orgs/{subtree['committee']}/orgs.xlsx"), 403)
