"""党费上缴 in a real browser, desktop and phone (the `screen` fixture): the branch's clerk opens 上缴
from the 党费 tabs, is refused first (more than was collected: the amount field says so in Chinese),
records the month; the 党委's clerk sees the branch's 实交, 上缴 and 差额 and confirms receipt (asks
first). Every page is shot and scrolls only inside its tables."""
from datetime import date

from playwright.sync_api import expect

from services.dues.domain import Month
from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot

NOW = Month.of(date.today())
LAST = NOW - 1


def test_a_branch_remits_and_the_committee_confirms(system, api, root_id, screen):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())
    tag = code("")
    committee = create_org(api, root_id, f"页面上缴党委{tag}", "党委")
    branch = create_org(api, committee, f"页面上缴支部{tag}")
    worker = api.post("/members", json=member_data(branch, name="页面上缴甲")).json()["id"]
    wait_for(lambda: api.get(f"/members/{worker}/dues").status_code, lambda status: status == 200)
    assert api.put(f"/orgs/{branch}/dues/settings", json={"registration_start": str(LAST)}).is_success
    assert api.put(f"/members/{worker}/dues/base", json={"kind": "employed", "amount": "5000",
                                                         "from_month": str(LAST)}).is_success
    assert api.post(f"/orgs/{branch}/dues/payments", json={"month": str(LAST), "payments": [
        {"member_id": worker, "amount": "50.00", "paid_on": date.today().isoformat()}]}).status_code == 201

    log_in(page, system, api, branch, f"rp{tag}".lower())
    page.goto(f"{system.url}/orgs/{branch}/dues")
    page.locator("#remittances-link").click()
    expect(page.locator("#own-title")).to_contain_text(f"页面上缴党委{tag}")
    page.goto(f"{system.url}/orgs/{branch}/dues/remittances?year={LAST.year}")
    page.locator("#remit-record summary").click()
    page.get_by_label("所缴期间").select_option(str(LAST))
    page.get_by_label("上缴金额（元）").fill("50.01")
    page.get_by_label("收据号").fill("SJ-0001")
    page.locator("#remit-button").click()
    expect(page.locator("#form-error")).to_contain_text("超过")
    page.get_by_label("上缴金额（元）").fill("50.00")
    page.locator("#remit-button").click()
    expect(page.locator("#flash")).to_have_text("已登记上缴")
    expect(page.locator("#own-remittances")).to_contain_text("待确认")
    expect(page.locator("#own-remittances")).to_contain_text("SJ-0001")
    no_sideways_scroll(page)
    shot(page, f"dues-remittances-branch-{size}")

    page.locator("form[action='/logout'] button").click()
    log_in(page, system, api, committee, f"rq{tag}".lower())
    page.goto(f"{system.url}/orgs/{committee}/dues/remittances?year={LAST.year}")
    expect(page.locator("#children-figures")).to_contain_text(f"页面上缴支部{tag}")
    expect(page.locator("#received-remittances")).to_contain_text("50.00")
    expect(page.locator("#received-remittances summary", has_text="退回")).to_be_visible()  # folded: a reason
    shot(page, f"dues-remittances-committee-{size}")
    page.locator("#received-remittances").get_by_role("button", name="确认收到").click()
    expect(page.locator("#flash")).to_have_text("已确认收到")
    expect(page.locator("#received-remittances")).to_contain_text("已确认")
    no_sideways_scroll(page)
    shot(page, f"dues-remittances-confirmed-{size}")
