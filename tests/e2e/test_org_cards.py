"""The organization card through HTTP: the JSON API (edit with the version, units and rewards,
更名, 撤销/恢复, delete, sort, history, search, 校核 and its Excel, batch modify and undo, the
党组织采集表 template and import) and the pages that drive the same RPCs."""
import io
import re

import pytest
from openpyxl import load_workbook

from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, csrf_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def new_org(api, parent_id, type_="31", name="接口卡片支部", **extra) -> dict:
    response = api.post("/orgs", json={"name": name, "code": code("C"), "type": type_, "parent_id": parent_id,
                                       **extra})
    assert response.status_code == 201, response.text
    return api.get(f"/orgs/{response.json()['id']}").json()


@pytest.fixture(scope="module")
def committee(api, root_id) -> dict:
    return new_org(api, root_id, "11", "接口卡片党委")


@pytest.fixture
def branch(api, committee) -> dict:
    return new_org(api, committee["id"])


# --- JSON API ------------------------------------------------------------------------------

def test_card_items_are_in_the_openapi_document(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/orgs/{id}/revoke", "/orgs/{id}/restore", "/orgs/{id}/sort", "/orgs/{id}/history",
                 "/orgs/{id}/check", "/orgs/{id}/check.xlsx", "/orgs/{id}/batch/preview", "/orgs/{id}/batch",
                 "/org-batches/{id}/undo", "/orgs/{id}/units", "/orgs/{id}/sanctions/{entry}",
                 "/imports/orgs", "/imports/orgs/template.xlsx", "/org-fields"):
        assert path in paths, path
    assert set(paths["/orgs/{id}"]) == {"get", "patch", "delete"} and set(paths["/orgs"]) == {"get", "post"}
    assert "affiliation" in paths["/orgs"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "properties"]


def test_fields_mark_system_required_and_norm_required_items(api):
    fields = {f["key"]: f for f in api.get("/org-fields").json()["org"]}
    assert fields["name"]["required"] and fields["type"]["level"] == "system"
    assert fields["affiliation"]["level"] == "norm" and not fields["affiliation"]["required"]
    assert ["4", "县（市、区、旗）"] in fields["affiliation"]["options"]


def test_patch_edits_the_card_and_a_stale_version_is_409(api, branch):
    response = api.patch(f"/orgs/{branch['id']}", json={"version": branch["version"], "affiliation": "县",
                                                        "established_on": "2018-05-04"})
    assert response.status_code == 200, response.text
    org = api.get(f"/orgs/{branch['id']}").json()
    assert org["affiliation_name"] == "县（市、区、旗）" and org["version"] == branch["version"] + 1
    stale = api.patch(f"/orgs/{branch['id']}", json={"version": branch["version"], "contact_person": "晚到"})
    assert_error(stale, 409, "conflict")
    assert api.get(f"/orgs/{branch['id']}").json()["contact_person"] is None


def test_bad_card_input_is_400_per_field(api, branch):
    error = assert_error(api.patch(f"/orgs/{branch['id']}", json={"version": 1, "type": "火星支部", "postcode": "1"}),
                         400, "validation")
    assert error["fields"] == {"type": "未知的党组织类别：火星支部", "postcode": "邮政编码应为6位数字"}
    assert_error(api.patch(f"/orgs/{branch['id']}", content=b"[]"), 400)


def test_units_and_rewards_over_the_api(api, branch):
    unit = api.post(f"/orgs/{branch['id']}/units", json={"name": "示例厂", "category": "国有企业",
                                                         "party_setup": "1"})
    assert unit.status_code == 201, unit.text
    bad = assert_error(api.post(f"/orgs/{branch['id']}/sanctions", json={"kind": "奖励"}), 400, "validation")
    assert set(bad["fields"]) == {"name", "approved_on", "approver"}
    changed = api.patch(f"/orgs/{branch['id']}/units/{unit.json()['id']}",
                        json={"name": "示例总厂", "category": "31", "party_setup": "1"})
    assert changed.status_code == 200, changed.text
    assert api.get(f"/orgs/{branch['id']}").json()["units"][0]["name"] == "示例总厂"
    assert api.delete(f"/orgs/{branch['id']}/units/{unit.json()['id']}").status_code == 200
    assert_error(api.delete(f"/orgs/{branch['id']}/units/{unit.json()['id']}"), 404, "not_found")


