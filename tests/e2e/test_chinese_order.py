"""Chinese order: names sort by pinyin (polyphonic surnames read as surnames) in the
organization's member list, quick search, the combined query and both exports, which keep the
on-screen order; search results name the organization; an import preview names each row's
person and organization and says which values it normalized (民族：汉 → 汉族)."""
import io
import json

import pytest
from openpyxl import load_workbook

from tests.support.factories import code, id_number, member_data
from tests.support.helpers import csrf_of

from .test_member_import import sheet_bytes, upload

# Code-point order would be 单 张 王 邓 阿; a reader's order: 阿 邓 单(shàn) 王 张.
NAMES = ["张序三", "单序信", "王序五", "邓序平", "阿序强"]
PINYIN = ["阿序强", "邓序平", "单序信", "王序五", "张序三"]


@pytest.fixture(scope="module")
def branch(api, root_id) -> dict:
    branch_code = code("PY")
    created = api.post("/orgs", json={"name": "拼音排序支部", "code": branch_code, "type": "31", "parent_id": root_id})
    assert created.status_code == 201, created.text
    for name in NAMES:
        assert api.post("/members", json=member_data(created.json()["id"], name=name)).status_code == 201
    return {"id": created.json()["id"], "code": branch_code}


def names_in(rows) -> list[str]:
    return [row[0] for row in rows if row and row[0] in NAMES]


def test_the_member_list_sorts_by_pinyin(browser_session, api, branch):
    assert sorted(NAMES) != PINYIN
    listed = api.get(f"/orgs/{branch['id']}/members", params={"size": 50}).json()["items"]
    assert [m["name"] for m in listed] == PINYIN
    page = browser_session.get(f"/orgs/{branch['id']}").text
    assert [name for name in PINYIN if name in page] == PINYIN
    assert sorted(PINYIN, key=page.index) == PINYIN


def test_the_roster_export_keeps_the_list_order(api, branch):
    sheet = load_workbook(io.BytesIO(api.get(f"/orgs/{branch['id']}/members.xlsx").content))["党员名册"]
    assert names_in(sheet.iter_rows(values_only=True)) == PINYIN


def test_the_query_and_its_export_keep_the_same_order(api, branch):
    query = {"org_id": branch["id"], "where": {"conditions": [{"field": "name", "operator": "contains",
                                                               "value": "序"}]}}
    shown = api.post("/member-queries", json=query).json()["items"]
    assert [m["name"] for m in shown] == PINYIN
    response = api.get("/member-queries/members.xlsx", params={"query": json.dumps(query), "columns": "name"})
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content))["综合查询结果"]
    assert names_in(sheet.iter_rows(values_only=True)) == PINYIN
    descending = {**query, "sort": "-name"}
    assert [m["name"] for m in api.post("/member-queries", json=descending).json()["items"]] == PINYIN[::-1]
    response = api.get("/member-queries/members.xlsx", params={"query": json.dumps(descending), "columns": "name"})
    sheet = load_workbook(io.BytesIO(response.content))["综合查询结果"]
    assert names_in(sheet.iter_rows(values_only=True)) == PINYIN[::-1]


def test_search_results_show_the_name_and_the_organization(browser_session, branch):
    page = browser_session.get("/search", params={"q": "单序信"}).text
    assert "<th>姓名</th><th>所在党组织</th>" in page
    assert ">单序信</a></td><td>拼音排序支部</td>" in page


def test_the_import_preview_names_rows_and_notes_normalized_values(api, browser_session, branch):
    content = sheet_bytes(api, [
        ["规范甲", id_number(), "汉", "正式", "2010-07-01", branch["code"]],
        ["有错乙", "110105194912310021", "汉族", "正式党员", "2010-07-01", branch["code"]],
    ])
    preview = upload(api, content).json()
    assert {"row": 2, "name": "规范甲", "org": "拼音排序支部", "field": "ethnicity", "message": "民族：汉 → 汉族"} \
        in preview["notes"]
    assert any(n["message"] == "党员类别：正式 → 正式党员" for n in preview["notes"])
    (error,) = preview["errors"]
    assert (error["row"], error["name"], error["org"], error["field"]) == (3, "有错乙", "拼音排序支部", "id_number")
    page = browser_session.get(f"/orgs/{branch['id']}/import").text
    assert "<th>姓名</th><th>所在党组织</th>" in page and 'id="preview-notes"' in page
    assert "preview.notes" in browser_session.get("/static/import.js").text
    assert csrf_of(page)
