"""大额党费 上缴 in a real browser, desktop and phone (the `screen` fixture): the branch's clerk opens 大额党费,
sees the payments it holds ticked with their sum prefilled, unticks one and is told in Chinese that the amount
is not the sum (nothing written), corrects the amount and records; the list then shows the one handed up
(已上缴 with the date) and the other still held, the record 待确认; the 党委's clerk sees it waiting on its
大额党费 page and confirms it (已确认); its 工作督查 lists the branch under the 上缴 reminder. Every page is
shot and scrolls only inside its tables."""
from datetime import date

from playwright.sync_api import expect

from services.dues.domain import Month
from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot

TODAY = date.today()
PQ = Month.of(TODAY).quarter_start - 3


def test_a_branch_hands_up_its_large_dues(system, api, root_id, screen):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())
    tag = code("")
    committee = create_org(api, root_id, f"页面大额党委{tag}", "党委")
    branch = create_org(api, committee, f"页面大额支部{tag}")
    member_id = api.post("/members", json=member_data(branch, name="页面大额甲")).json()["id"]
    wait_for(lambda: api.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200)
    assert api.put(f"/orgs/{branch}/dues/settings", json={"registration_start": str(PQ)}).is_success
    assert api.put(f"/members/{member_id}/dues/base", json={"kind": "employed", "amount": "3000",
                                                            "from_month": str(PQ)}).is_success
    assert api.post(f"/orgs/{branch}/dues/payments", json={"month": str(PQ), "payments": [
        {"member_id": member_id, "amount": "15.00", "paid_on": TODAY.isoformat()}]}).status_code == 201
    ids = [api.post(f"/members/{member_id}/dues/large", json={
        "amount": amount, "paid_on": TODAY.isoformat(), "receipt_no": f"PL{n}-{tag}"}).json()["id"]
        for n, amount in enumerate(("1000.00", "2000.00"))]

    log_in(page, system, api, branch, f"lb{tag}".lower())
    page.goto(f"{system.url}/orgs/{branch}/dues/large")
    expect(page.locator("#large-held-amount")).to_have_text("3000.00")
    expect(page.locator("#large-unremitted")).to_have_text("3000.00")
    form = page.locator("#large-remit-form")
    expect(form.get_by_label("上缴金额（元）")).to_have_value("3000.00")
    no_sideways_scroll(page)
    shot(page, f"dues-large-remit-{size}")
    page.locator(f"#pick-{ids[1]}").uncheck()
    form.get_by_label("收据（凭证）号").fill(f"PZ-{tag}")
    page.locator("#large-remit-submit").click()
    expect(page.locator("#form-error")).to_contain_text("须全额上缴")
    expect(page.locator("#large-held-count")).to_have_text("2")  # nothing written
    expect(page.locator(f"#pick-{ids[1]}")).not_to_be_checked()  # what was chosen is kept
    no_sideways_scroll(page)
    shot(page, f"dues-large-remit-refused-{size}")
    page.locator("#large-remit-form").get_by_label("上缴金额（元）").fill("1000.00")
    page.locator("#large-remit-submit").click()
    expect(page.locator("#large-held-count")).to_have_text("1")
    expect(page.locator("#large-remitted")).to_have_text("1000.00")
    expect(page.locator("#large-remittances")).to_contain_text(f"PZ-{tag}")
    expect(page.locator("#large-remittances")).to_contain_text(f"页面大额党委{tag}")
    expect(page.locator("#large-list")).to_contain_text(f"{TODAY.isoformat()}")
    expect(page.locator("#large-list")).to_contain_text("本组织未上缴")
    record = api.get(f"/orgs/{branch}/dues/large/remittances").json()["items"][0]["id"]
    expect(page.locator(f"#large-state-{record}")).to_have_text("待确认")
    no_sideways_scroll(page)
    shot(page, f"dues-large-remitted-{size}")

    page.locator("form[action='/logout'] button").click()
    log_in(page, system, api, committee, f"lc{tag}".lower())
    page.goto(f"{system.url}/orgs/{committee}/dues/large")
    expect(page.locator("#large-to-confirm")).to_contain_text("待本组织确认 1 条")
    expect(page.locator(f"#large-return-{record}")).to_be_hidden()  # 退回 folded until asked for
    no_sideways_scroll(page)
    shot(page, f"dues-large-to-confirm-{size}")
    page.locator(f"#large-confirm-{record}").click()
    expect(page.locator(f"#large-state-{record}")).to_have_text("已确认")
    expect(page.locator("#large-to-confirm")).to_have_count(0)
    page.goto(f"{system.url}/orgs/{committee}/supervision")
    expect(page.locator("#remit-due")).to_contain_text(f"页面大额支部{tag}")
    no_sideways_scroll(page)
    shot(page, f"supervision-remit-due-{size}")
