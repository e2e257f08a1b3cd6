"""综合查询, 固定查询, 批量修改 and the 工作督查 lists through the gateway: the JSON API (with its
OpenAPI paths), Excel downloads opened with openpyxl, the web pages and their htmx fragments,
bad input that changes nothing, and a root outside the account's scope (403)."""
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.conftest import login
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import assert_error, csrf_of

PASSWORD = "Query#Pass2026"


@pytest.fixture(scope="module")
def tree(api, root_id):
    committee = api.post("/orgs", json={"name": "查询端到端党委", "code": code(), "type": "11",
                                        "parent_id": root_id}).json()["id"]
    branch = api.post("/orgs", json={"name": "查询端到端支部", "code": code(), "type": "31",
                                     "parent_id": committee}).json()["id"]
    other = api.post("/orgs", json={"name": "查询端到端外支部", "code": code(), "type": "31",
                                    "parent_id": root_id}).json()["id"]
    people = {}
    for name, female, ethnicity, birth in (("甲女", True, "汉族", date(1950, 1, 2)),
                                           ("乙男", False, "回族", date(1980, 3, 4)),
                                           ("丙女", True, "回族", date(1990, 5, 6))):
        response = api.post("/members", json=member_data(branch, name=name, ethnicity=ethnicity,
                                                         id_number=id_number(birth, female=female)))
        assert response.status_code == 201, response.text
        people[name] = response.json()["id"]
    api.post("/members", json=member_data(other, name="外女", id_number=id_number(female=True)))
    return {"committee": committee, "branch": branch, "other": other, "people": people}


@pytest.fixture(scope="module")
def branch_api(system, api, tree):
    username = f"qb{code('')}"
    api.post("/accounts", json={"username": username, "password": "Init#Pass2026q", "org_id": tree["branch"]})
    client = login(system.url, username, "Init#Pass2026q")
    client.post("/session/password", json={"old_password": "Init#Pass2026q", "new_password": PASSWORD})
    return login(system.url, username, PASSWORD)


def women(tree, **extra) -> dict:
    return {"org_id": tree["committee"], "where": {"conditions": [
        {"field": "sex", "operator": "eq", "value": "女"}]}, **extra}


def test_run_a_query_sorted_and_paged(api, tree):
    result = api.post("/member-queries", json={**women(tree, sort="-birth_date"), "size": 1, "page": 2})
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["total"] == 2 and [m["name"] for m in body["items"]] == ["甲女"]
    assert body["description"] == "性别 等于 女"
    either = api.post("/member-queries", json={"org_id": tree["committee"], "where": {"join": "or", "conditions": [
        {"join": "and", "conditions": [{"field": "sex", "operator": "eq", "value": "1"},
                                       {"field": "ethnicity", "operator": "eq", "value": "回族"}]},
        {"field": "age", "operator": "gt", "value": 70}]}}).json()
    assert {m["name"] for m in either["items"]} == {"乙男", "甲女"}


def test_fields_catalog(api):
    catalog = api.get("/member-queries/fields").json()
    keys = {f["key"] for f in catalog["fields"]}
    assert {"name", "sex", "age", "education", "evaluations.grade", "work_posts.occupation"} <= keys
    assert [f["key"] for f in catalog["batch_fields"]] == ["ethnicity", "native_place", "education", "occupation"]


