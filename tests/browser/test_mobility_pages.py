"""流动党员 in a real browser, desktop and phone (the `screen` fixture): the home branch's clerk
registers an outflow from the member card (a refused form names the fields in Chinese), prints
nothing yet but sees the 活动证 number, marks the member lost and found (each asks first); the
receiving branch confirms the 流入 from its 待确认流入 tab; the lists, and the member card's 流动情况.
Every page is shot (conftest's `shot`) and scrolls only inside its tables."""
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data

from .conftest import log_in, no_sideways_scroll, shot


def test_outflow_to_inflow_through_the_pages(system, api, root_id, screen, browser):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())
    tag = code("")
    home = create_org(api, create_org(api, root_id, f"页面流出党委{tag}", "党委"), f"页面流出支部{tag}")
    target = create_org(api, create_org(api, root_id, f"页面流入党委{tag}", "党委"), f"页面流入支部{tag}")
    member = api.post("/members", json=member_data(home, name="页面流动")).json()["id"]

    log_in(page, system, api, home, f"mp{tag}".lower())
    page.goto(f"{system.url}/members/{member}")
    page.locator("#outflow-link").click()
    page.get_by_role("button", name="登记流出").click()
    expect(page.locator("#form-error")).to_contain_text("流出日期")
    expect(page.locator("#form-error")).to_contain_text("联系电话")
    shot(page, f"mobility-outflow-refused-{size}")
    page.get_by_label("流出日期").fill((date.today() - timedelta(days=10)).isoformat())
    page.get_by_label("流出原因").select_option(label="外出务工经商")
    page.get_by_label("流向地（省市县及详细地点）").fill("浙江省杭州市西湖区")
    page.get_by_label("行政区划代码（6位）").fill("330106")
    page.get_by_label("本系统内：按名称或代码查找").fill(f"页面流入支部{tag}")
    page.locator("#target-choices").get_by_label(f"页面流入支部{tag}", exact=False).check()
    page.get_by_label("联系电话").fill("13900000000")
    page.get_by_label("发放流动党员活动证", exact=False).check()
    shot(page, f"mobility-outflow-new-{size}")
    page.get_by_role("button", name="登记流出").click()
    expect(page.locator("#flash")).to_have_text("已登记流出")
    expect(page.locator("#outflow-state")).to_have_text("流出中")
    expect(page.locator("#certificate-no")).not_to_have_text("未发放")
    expect(page.locator("#certificate-link")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, f"mobility-outflow-{size}")

    page.get_by_text("登记失联", exact=True).first.click()
    page.get_by_label("失联日期（最后一次参加组织生活或交纳党费）").fill((date.today() - timedelta(days=5)).isoformat())
    page.get_by_label("失联原因").select_option(label="居住地改变")
    page.locator("#lost-button").click()
    expect(page.locator("#outflow-state")).to_have_text("失联")
    page.locator("#found-button").click()
    expect(page.locator("#outflow-state")).to_have_text("流出中")
    expect(page.locator("#outflow-history")).to_contain_text("取得联系")

    page.goto(f"{system.url}/members/{member}")
    expect(page.locator("#mobility-current")).to_contain_text("浙江省杭州市西湖区")
    shot(page, f"mobility-member-card-{size}")
    page.locator("#nav-mobility").click()
    expect(page.locator("#mobility-list")).to_contain_text("页面流动")
    no_sideways_scroll(page)
    shot(page, f"mobility-list-{size}")

    receiver = browser.new_context(viewport=page.viewport_size, locale="zh-CN", is_mobile=page.viewport_size[
        "width"] < 600, has_touch=page.viewport_size["width"] < 600).new_page()
    receiver.on("dialog", lambda dialog: dialog.accept())
    log_in(receiver, system, api, target, f"mq{tag}".lower())
    receiver.goto(f"{system.url}/orgs/{target}/mobility?tab=pending")
    expect(receiver.locator("#mobility-list")).to_contain_text("页面流动")
    shot(receiver, f"mobility-pending-{size}")
    receiver.get_by_role("button", name="确认流入").click()
    expect(receiver.locator("#flash")).to_have_text("已登记流入")
    expect(receiver.locator("#mobility-list")).to_contain_text("页面流动")
    no_sideways_scroll(receiver)
    shot(receiver, f"mobility-inflows-{size}")
    receiver.context.close()