def test_rename_revoke_restore_and_history(api, committee, branch):
    assert api.post(f"/orgs/{branch['id']}/rename", json={"name": "接口更名支部"}).status_code == 200
    revoked = api.post(f"/orgs/{branch['id']}/revoke", json={"date": "2025-01-01", "reason": "撤并"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert_error(api.post(f"/orgs/{branch['id']}/revoke", json={"date": "2025-01-02", "reason": "再撤"}),
                 409, "conflict")
    history_children = api.get(f"/orgs/{committee['id']}/children?history=1").json()["items"]
    assert branch["id"] in [c["id"] for c in history_children]
    assert branch["id"] not in [c["id"] for c in api.get(f"/orgs/{committee['id']}/children").json()["items"]]
    found = api.get("/orgs", params={"q": "接口更名支部", "history": "1", "under": committee["id"]}).json()
    assert [o["id"] for o in found["items"]] == [branch["id"]]
    assert api.post(f"/orgs/{branch['id']}/restore").status_code == 200
    actions = [line["action"] for line in api.get(f"/orgs/{branch['id']}/history").json()["items"]]
    assert actions == ["restored", "revoked", "renamed", "created"]


def test_delete_refused_with_members_then_allowed_when_empty(api, committee, branch):
    member = api.post("/members", json=member_data(branch["id"]))
    assert member.status_code == 201
    error = assert_error(api.delete(f"/orgs/{branch['id']}"), 409, "conflict")
    assert "在册党员" in error["message"]
    assert_error(api.delete(f"/orgs/{committee['id']}"), 409, "conflict")
    empty = new_org(api, committee["id"], name="待删支部")
    assert_error(api.delete(f"/orgs/{empty['id']}?version=99"), 409, "conflict")
    assert api.delete(f"/orgs/{empty['id']}?version={empty['version']}").json() == {"id": empty["id"],
                                                                                    "deleted": True}
    assert_error(api.get(f"/orgs/{empty['id']}"), 404, "not_found")


def test_sort_over_the_api(api, root_id):
    parent = new_org(api, root_id, "21", "排序总支")
    first, second = (new_org(api, parent["id"], name=f"排序支部{i}") for i in range(2))
    assert api.post(f"/orgs/{second['id']}/sort", json={"move": "up"}).json()["position"] == 1
    assert [c["id"] for c in api.get(f"/orgs/{parent['id']}/children").json()["items"]] == [second["id"],
                                                                                             first["id"]]
    assert_error(api.post(f"/orgs/{second['id']}/sort", json={"move": "sideways"}), 400, "validation")


def test_check_and_its_excel(api, committee):
    branch = new_org(api, committee["id"], name="校核空支部")
    result = api.get(f"/orgs/{branch['id']}/check").json()
    assert not result["passed"]
    assert "党支部没有党员" in [p["message"] for p in result["problems"]]
    download = api.get(f"/orgs/{branch['id']}/check.xlsx")
    assert download.status_code == 200 and download.headers["content-type"].startswith(XLSX)
    sheet = load_workbook(io.BytesIO(download.content))["校核结果"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("党组织名称", "党组织代码", "党组织类别", "问题")
    assert ("校核空支部", branch["code"], "党支部", "党支部没有党员") in rows
    assert_error(api.get(f"/orgs/{branch['id']}/check?subtree=maybe"), 400, "validation")


def test_batch_preview_save_undo_over_the_api(api, root_id):
    parent = new_org(api, root_id, "21", "批量接口总支")
    kids = [new_org(api, parent["id"], name=f"批量接口支部{i}") for i in range(2)]
    spec = {"conditions": [{"field": "type", "op": "eq", "value": "31"}], "field": "postcode", "value": "300000"}
    preview = api.post(f"/orgs/{parent['id']}/batch/preview", json=spec).json()
    assert sorted(c["id"] for c in preview["changes"]) == sorted(k["id"] for k in kids)
    saved = api.post(f"/orgs/{parent['id']}/batch", json={**spec, "org_ids": [c["id"] for c in preview["changes"]]})
    assert saved.status_code == 201 and saved.json()["changed"] == 2
    assert api.get(f"/orgs/{kids[0]['id']}").json()["postcode"] == "300000"
    undone = api.post(f"/org-batches/{saved.json()['id']}/undo")
    assert undone.status_code == 200 and undone.json()["status"] == "undone"
    assert api.get(f"/orgs/{kids[0]['id']}").json()["postcode"] is None
    assert_error(api.post(f"/org-batches/{saved.json()['id']}/undo"), 409, "conflict")
    assert_error(api.post("/org-batches/not-a-uuid/undo"), 404, "not_found")


# --- the collection sheet --------------------------------------------------------------------

def filled_org_sheet(api, rows: list[list]) -> bytes:
    response = api.get("/imports/orgs/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["党组织采集表"]
    for offset, values in enumerate(rows):  # from row 2 (the template formats 5,000 rows, so no append)
        for column, value in enumerate(values, start=1):
            sheet.cell(row=2 + offset, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_org_template_has_chinese_headers_required_marked_and_drop_downs(api):
    book = load_workbook(io.BytesIO(api.get("/imports/orgs/template.xlsx").content))
    sheet = book["党组织采集表"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["党组织名称", "党组织代码", "党组织类别", "上级党组织代码"]
    assert sheet["A1"].font.color.rgb.endswith("B71C1C") and not sheet["E1"].font.color.rgb.endswith("B71C1C")
    assert [v.sqref for v in sheet.data_validations.dataValidation]
    assert "党支部" in [c.value for c in book["代码表"]["A"]]


def test_org_import_preview_lists_problems_and_commit_creates_parents_first(api, committee):
    general, branch_code, bad_code = code("G"), code("B"), code("X")
    content = filled_org_sheet(api, [
        ["导入总支", general, "党总支", committee["code"], None, "县", "2020-01-01"],
        ["导入支部", branch_code, "党支部", general, None, None, None, "联系人甲", "12345"],
        ["", bad_code, "火星组织", "NOPE"],
        ["导入支部下级", code("Z"), "党支部", branch_code],
    ])
    response = api.post("/imports/orgs", files={"file": ("党组织.xlsx", content, XLSX)})
    assert response.status_code == 201, response.text
    preview = response.json()
    assert preview["rows"] == 4 and preview["valid"] == 2
    problems = {(e["row"], e["field"]): e["message"] for e in preview["errors"]}
    assert problems[(4, "name")] == "必填" and problems[(4, "type")] == "未知的党组织类别：火星组织"
    assert problems[(4, "parent_code")].startswith("上级党组织代码不存在")
    assert problems[(5, "parent_code")] == "上级党组织（第3行）是党支部，不能设立下级党组织"
    # the import says which values it read otherwise than typed
    assert {"row": 2, "name": "导入总支", "org": committee["code"], "field": "affiliation",
            "message": "隶属关系：县 → 县（市、区、旗）"} in preview["notes"]
    committed = api.post(f"/imports/orgs/{preview['id']}/commit", json={})
    assert committed.status_code == 200 and committed.json()["written"] == 2
    assert_error(api.post(f"/imports/orgs/{preview['id']}/commit", json={}), 409, "conflict")
    found = api.get("/orgs", params={"q": general}).json()["items"]
    assert [o["name"] for o in found] == ["导入总支"] and found[0]["affiliation"] == "4"
    children = api.get(f"/orgs/{found[0]['id']}/children").json()["items"]
    assert [c["name"] for c in children] == ["导入支部"]


def test_org_import_of_an_unreadable_file_is_400(api):
    error = assert_error(api.post("/imports/orgs", files={"file": ("x.xlsx", b"not a workbook", XLSX)}),
                         400, "bad_file")
    assert "党组织采集表" in error["message"]


# --- pages ---------------------------------------------------------------------------------

def test_the_org_page_shows_the_card_info_sets_and_forms(browser_session, api, committee):
    branch = new_org(api, committee["id"], name="页面卡片支部", affiliation="4")
    api.post(f"/orgs/{branch['id']}/units", json={"name": "页面单位", "category": "10", "party_setup": "1"})
    page = browser_session.get(f"/orgs/{branch['id']}")
    assert page.status_code == 200
    for marker in ('id="card-form"', 'id="rename-form"', 'id="revoke-form"', 'id="delete-form"',
                   'id="unit-form"', 'id="sanction-form"', "页面单位", "县（市、区、旗）", 'id="print-card"'):
        assert marker in page.text, marker
    forms = re.findall(r'<form method="post".*?</form>', page.text, flags=re.S)
    assert forms and all('name="csrf_token"' in form for form in forms)


def test_a_card_form_with_a_bad_item_shows_the_field_error_and_keeps_what_was_typed(browser_session, api,
                                                                                     committee):
    branch = new_org(api, committee["id"], name="页面错误支部")
    page = browser_session.get(f"/orgs/{branch['id']}")
    form = {"csrf_token": csrf_of(page.text), "version": str(branch["version"]), "code": branch["code"],
            "type": "31", "postcode": "12ab", "contact_person": "填了的人"}
    response = browser_session.post(f"/orgs/{branch['id']}/card", data=form)
    assert response.status_code == 400
    assert '<span class="field-error" id="error-card-postcode">邮政编码应为6位数字</span>' in response.text
    assert 'value="填了的人"' in response.text
    assert api.get(f"/orgs/{branch['id']}").json()["contact_person"] is None
    ok = browser_session.post(f"/orgs/{branch['id']}/card", data={**form, "postcode": "100000"})
    assert ok.status_code == 303 and api.get(f"/orgs/{branch['id']}").json()["postcode"] == "100000"


def test_revoke_and_restore_through_the_page(browser_session, api, committee):
    branch = new_org(api, committee["id"], name="页面撤销支部")
    page = browser_session.get(f"/orgs/{branch['id']}")
    token = csrf_of(page.text)
    refused = browser_session.post(f"/orgs/{branch['id']}/revoke", data={"csrf_token": token, "version": "1",
                                                                          "date": "", "reason": ""})
    assert refused.status_code == 400 and "必填" in refused.text
    done = browser_session.post(f"/orgs/{branch['id']}/revoke", data={"csrf_token": token, "version": "1",
                                                                       "date": "2025-03-01", "reason": "合并"})
    assert done.status_code == 303
    page = browser_session.get(f"/orgs/{branch['id']}")
    assert 'id="org-status"' in page.text and 'id="restore-form"' in page.text and 'id="card-form"' not in page.text
    history = browser_session.get(f"/orgs/{committee['id']}?orgs=history")
    assert "页面撤销支部" in history.text
    found = browser_session.get(f"/orgs/{committee['id']}/orgs", params={"q": "页面撤销", "history": "1"})
    assert found.status_code == 200 and "页面撤销支部" in found.text and "2025-03-01" in found.text
    assert "页面撤销支部" not in browser_session.get(f"/orgs/{committee['id']}/orgs", params={"q": "页面撤销"}).text
    assert browser_session.post(f"/orgs/{branch['id']}/restore",
                                data={"csrf_token": token, "version": "2"}).status_code == 303


def test_sort_through_htmx_returns_the_children_list(browser_session, api, root_id):
    parent = new_org(api, root_id, "21", "页面排序总支")
    first, second = (new_org(api, parent["id"], name=f"页面排序{i}") for i in range(2))
    token = csrf_of(browser_session.get(f"/orgs/{parent['id']}").text)
    response = browser_session.post(f"/orgs/{parent['id']}/children/{second['id']}/sort",
                                    data={"csrf_token": token, "move": "up"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="org-children"' in response.text
    assert response.text.index("页面排序1") < response.text.index("页面排序0")


def test_history_check_batch_and_import_pages(browser_session, api, committee):
    branch = new_org(api, committee["id"], name="页面历史支部")
    api.post(f"/orgs/{branch['id']}/rename", json={"name": "页面历史支部改"})
    history = browser_session.get(f"/orgs/{branch['id']}/history")
    assert history.status_code == 200 and "页面历史支部 → 页面历史支部改" in history.text
    check = browser_session.get(f"/orgs/{branch['id']}/check")
    assert check.status_code == 200 and "党支部没有党员" in check.text and f'href="/orgs/{branch["id"]}"' in check.text
    batch = browser_session.get(f"/orgs/{committee['id']}/batch")
    token = csrf_of(batch.text)
    form = {"csrf_token": token, "cond_field_0": "name", "cond_op_0": "contains", "cond_value_0": "页面历史支部改",
            "field": "contact_person", "value": "批量联系人", "action": "preview"}
    preview = browser_session.post(f"/orgs/{committee['id']}/batch", data=form)
    assert preview.status_code == 200 and 'id="batch-preview"' in preview.text and "批量联系人" in preview.text
    assert api.get(f"/orgs/{branch['id']}").json()["contact_person"] is None
    org_ids = re.search(r'name="org_ids" value="([^"]*)"', preview.text).group(1)
    saved = browser_session.post(f"/orgs/{committee['id']}/batch", data={**form, "action": "save", "org_ids": org_ids})
    assert saved.status_code == 303 and saved.headers["location"] == f"/orgs/{committee['id']}/batch"
    after = browser_session.get(saved.headers["location"])  # Post/Redirect/Get: F5 here saves nothing again
    assert 'id="flash"' in after.text and f"已修改 {len(org_ids.split(','))} 个党组织" in after.text
    assert 'id="flash"' not in browser_session.get(saved.headers["location"]).text  # said once
    assert api.get(f"/orgs/{branch['id']}").json()["contact_person"] == "批量联系人"
    bad = browser_session.post(f"/orgs/{committee['id']}/batch", data={**form, "field": "name"})
    assert bad.status_code == 400 and "该信息项不能批量修改" in bad.text
    imports = browser_session.get(f"/orgs/{committee['id']}/org-import")
    assert imports.status_code == 200 and 'data-upload="/api/v1/imports/orgs"' in imports.text
