"""流入党员 in a real browser, desktop and phone (the `screen` fixture): the inflow branch's clerk
pays a 流入 member's dues from the 交纳登记 tab's 流入党员 section (本系统内 and 系统外), logs an
活动记录 on the inflow page (a refused one names its field); the home branch's roster marks the month
在流入地交纳; after 返回 the outflow page shows the participation. Every page is shot and scrolls
only inside its tables."""
from datetime import date, timedelta

from playwright.sync_api import expect

from services.dues.domain import Month
from tests.support.api import create_org
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot

TODAY = date.today()


def test_inflow_dues_and_activities_through_the_pages(system, api, root_id, screen, browser):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())
    tag = code("")
    home = create_org(api, create_org(api, root_id, f"页面流出党委{tag}", "党委"), f"页面流出支部{tag}")
    there = create_org(api, create_org(api, root_id, f"页面流入党委{tag}", "党委"), f"页面流入支部{tag}")
    member = api.post("/members", json=member_data(home, name="页面流入甲")).json()["id"]
    wait_for(lambda: api.get(f"/members/{member}/dues").status_code, lambda s: s == 200, what="dues projection")
    api.put(f"/orgs/{home}/dues/settings", json={"registration_start": str(Month.of(TODAY) - 2)}).raise_for_status()
    api.put(f"/members/{member}/dues/base", json={"kind": "employed", "amount": "4000",
                                                   "from_month": str(Month.of(TODAY) - 2)}).raise_for_status()
    out = api.post(f"/members/{member}/outflows", json={
        "from_date": (TODAY - timedelta(days=20)).isoformat(), "reason": "01", "to_org_id": there,
        "destination": {"code": "330106", "text": "浙江省杭州市西湖区"}, "phone": "13900000000",
        "certificate": True}).json()
    inflow = api.post(f"/orgs/{there}/inflows", json={"outflow_id": out["id"], "from_date": TODAY.isoformat()}).json()
    outside = api.post(f"/orgs/{there}/inflows", json={"from_date": TODAY.isoformat(), "external": {
        "name": "页面外省乙", "id_number": id_number(), "home_org_text": "外省某支部",
        "certificate_no": "WS0001"}}).json()
    wait_for(lambda: api.get(f"/orgs/{there}/dues/month").json()["inflows"]["members"], lambda rows: len(rows) == 2,
             what="the dues service's projection of the inflows")

    log_in(page, system, api, there, f"ip{tag}".lower())
    page.goto(f"{system.url}/orgs/{there}/dues")
    section = page.locator("#inflow-dues")
    expect(section).to_contain_text("页面流入甲")
    expect(section).to_contain_text("页面外省乙")
    expect(page.locator(f"#inflow-row-{member}")).to_contain_text("40.00")
    no_sideways_scroll(page)
    shot(page, f"inflow-dues-roster-{size}")
    page.get_by_label("登记页面流入甲").check()
    page.locator("#inflow-pay").click()
    expect(page.locator("#flash")).to_have_text("已登记党费")
    expect(page.locator(f"#inflow-row-{member}")).to_contain_text("在流入地交纳")
    page.get_by_label("登记页面外省乙").check()
    page.get_by_label("页面外省乙本次金额").fill("25")
    page.locator("#external-pay").click()
    expect(page.locator("#flash")).to_have_text("已登记党费")
    expect(page.locator(f"#external-row-{outside['id']}")).to_contain_text("25.00")
    shot(page, f"inflow-dues-paid-{size}")

    page.locator(f"#inflow-row-{member}").get_by_role("link", name="页面流入甲").click()
    expect(page.locator("#inflow-title")).to_contain_text("页面流入甲")
    expect(page.locator(f"#dues-{inflow['id']}")).to_contain_text("40.00")
    page.get_by_label("参加的活动").fill("")
    page.locator("#activity-button").click()
    expect(page.locator("#form-error")).to_contain_text("参加的活动")
    page.get_by_label("参加的活动").fill("参加支部主题党日活动")
    page.locator("#activity-button").click()
    expect(page.locator("#flash")).to_have_text("已登记活动记录")
    expect(page.locator(f"#activities-{inflow['id']}")).to_contain_text("参加支部主题党日活动")
    no_sideways_scroll(page)
    shot(page, f"inflow-page-{size}")

    clerk = browser.new_context(viewport=page.viewport_size, locale="zh-CN", is_mobile=page.viewport_size[
        "width"] < 600, has_touch=page.viewport_size["width"] < 600).new_page()
    log_in(clerk, system, api, home, f"iq{tag}".lower())
    clerk.goto(f"{system.url}/orgs/{home}/dues")
    expect(clerk.locator(f"#collected-{member}")).to_contain_text(f"页面流入支部{tag}")
    no_sideways_scroll(clerk)
    shot(clerk, f"inflow-home-roster-{size}")
    clerk.goto(f"{system.url}/members/{member}/dues")
    expect(clerk.locator("#payment-history")).to_contain_text("在流入地交纳")
    shot(clerk, f"inflow-member-dues-{size}")
    # A meeting attended at the inflow organization (its org service's projection of the inflow first).
    wait_for(lambda: api.get(f"/orgs/{there}/meeting-inflows").json()["items"],
             lambda items: inflow["id"] in [i["inflow_id"] for i in items], what="the org service's inflow list")
    api.post(f"/orgs/{there}/meetings", json={
        "kind": "主题党日", "held_at": f"{TODAY.isoformat()}T00:05", "place": "党员活动室", "host": "王书记",
        "recorder": "赵委员", "topic": "流入党员参加的主题党日", "attendees": [], "inflows": [inflow["id"]]}
             ).raise_for_status()
    api.post(f"/outflows/{out['id']}/return", json={"date": TODAY.isoformat(), "report": "按时参加组织生活"}
             ).raise_for_status()
    clerk.goto(f"{system.url}/outflows/{out['id']}")
    participation = clerk.locator("#participation")
    expect(participation).to_contain_text("参加支部主题党日活动")
    expect(participation).to_contain_text("合计 40.00 元")
    expect(clerk.locator(f"#meetings-{inflow['id']}")).to_contain_text("参加组织生活 1 次")
    expect(clerk.locator(f"#meetings-list-{inflow['id']}")).to_contain_text("流入党员参加的主题党日")
    expect(clerk.locator(f"#meetings-list-{inflow['id']}").get_by_role("link")).to_have_count(0)
    no_sideways_scroll(clerk)
    shot(clerk, f"inflow-return-report-{size}")
    clerk.context.close()
