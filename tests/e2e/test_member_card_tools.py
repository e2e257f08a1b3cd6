"""The card's tools over HTTP: 校核 (JSON, page, Excel), 批量添加 (API preview / commit / undo and
the page's preview → commit → undo), and the 党员登记表 (.xlsx on one A4 page with the photo)."""
import io

import pytest
from openpyxl import load_workbook

from tests.support.factories import code, id_number, member_data
from tests.support.helpers import assert_error, csrf_of, wait_for

from .test_member_import import sheet_bytes, upload
from .test_member_photo import attach, gif


@pytest.fixture(scope="module")
def tree(api, root_id) -> dict:
    def org(name, parent, type_="31"):
        response = api.post("/orgs", json={"name": name, "code": code(), "type": type_, "parent_id": parent})
        assert response.status_code == 201, response.text
        return response.json()["id"]

    committee = org("工具测试党委", root_id, "11")
    branch = org("工具测试支部", committee)

    def member(name, **overrides):
        created = api.post("/members", json=member_data(branch, name=name, **overrides))
        assert created.status_code == 201, created.text
        return created.json()["id"]

    return {"committee": committee, "branch": branch, "complete": member(
        "完整党员", joined_on="2010-07-01", full_on="2011-07-01", native_place="天津", education="本科",
        occupation="工人", branch_joined_on="2012-01-01", phone="022-1234567"),
        "overdue": member("超期预备", category="预备党员", joined_on="2020-07-01"),
        "plain": member("缺项党员", joined_on="2010-07-01")}


def test_check_of_a_member_and_of_a_subtree(api, browser_session, tree):
    api.post(f"/members/{tree['complete']}/info/evaluations", json={
        "version": api.get(f"/members/{tree['complete']}").json()["version"], "year": 2025, "grade": "合格"})
    one = api.get(f"/members/{tree['overdue']}/check")
    assert one.status_code == 200
    assert any("预备期已于2021-07-01期满" in p["message"] for p in one.json()["problems"])

    subtree = api.get(f"/orgs/{tree['committee']}/member-check").json()
    assert subtree["checked"] == 3 and subtree["next_after_id"] is None
    assert {item["name"] for item in subtree["items"]} == {"超期预备", "缺项党员"}
    assert assert_error(api.get(f"/orgs/{tree['committee']}/member-check", params={"limit": "0"}), 400)

    page = browser_session.get(f"/orgs/{tree['committee']}/member-check")
    assert page.status_code == 200 and f'href="/members/{tree["plain"]}"' in page.text
    assert "缺少必填项：籍贯" in page.text and "完整党员" not in page.text
    passed = browser_session.get(f"/members/{tree['complete']}/check")
    assert 'id="check-passed"' in passed.text

    book = load_workbook(io.BytesIO(api.get(f"/orgs/{tree['committee']}/member-check.xlsx").content))
    rows = list(book["校核结果"].iter_rows(values_only=True))
    assert rows[1][:6] == ("姓名", "公民身份号码", "所在党组织", "问题项", "问题", "党员信息卡")
    assert any(r[0] == "缺项党员" and r[3] == "籍贯" and r[5].endswith(f"/members/{tree['plain']}") for r in rows[2:])


def test_batch_api_preview_commit_and_undo(api, tree):
    body = {"info_set": "evaluations", "values": {"year": 2024, "grade": "优秀"},
            "member_ids": [tree["complete"], tree["overdue"], tree["plain"]]}
    preview = api.post(f"/orgs/{tree['committee']}/batches/preview", json=body)
    assert preview.status_code == 200, preview.text
    assert len(preview.json()["accepted"]) == 3
    assert_error(api.post(f"/orgs/{tree['committee']}/batches/preview", json={**body, "member_ids": "1,2"}), 400)

    done = api.post(f"/orgs/{tree['committee']}/batches", json=body)
    assert done.status_code == 201, done.text
    again = api.post(f"/orgs/{tree['committee']}/batches/preview", json=body).json()
    assert again["accepted"] == [] and all("2024年度已有" in r["reason"] for r in again["refused"])

    undone = api.post(f"/batches/{done.json()['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone"] == 3
    assert_error(api.post(f"/batches/{done.json()['id']}/undo"), 409, "conflict")
    # The batch itself is in the 操作日志, added and undone, besides each member's row.
    entries = wait_for(lambda: api.get("/audit", params={"entity": "member_batch_add",
                                                        "entity_id": done.json()["id"]}).json()["items"],
                       lambda found: len(found) == 2, what="批量添加的日志")
    lines = {e["action"]: {c["field"]: c["after"] for c in e["changes"]} for e in entries}
    assert lines["批量添加"]["信息集"] == "民主评议" and lines["批量添加"]["添加人数"] == "3"
    assert lines["批量添加"]["评议结果"] == "优秀" and lines["撤销批量添加"]["撤销人数"] == "3"
    assert_error(api.post("/batches/not-a-batch/undo"), 404)


