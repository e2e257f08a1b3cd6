"""党费 in a real browser, desktop and phone (the `screen` fixture): the branch's clerk sets the
registration start, a member's base from the member card (the monthly amount and bracket shown),
marks the month paid for everyone at once from the roster (asks first), records a 补交 from the
member's page, applies for 免交 (a refused form names the field in Chinese); the 党委's clerk
approves it from the 少交/免交 tab; the arrears list and the summary. Every page is shot and
scrolls only inside its tables."""
from datetime import date

from playwright.sync_api import expect

from services.dues.domain import Month
from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot

NOW = Month.of(date.today())
START = NOW - 7


def test_a_branch_collects_dues_through_the_pages(system, api, root_id, screen):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())
    tag = code("")
    committee = create_org(api, root_id, f"页面党费党委{tag}", "党委")
    branch = create_org(api, committee, f"页面党费支部{tag}")
    worker = api.post("/members", json=member_data(branch, name="页面在职")).json()["id"]
    student = api.post("/members", json=member_data(branch, name="页面学生")).json()["id"]
    for member_id in (worker, student):
        wait_for(lambda: api.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200)
    assert api.put(f"/members/{student}/dues/base", json={"kind": "student", "from_month": str(START)}).is_success

    log_in(page, system, api, branch, f"dp{tag}".lower())
    page.goto(f"{system.url}/orgs/{branch}")
    page.locator("#dues-link").click()
    expect(page.locator("#settings-missing")).to_be_visible()
    page.get_by_label("党费登记开始月份").fill(str(START))
    page.locator("#settings-button").click()
    expect(page.locator("#flash")).to_have_text("已保存党费设置")

    # The member's base, from the member card's 党费 link.
    page.goto(f"{system.url}/members/{worker}")
    page.locator("#dues-link").click()
    page.get_by_label("党费类别").select_option("employed")
    page.get_by_label("交纳基数（元/月）").fill("5000")
    page.get_by_label("起始月份").fill(str(START))
    page.locator("#base-button").click()
    expect(page.locator("#flash")).to_have_text("已核定党费基数")
    expect(page.locator("#monthly-due")).to_have_text("50.00")
    expect(page.locator("#base-line")).to_contain_text("1%")

    # The month: everyone marked paid at once, 应交 prefilled.
    page.goto(f"{system.url}/orgs/{branch}/dues")
    expect(page.locator("#total-due")).to_have_text("50.20")
    shot(page, f"dues-month-before-{size}")
    page.locator("#pay-all").click()
    expect(page.locator("#flash")).to_have_text("已登记党费")
    expect(page.locator("#total-paid")).to_have_text("50.20")
    expect(page.locator("#total-unpaid")).to_have_text("0")
    no_sideways_scroll(page)
    shot(page, f"dues-month-paid-{size}")

    # 补交 of the start month, and a 免交 application (refused first: no reason).
    page.goto(f"{system.url}/members/{worker}/dues")
    page.get_by_text("登记党费（补交、预交）").click()
    page.locator("#pay-form").get_by_label("交纳月份").fill(str(START))
    page.locator("#pay-button").click()
    expect(page.locator("#flash")).to_have_text("已登记党费")
    expect(page.locator("#payment-history")).to_contain_text("补交")
    page.goto(f"{system.url}/members/{student}/dues")
    page.get_by_text("申请少交/免交").click()
    form = page.locator("#exemption-form")
    form.get_by_label("开始月份").fill(str(START))
    form.get_by_label("结束月份").fill(str(NOW - 1))
    page.locator("#exemption-button").click()
    expect(page.locator("#form-error")).to_contain_text("原因")
    page.locator("#exemption-form").get_by_label("原因").fill("在校学生，家庭困难")
    page.locator("#exemption-button").click()
    expect(page.locator("#flash")).to_contain_text("待上级党委审批")
    expect(page.locator("#member-exemptions")).to_contain_text("待审批")
    no_sideways_scroll(page)
    shot(page, f"dues-member-{size}")

    # The 党委 approves; the arrears list and the summary.
    page.locator("form[action='/logout'] button").click()
    log_in(page, system, api, committee, f"dq{tag}".lower())
    page.goto(f"{system.url}/orgs/{committee}/dues?tab=exemptions")
    expect(page.locator("#exemption-list")).to_contain_text("页面学生")
    shot(page, f"dues-exemptions-{size}")
    page.locator("#exemption-list").get_by_role("button", name="批准", exact=True).click()
    expect(page.locator("#flash")).to_have_text("已批准")
    page.goto(f"{system.url}/orgs/{committee}/dues?tab=arrears")
    expect(page.locator("#arrears-list")).to_contain_text("页面在职")  # six months unpaid between
    no_sideways_scroll(page)
    shot(page, f"dues-arrears-{size}")
    page.goto(f"{system.url}/orgs/{committee}/dues?tab=summary")
    expect(page.locator("#summary-children")).to_contain_text(f"页面党费支部{tag}")
    no_sideways_scroll(page)
    shot(page, f"dues-summary-{size}")