def test_export_opens_with_openpyxl(api, tree):
    response = api.get("/member-queries/members.xlsx",
                       params={"query": json.dumps(women(tree)), "columns": "name,sex,ethnicity,status,org"})
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content))["综合查询结果"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("姓名", "性别", "民族", "党籍状态", "所在党组织")
    assert sorted(rows[2:]) == [("丙女", "女", "回族", "在册", "查询端到端支部"),
                                ("甲女", "女", "汉族", "在册", "查询端到端支部")]
    assert_error(api.get("/member-queries/members.xlsx", params={"query": "{"}), 400)
    assert_error(api.get("/member-queries/members.xlsx", params={"query": json.dumps(women(tree)),
                                                                 "columns": "salary"}), 400)


def test_bad_queries_say_what_is_wrong(api, tree):
    error = assert_error(api.post("/member-queries", json={"org_id": tree["committee"], "where": {"conditions": [
        {"field": "sex", "operator": "contains", "value": "女"}, {"field": "shoe", "operator": "eq", "value": 1},
        {"field": "ethnicity", "operator": "eq", "value": "火星族"}]}}), 400, "validation")
    assert set(error["fields"]) == {"1", "2", "3"} and "未知的查询项：shoe" in error["fields"]["2"]
    assert_error(api.post("/member-queries", json={"org_id": "x"}), 400)
    assert_error(api.post("/member-queries", content=b"[1]"), 400)
    assert_error(api.post("/member-queries", json={"org_id": 999999999}), 404)


def test_a_root_outside_the_scope_is_403(branch_api, tree):
    assert_error(branch_api.post("/member-queries", json={"org_id": tree["committee"]}), 403)
    outside = json.dumps({"org_id": tree["other"]})
    assert_error(branch_api.get("/member-queries/members.xlsx", params={"query": outside}), 403)
    assert_error(branch_api.post("/saved-queries", json={"name": "越权", "query": {"org_id": tree["other"]}}), 403)
    assert branch_api.get("/saved-queries").json()["items"] == []
    for name in ("duplicate-ids", "invalid-ids", "incomplete-members", "incomplete-orgs"):
        assert_error(branch_api.get(f"/orgs/{tree['committee']}/supervision/{name}"), 403)
    own = branch_api.post("/member-queries", json={"org_id": tree["branch"]}).json()
    assert own["total"] == 3


def test_saved_queries(api, branch_api, tree):
    created = api.post("/saved-queries", json={"name": "端到端女党员", "query": women(tree)})
    assert created.status_code == 201, created.text
    saved = created.json()
    assert_error(api.post("/saved-queries", json={"name": "端到端女党员", "query": women(tree)}), 409, "conflict")
    assert_error(api.post("/saved-queries", json={"name": "", "query": women(tree)}), 400)
    assert_error(api.post("/saved-queries", json={"name": "x", "query": "sex=女"}), 400)
    assert_error(api.post("/saved-queries", json={"name": "坏条件", "query": {
        "org_id": tree["committee"], "where": {"conditions": [{"field": "sex", "operator": "gt", "value": 1}]}}}), 400)
    names = [s["name"] for s in api.get("/saved-queries").json()["items"]]
    assert names.count("端到端女党员") == 1 and "坏条件" not in names and "x" not in names  # nothing written
    run = api.get(f"/saved-queries/{saved['id']}/members", params={"sort": "-name"}).json()
    assert [m["name"] for m in run["items"]] == ["甲女", "丙女"] and run["saved"]["name"] == "端到端女党员"
    book = load_workbook(io.BytesIO(api.get(f"/saved-queries/{saved['id']}/members.xlsx").content))
    assert book.sheetnames == ["端到端女党员"]
    assert_error(branch_api.get(f"/saved-queries/{saved['id']}"), 404)
    assert_error(branch_api.delete(f"/saved-queries/{saved['id']}"), 404)
    renamed = api.patch(f"/saved-queries/{saved['id']}", json={"name": "女同志"})
    assert renamed.json()["name"] == "女同志"
    assert any(s["name"] == "女同志" for s in api.get("/saved-queries").json()["items"])
    assert api.delete(f"/saved-queries/{saved['id']}").status_code == 204
    assert_error(api.get(f"/saved-queries/{saved['id']}"), 404)


def test_batch_modify_and_undo_through_the_api(api, tree):
    request = {"query": women(tree), "field": "ethnicity", "value": "满族"}
    preview = api.post("/member-batches/preview", json=request).json()
    assert preview["changes"] == 2 and {(p["name"], p["after_name"]) for p in preview["items"]} == {
        ("甲女", "满族"), ("丙女", "满族")}
    assert api.get(f"/members/{tree['people']['甲女']}").json()["ethnicity"] == "01"  # a preview writes nothing
    for bad, status in (({**request, "field": "name"}, 400), ({**request, "value": "火星族"}, 400),
                        ({**request, "expected": "2"}, 400), ({**request, "expected": 7}, 409)):
        assert_error(api.post("/member-batches", json=bad), status)
    assert api.get(f"/members/{tree['people']['甲女']}").json()["ethnicity"] == "01"
    batch = api.post("/member-batches", json={**request, "expected": 2})
    assert batch.status_code == 201, batch.text
    batch = batch.json()
    assert api.get(f"/members/{tree['people']['丙女']}").json()["ethnicity"] == "11"
    assert api.get("/member-batches").json()["items"][0]["id"] == batch["id"]
    undone = api.post(f"/member-batches/{batch['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone"]
    assert api.get(f"/members/{tree['people']['丙女']}").json()["ethnicity"] == "03"
    assert api.get(f"/members/{tree['people']['甲女']}").json()["ethnicity"] == "01"
    assert_error(api.post(f"/member-batches/{batch['id']}/undo"), 409)
    assert_error(api.get("/member-batches/999999999"), 404)


def test_supervision_lists_and_downloads(api, tree):
    for name, sheet in (("duplicate-ids", "身份证号重复"), ("invalid-ids", "身份证号有误"),
                        ("incomplete-members", "党员信息不完整"), ("incomplete-orgs", "党组织信息不完整")):
        listed = api.get(f"/orgs/{tree['committee']}/supervision/{name}")
        assert listed.status_code == 200, listed.text
        book = load_workbook(io.BytesIO(api.get(f"/orgs/{tree['committee']}/supervision/{name}.xlsx").content))
        rows = list(book[sheet].iter_rows(min_row=3, values_only=True))
        assert len(rows) == listed.json()["total"]
    incomplete = api.get(f"/orgs/{tree['committee']}/supervision/incomplete-members").json()
    assert incomplete["total"] == 3 and "籍贯" in incomplete["items"][0]["missing"]
    assert_error(api.get(f"/orgs/{tree['committee']}/supervision/invalid-ids", params={"size": "500"}), 400)


def test_openapi_lists_the_query_paths(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/member-queries", "/member-queries/members.xlsx", "/saved-queries/{id}/members",
                 "/member-batches/{id}/undo", "/orgs/{id}/supervision/duplicate-ids.xlsx"):
        assert path in paths


# --- pages ---

def test_the_condition_builder_page(browser_session, tree):
    web = browser_session
    page = web.get("/query", params={"org_id": tree["committee"]})
    assert page.status_code == 200 and "综合查询" in page.text and 'name="join"' in page.text
    row = web.get("/query/row", params={"b": "blk1"})
    assert 'name="c.blk1.' in row.text and "选择查询项" in row.text
    inputs = web.get("/query/inputs", params={"b": "blk1", "r": "r1", "c.blk1.r1.field": "ethnicity"})
    assert 'name="c.blk1.r1.op"' in inputs.text and ">回族<" in inputs.text
    dates = web.get("/query/inputs", params={"b": "blk1", "r": "r1", "c.blk1.r1.field": "birth_date",
                                             "c.blk1.r1.op": "between"})
    assert 'name="c.blk1.r1.v2"' in dates.text and 'type="date"' in dates.text and "晚于" in dates.text
    assert 'name="g.' in web.get("/query/block").text

    results = web.get("/query", params={"org_id": tree["committee"], "join": "or", "run": "1",
                                        "g.a.join": "and", "c.a.1.field": "sex", "c.a.1.op": "eq", "c.a.1.v": "2",
                                        "c.a.2.field": "ethnicity", "c.a.2.op": "eq", "c.a.2.v": "03",
                                        "g.b.join": "and", "c.b.1.field": "name", "c.b.1.op": "starts",
                                        "c.b.1.v": "乙"})
    assert results.status_code == 200, results.text
    assert "查询结果（2）" in results.text and ">丙女<" in results.text and ">乙男<" in results.text
    assert "（性别 等于 女 并且 民族 等于 回族） 或者 姓名 开头是 乙" in results.text
    assert "/api/v1/member-queries/members.xlsx?query=" in results.text and 'class="sort"' in results.text
    sort_link = results.text.split('class="sort"')[0].rsplit('href="', 1)[1].split('"')[0]
    again = web.get(sort_link.replace("&amp;", "&"))
    assert again.status_code == 200 and "查询结果（2）" in again.text

    bad = web.get("/query", params={"org_id": tree["committee"], "run": "1", "c.a.1.field": "age",
                                    "c.a.1.op": "gt", "c.a.1.v": "老"})
    assert bad.status_code == 200 and "年龄的值有误：应为整数" in bad.text
    assert web.get("/query", params={"org_id": tree["other"], "run": "1"}).status_code == 200  # admin: in scope


def test_save_rename_delete_and_run_a_saved_query_on_pages(browser_session, tree):
    web = browser_session
    page = web.get("/query", params={"org_id": tree["committee"], "run": "1", "c.a.1.field": "sex",
                                     "c.a.1.op": "eq", "c.a.1.v": "1"})
    q = page.text.split('name="q" value="')[1].split('"')[0].replace("&#34;", '"').replace("&quot;", '"')
    saved = web.post("/query/saved", data={"csrf_token": csrf_of(page.text), "name": "页面男党员", "q": q})
    assert saved.status_code == 303, saved.text
    shown = web.get(saved.headers["location"])
    assert "固定查询：页面男党员" in shown.text and ">乙男<" in shown.text
    twice = web.post("/query/saved", data={"csrf_token": csrf_of(page.text), "name": "页面男党员", "q": q})
    assert twice.status_code == 409 and "已有名为“页面男党员”的固定查询" in twice.text
    listing = web.get("/queries")
    assert ">页面男党员<" in listing.text
    saved_id = saved.headers["location"].split("=")[1]
    renamed = web.post(f"/queries/{saved_id}/rename", data={"csrf_token": csrf_of(listing.text), "name": ""})
    assert renamed.status_code == 400 and "名称" in renamed.text
    assert web.post(f"/queries/{saved_id}/rename", data={"csrf_token": csrf_of(listing.text),
                                                         "name": "男同志"}).status_code == 303
    assert web.post(f"/queries/{saved_id}/delete", data={"csrf_token": csrf_of(listing.text)}).status_code == 303
    assert "男同志" not in web.get("/queries").text


def test_batch_modify_on_pages(api, browser_session, tree):
    web = browser_session
    page = web.get("/query", params={"org_id": tree["branch"], "run": "1", "c.a.1.field": "name",
                                     "c.a.1.op": "eq", "c.a.1.v": "乙男"})
    q = json.dumps({"org_id": tree["branch"], "history": False, "where": {"join": "and", "conditions": [
        {"field": "name", "operator": "eq", "value": "乙男"}]}}, ensure_ascii=False)
    token = csrf_of(page.text)
    bad = web.post("/query/batch/preview", data={"csrf_token": token, "q": q, "field": "ethnicity", "value": "火星"})
    assert bad.status_code == 400 and "民族的修改值有误" in bad.text
    preview = web.post("/query/batch/preview", data={"csrf_token": token, "q": q, "field": "ethnicity",
                                                     "value": "壮族"})
    assert preview.status_code == 200 and "将 1 名党员的<strong>民族</strong>改为<strong>壮族</strong>" in preview.text
    member = tree["people"]["乙男"]
    assert api.get(f"/members/{member}").json()["ethnicity"] == "03"
    saved = web.post("/query/batch", data={"csrf_token": token, "q": q, "field": "ethnicity", "value": "08",
                                           "expected": "1"})
    assert saved.status_code == 303, saved.text
    assert api.get(f"/members/{member}").json()["ethnicity"] == "08"
    batch_page = web.get(saved.headers["location"])
    assert "民族改为壮族" in batch_page.text and ">乙男<" in batch_page.text
    card = api.get(f"/members/{member}").json()
    api.patch(f"/members/{member}", json={"version": card["version"], "name": "乙男改"})
    refused = web.post(saved.headers["location"] + "/undo", data={"csrf_token": csrf_of(batch_page.text)})
    assert refused.status_code == 409 and "不能撤销整批" in refused.text
    assert api.get(f"/members/{member}").json()["ethnicity"] == "08"
    card = api.get(f"/members/{member}").json()
    api.patch(f"/members/{member}", json={"version": card["version"], "name": "乙男", "ethnicity": "03"})
    assert "民族改为壮族" in web.get("/member-batches").text


def test_supervision_page_shows_every_list(browser_session, tree):
    page = browser_session.get(f"/orgs/{tree['committee']}/supervision")
    assert page.status_code == 200
    for title in ("身份证号重复（", "身份证号有误（", "党员信息不完整（3）", "党组织信息不完整（2）"):
        assert title in page.text
    assert f"/api/v1/orgs/{tree['committee']}/supervision/duplicate-ids.xlsx" in page.text