def test_batch_page_preview_commit_and_undo(api, browser_session, tree):
    form_page = browser_session.get(f"/orgs/{tree['committee']}/member-batch?set=work_posts")
    assert form_page.status_code == 200 and "批量添加工作岗位" in form_page.text
    assert f'value="{tree["plain"]}"' in form_page.text  # the subtree's members to tick
    form = {"csrf_token": csrf_of(form_page.text), "info_set": "work_posts", "occupation": "5", "unit": "某局",
            "post": "", "started_on": "2021-01-01", "ended_on": "",
            "member_id": [str(tree["plain"]), str(tree["overdue"])], "member_ids_text": ""}
    preview = browser_session.post(f"/orgs/{tree['committee']}/member-batch/preview", data=form)
    assert preview.status_code == 200 and 'id="preview-summary"' in preview.text
    assert "将为 2 名党员添加" in preview.text
    assert api.get(f"/members/{tree['plain']}").json()["info_sets"]["work_posts"] == []  # nothing written yet

    commit_form = preview.text[preview.text.index('id="commit-batch-form"'):]
    ids = [tree["plain"], tree["overdue"]]
    done = browser_session.post(f"/orgs/{tree['committee']}/member-batch", data={
        "csrf_token": csrf_of(preview.text), "info_set": "work_posts", "occupation": "5", "unit": "某局", "post": "",
        "started_on": "2021-01-01", "ended_on": "", "member_id": [str(i) for i in ids]})
    assert 'name="member_id"' in commit_form
    # Post/Redirect/Get: the save answers 303; the page it leads to says what was done, once
    assert done.status_code == 303 and "&done=" in done.headers["location"]
    done = browser_session.get(done.headers["location"])
    assert done.status_code == 200 and "已为 2 名党员添加工作岗位" in done.text and 'id="batch-done"' in done.text
    assert api.get(f"/members/{tree['plain']}").json()["occupation"] == "5"

    undo_action = done.text[done.text.index('action="/batches/'):].split('"')[1]
    undone = browser_session.post(undo_action, data={"csrf_token": csrf_of(done.text),
                                                     "org_id": str(tree["committee"]), "info_set": "work_posts"})
    assert undone.status_code == 303
    assert "已撤销本次批量添加，2 名党员的工作岗位信息已删除" in browser_session.get(undone.headers["location"]).text
    assert api.get(f"/members/{tree['plain']}").json()["info_sets"]["work_posts"] == []

    bad = browser_session.post(f"/orgs/{tree['committee']}/member-batch/preview", data={
        "csrf_token": csrf_of(form_page.text), "info_set": "evaluations", "year": "2024", "grade": ""})
    assert bad.status_code == 400 and "请选择要添加信息的党员" in bad.text and "必填" in bad.text


def test_registration_form_fits_one_a4_page_with_the_photo(api, tree):
    attach(api, tree["complete"], gif(), "image/gif")
    response = api.get(f"/members/{tree['complete']}/registration.xlsx")
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["党员登记表"]
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1 \
        and sheet.page_setup.fitToHeight == 1
    assert len(sheet._images) == 1
    text = [value for row in sheet.iter_rows(values_only=True) for value in row if value]
    assert "中国共产党党员登记表" in text and "完整党员" in text and "天津" in text and "工具测试支部" in text
    for heading in ("二、学历学位", "六、民主评议", "七、培训情况", "十一、党籍"):
        assert heading in text
    assert_error(api.get("/members/999999999/registration.xlsx"), 404)


def test_import_takes_the_optional_basic_columns(api, tree):
    branch_code = api.get(f"/orgs/{tree['branch']}").json()["code"]
    content = sheet_bytes(api, [
        ["导入全项", id_number(), "汉族", "正式党员", "2010-07-01", branch_code, "2011-07-01", "浙江杭州", "本科",
         "专业技术人员", "2012-01-01", "0571-1234567", "", "杭州市"],
        ["导入错项", id_number(), "汉族", "预备党员", "2024-07-01", branch_code, "2025-01-01", "", "博士后"]])
    preview = upload(api, content)
    assert preview.status_code == 201, preview.text
    problems = {(e["row"], e["field"]) for e in preview.json()["errors"]}
    assert problems == {(3, "full_on"), (3, "education")}
    committed = api.post(f"/imports/{preview.json()['id']}/commit", json={})
    assert committed.status_code == 200 and committed.json()["written"] == 1, committed.text
    found = api.get("/members", params={"q": "导入全项"}).json()["items"][0]
    card = api.get(f"/members/{found['id']}").json()
    assert (card["full_on"], card["native_place"], card["education"], card["occupation"], card["phone"],
            card["address"], card["former_name"]) == ("2011-07-01", "浙江杭州", "20", "3", "0571-1234567", "杭州市",
                                                      None)
