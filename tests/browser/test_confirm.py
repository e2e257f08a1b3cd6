"""Irreversible actions ask first and say what will happen: cancelling leaves the record as it
was, accepting performs it — for a plain form (死亡, 撤销 an organization, 上报) and for an htmx
form (删除 an info-set row). The organization tree opens to the current organization, marks it,
and keeps what the user opened across pages."""
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in

YEAR = date.today().year
SLOW = 30000  # ms: each tree level arrives through htmx on a 2-core machine shared with other work


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)  # a 2-core machine shared with other work
    yield page
    context.close()


def answer(page, accept: bool) -> list[str]:
    """Answer the next confirmation; returns the list its message is appended to."""
    messages: list[str] = []

    def handle(dialog):
        messages.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()
    page.once("dialog", handle)
    return messages


def test_death_asks_first_and_cancelling_changes_nothing(system, api, root_id, desktop):
    page = desktop
    branch = create_org(api, root_id, "确认死亡支部")
    member = api.post("/members", json=member_data(branch, name="确认甲", joined_on="2010-07-01")).json()["id"]
    log_in(page, system, api, branch, f"cfm{code('')}".lower())
    page.goto(f"{system.url}/members/{member}#tab-status")
    page.get_by_text("出党/死亡/停止党籍").click()
    form = page.locator("#leave-form")
    form.get_by_label("减少类型").select_option(label="死亡")
    form.get_by_label("日期").fill(f"{YEAR - 1}-03-01")

    said = answer(page, accept=False)
    form.get_by_role("button", name="确定").click()
    expect(form).to_be_visible()
    assert said and "死亡" in said[0] and "历史党员" in said[0] and "回退" in said[0], said
    assert api.get(f"/members/{member}").json()["status"] == "active"

    said = answer(page, accept=True)
    form.get_by_role("button", name="确定").click()
    expect(page.locator("#member-status")).to_contain_text("历史")
    assert said and "死亡" in said[0]
    assert api.get(f"/members/{member}").json()["status"] == "left"


def test_deleting_an_info_set_row_through_htmx_asks_first(system, api, root_id, desktop):
    page = desktop
    branch = create_org(api, root_id, "确认删除支部")
    member = api.post("/members", json=member_data(branch, name="确认乙", joined_on="2010-07-01")).json()["id"]
    card = api.get(f"/members/{member}").json()
    row = {"version": card["version"], "occupation": "工人", "unit": "第二机床厂", "started_on": "2016-01-01"}
    assert api.post(f"/members/{member}/info/work_posts", json=row).status_code < 300
    log_in(page, system, api, branch, f"cfd{code('')}".lower())
    page.goto(f"{system.url}/members/{member}")
    page.locator("#member-tabs").get_by_role("tab", name="工作岗位（1）").click()
    rows = page.locator("#rows-work_posts tbody tr")
    expect(rows).to_have_count(1)

    said = answer(page, accept=False)
    rows.first.get_by_role("button", name="删除这条工作岗位信息").click()
    assert said and "删除" in said[0] and "不能恢复" in said[0], said
    expect(rows).to_have_count(1)
    assert len(api.get(f"/members/{member}").json()["info_sets"]["work_posts"]) == 1

    said = answer(page, accept=True)
    page.evaluate("window.__same_page = true")
    rows.first.get_by_role("button", name="删除这条工作岗位信息").click()
    expect(page.locator("#rows-work_posts")).to_have_count(0)
    assert page.evaluate("window.__same_page") is True  # htmx swapped the card; the tab stayed
    expect(page.locator("#set-work_posts")).to_be_visible()
    assert api.get(f"/members/{member}").json()["info_sets"]["work_posts"] == []


def test_revoking_an_organization_and_submitting_a_report_ask_first(system, api, root_id, desktop):
    page = desktop
    committee = create_org(api, root_id, "确认党委", "党委")
    empty = create_org(api, committee, "确认撤销支部")
    branch = create_org(api, committee, "确认上报支部")
    api.post("/members", json=member_data(branch, joined_on="2010-07-01"))
    wait_for(lambda: api.get(f"/orgs/{branch}/reports/{YEAR}").json()["year_end_total"], lambda n: n == 1,
             what="年报计数")
    log_in(page, system, api, committee, f"cfr{code('')}".lower())

    page.goto(f"{system.url}/orgs/{empty}")
    page.locator("#org-card").get_by_text("撤销", exact=True).click()
    form = page.locator("#revoke-form")
    form.get_by_label("撤销日期").fill(f"{YEAR}-01-02")
    form.get_by_label("撤销原因").fill("支部合并")
    said = answer(page, accept=False)
    form.get_by_role("button", name="确认撤销").click()
    assert said and "确认撤销支部" in said[0] and "历史党组织" in said[0], said
    assert api.get(f"/orgs/{empty}").json()["status"] == "active"
    said = answer(page, accept=True)
    form.get_by_role("button", name="确认撤销").click()
    expect(page.locator("#org-status")).to_have_text("已撤销")
    assert api.get(f"/orgs/{empty}").json()["status"] == "revoked"

    page.goto(f"{system.url}/orgs/{branch}/reports/{YEAR}")
    page.locator("#generate").click()
    expect(page.locator("#report-status")).to_have_text("草稿")
    said = answer(page, accept=False)
    page.locator("#submit").click()
    assert said and "上报" in said[0] and "不能再修改" in said[0], said
    assert api.get(f"/orgs/{branch}/reports/{YEAR}").json()["status"] == "draft"
    said = answer(page, accept=True)
    page.locator("#submit").click()
    expect(page.locator("#report-status")).to_have_text("已上报")
    assert api.get(f"/orgs/{branch}/reports/{YEAR}").json()["status"] == "submitted"


def test_the_tree_opens_to_the_current_organization_and_keeps_its_state(system, api, root_id, desktop):
    page = desktop
    top = create_org(api, root_id, "树状态党委", "党委")
    middle = create_org(api, top, "树状态总支", "党总支")
    deep = create_org(api, middle, "树状态支部")
    other = create_org(api, root_id, "树另一党委", "党委")
    create_org(api, other, "树另一支部")
    log_in(page, system, api, root_id, f"tre{code('')}".lower())

    page.goto(f"{system.url}/orgs/{deep}")
    current = page.locator(f".sidebar [data-org-id='{deep}']")
    expect(current).to_have_class("node current", timeout=SLOW)
    expect(current.get_by_role("link", name="树状态支部")).to_have_attribute("aria-current", "page", timeout=SLOW)
    for opened in (top, middle):
        expect(page.locator(f".sidebar [data-org-id='{opened}'] > details")).to_have_attribute("open", "", timeout=SLOW)

    # The user opens another branch of the tree; it stays open on the next page.
    page.locator(f".sidebar [data-org-id='{other}'] > details > summary .tree-twisty").click()
    expect(page.locator(".sidebar").get_by_role("link", name="树另一支部")).to_be_visible(timeout=SLOW)
    page.goto(f"{system.url}/orgs/{root_id}")
    expect(page.locator(".sidebar").get_by_role("link", name="树另一支部")).to_be_visible(timeout=SLOW)
    expect(page.locator(f".sidebar [data-org-id='{root_id}']")).to_have_class("node current", timeout=SLOW)
    # Opened for the user (the path), not by them: not remembered once elsewhere.
    expect(page.locator(f".sidebar [data-org-id='{middle}']")).to_be_hidden(timeout=SLOW)
