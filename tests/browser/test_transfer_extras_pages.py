"""The extras of 组织关系转接 in a real browser, desktop and phone: the route's contacts, the
histories' filters and their Excel link, the 转接原因代码表 page (add, disable) and the org card's
note on transfers in flight. Every page is shot (conftest's `shot`) and has no sideways scroll."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.api import complete_member, create_org
from tests.support.factories import code
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot


@pytest.fixture(scope="module")
def transfer(system, api, root_id):
    sender = create_org(api, root_id, "页面联系转出党委", "党委")
    branch = create_org(api, sender, "页面联系转出支部")
    receiver = create_org(api, root_id, "页面联系转入党委", "党委")
    target = create_org(api, receiver, "页面联系转入支部")
    card = api.get(f"/orgs/{sender}").json()
    assert api.patch(f"/orgs/{sender}", json={"version": card["version"], "contact_person": "赵联系",
                                              "contact_phone": "010-62000000"}).status_code == 200
    member_id = complete_member(api, branch, "页面联系党员")
    created = api.post("/transfers", json={"member_id": member_id, "kind": "within", "to_org_id": target,
                                           "reason": "01", "dues_paid_to": "2026-01"})
    assert created.status_code == 201, created.text
    wait_for(lambda: api.get(f"/orgs/{target}").json()["in_transit"], lambda c: c["coming"] == 1,
             what="the org service to learn of the transfer")
    return {"id": created.json()["id"], "sender": sender, "target": target}


def test_contacts_filters_reason_table_and_the_org_cards_note(system, api, root_id, screen, transfer):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())  # 停用 asks first
    log_in(page, system, api, root_id, f"tx{code('')}".lower())

    page.goto(f"{system.url}/transfers/{transfer['id']}")
    route = page.locator("#route tbody tr")
    expect(route.nth(0)).to_contain_text("赵联系")
    expect(route.nth(0).get_by_role("link", name="010-62000000")).to_have_attribute("href", "tel:010-62000000")
    expect(route.nth(1)).to_contain_text("未登记")
    no_sideways_scroll(page)
    shot(page, f"transfer-contacts-{size}")

    page.goto(f"{system.url}/orgs/{transfer['sender']}/transfers?box=out")
    page.get_by_label("转接类型").select_option(label="省内转接")
    page.get_by_label("状态").select_option(label="审批中")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#work-list")).to_contain_text("页面联系党员")
    expect(page.locator("#work-list")).to_contain_text("赵联系")  # the current step's contact
    expect(page.locator("#export-history")).to_have_attribute(
        "href", f"/api/v1/orgs/{transfer['sender']}/transfers/export.xlsx?box=out&kind=within&state=approving")
    with page.expect_download() as download:
        page.locator("#export-history").click()
    assert download.value.suggested_filename.endswith("转出历史.xlsx")
    no_sideways_scroll(page)
    shot(page, f"transfer-history-filters-{size}")
    page.get_by_label("发起日期自").fill("2026-12-31")
    page.get_by_label("发起日期至").fill("2026-01-01")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#form-error")).to_be_visible()  # 结束日期不能早于开始日期, beside the field

    page.goto(f"{system.url}/transfer-reasons")
    expect(page.locator("#reasons")).to_contain_text("调动工作")
    new_code = str(1000 + int(code("")[-3:]))
    page.locator("summary", has_text="新增转接原因").click()
    form = page.locator("#reason-form")
    form.get_by_label("代码").fill(new_code)
    form.get_by_label("名称").fill(f"援建{new_code}")
    form.get_by_role("button", name="保存").click()
    expect(page.locator("#flash")).to_have_text("已新增转接原因")
    row = page.locator(f"#reason-{new_code}")
    row.get_by_role("button", name="停用").click()
    expect(page.locator("#flash")).to_have_text("已停用")
    expect(page.locator(f"#reason-{new_code}")).to_contain_text("已停用")
    no_sideways_scroll(page)
    shot(page, f"transfer-reasons-{size}")

    page.goto(f"{system.url}/orgs/{transfer['target']}")
    page.locator("summary.button", has_text=re.compile("^撤销$")).click()
    expect(page.locator("#in-transit-note")).to_contain_text("1个转接以本组织为接收党组织")
    no_sideways_scroll(page)
    shot(page, f"org-card-in-transit-{size}")
