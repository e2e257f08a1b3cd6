"""The member card in a browser: an evaluation row added through the htmx form shows up in
place (no page load), the card's version moves on so the next form works, and a repeated year
is refused beside the form."""
from playwright.sync_api import expect

from tests.support.factories import code, member_data

from .conftest import log_in


def test_add_an_evaluation_row_through_the_form(system, api, root_id, phone):
    branch = api.post("/orgs", json={"name": "评议页面支部", "code": code("EV"), "type": "31",
                                     "parent_id": root_id}).json()["id"]
    member_id = api.post("/members", json=member_data(branch, name="评议页面", joined_on="2015-07-01")).json()["id"]
    log_in(phone, system, api, root_id, f"evl{code('')}")
    phone.goto(f"{system.url}/members/{member_id}")
    phone.evaluate("window.__same_page = true")  # gone if the form reloaded the page

    phone.locator("#member-tabs").get_by_role("tab", name="民主评议").click()  # the info sets are tabs
    section = phone.locator("#set-evaluations")
    section.get_by_text("新增民主评议").click()
    form = phone.locator("#add-evaluations")
    form.get_by_label("评议年度").fill("2023")
    form.get_by_label("评议结果").select_option(label="优秀")
    form.get_by_role("button", name="保存").click()

    expect(phone.locator("#rows-evaluations tbody tr")).to_have_count(1)
    expect(phone.locator("#rows-evaluations")).to_contain_text("优秀")
    assert phone.evaluate("window.__same_page") is True
    assert api.get(f"/members/{member_id}").json()["info_sets"]["evaluations"][0]["grade"] == "1"

    # The swapped card carries the new version: a second add works, a repeated year is refused.
    phone.locator("#set-evaluations").get_by_text("新增民主评议").click()
    form = phone.locator("#add-evaluations")
    form.get_by_label("评议年度").fill("2023")
    form.get_by_label("评议结果").select_option(label="合格")
    form.get_by_role("button", name="保存").click()
    expect(phone.locator("#set-evaluations .field-error")).to_contain_text("2023年度已有民主评议结果")
    expect(phone.locator("#rows-evaluations tbody tr")).to_have_count(1)


def test_on_a_phone_a_row_can_still_be_edited(system, api, root_id, phone):
    branch = api.post("/orgs", json={"name": "手机修改支部", "code": code("PE"), "type": "31",
                                     "parent_id": root_id}).json()["id"]
    member_id = api.post("/members", json=member_data(branch, name="手机修改", joined_on="2015-07-01")).json()["id"]
    card = api.get(f"/members/{member_id}").json()
    api.post(f"/members/{member_id}/info/work_posts", json={"version": card["version"], "occupation": "工人",
                                                            "unit": "第一机床厂", "started_on": "2016-01-01"})
    log_in(phone, system, api, root_id, f"phe{code('')}")
    phone.goto(f"{system.url}/members/{member_id}")
    phone.locator("#member-tabs").get_by_role("tab", name="工作岗位（1）").click()
    row = phone.locator("#rows-work_posts tbody tr").first
    row.get_by_text("修改").click()
    form = row.locator("form.stack")
    form.get_by_label("岗位名称").fill("车间主任")
    form.get_by_role("button", name="保存").click()
    expect(phone.locator("#rows-work_posts")).to_contain_text("车间主任")
    assert api.get(f"/members/{member_id}").json()["info_sets"]["work_posts"][0]["post"] == "车间主任"
