"""流入 members at 组织生活 in a real browser, desktop and phone: the meeting form offers the branch's
inflows marked 流入 (the one from outside by its 活动证 number); a branch secretary ticks them and
saves; the record lists them apart; the attendance page lists them apart from the rate; the inflow
page shows the meetings attended there. Every page is shot and scrolls only inside its tables."""
from datetime import date, datetime, timedelta

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot


def test_inflow_attendees_on_the_meeting_pages(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    county = create_org(api, root_id, f"页面流入县委{tag}", "地方委员会")
    home = create_org(api, county, f"页面流出支部{tag}")
    branch = create_org(api, county, f"页面流入支部{tag}")
    own = api.post("/members", json=member_data(branch, name="郑本支部", joined_on="2010-07-01")).json()["id"]
    mover = api.post("/members", json=member_data(home, name="钱流入", joined_on="2010-07-01")).json()["id"]
    since = (date.today() - timedelta(days=20)).isoformat()
    out = api.post(f"/members/{mover}/outflows", json={
        "from_date": since, "reason": "01", "to_org_id": branch, "phone": "13900000000",
        "destination": {"code": "110105", "text": "北京市朝阳区"}, "certificate": True})
    assert out.status_code == 201, out.text
    inside = api.post(f"/orgs/{branch}/inflows", json={"outflow_id": out.json()["id"], "from_date": since})
    assert inside.status_code == 201, inside.text
    outside = api.post(f"/orgs/{branch}/inflows", json={"from_date": since, "external": {
        "name": "孙系统外", "id_number": id_number(), "home_org_text": "外省某党支部", "certificate_no": "LD-7788"}})
    assert outside.status_code == 201, outside.text
    wait_for(lambda: api.get(f"/orgs/{branch}/meeting-inflows").json()["items"], lambda items: len(items) == 2,
             what="the org service's projection of the inflows")
    log_in(page, system, api, branch, f"mip{tag}".lower())

    page.goto(f"{system.url}/orgs/{branch}/meetings/new")
    inflows = page.locator("#meeting-inflows")
    expect(inflows).to_contain_text("钱流入")
    expect(inflows).to_contain_text("活动证 LD-7788")
    expect(inflows.locator(".badge")).to_have_count(2)
    page.get_by_label("类型").select_option(label="主题党日")
    held = (datetime.now() - timedelta(days=1)).replace(hour=15, minute=0)
    page.get_by_label("时间").fill(held.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("地点").fill("党员活动室")
    page.get_by_label("主持人").fill("郑本支部")
    page.get_by_label("记录人").fill("郑本支部")
    page.get_by_label("会议主题").fill("流入党员一起过主题党日")
    inflows.get_by_label("钱流入").check()
    inflows.get_by_label("孙系统外").check()
    no_sideways_scroll(page)
    shot(page, f"orglife-meeting-inflow-picker-{size}")
    page.get_by_role("button", name="保存记录").click()
    expect(page.locator("#flash")).to_have_text("已记录组织生活")
    expect(page.locator("#meeting-inflows")).to_contain_text("钱流入")
    expect(page.locator("#meeting-inflows")).to_contain_text("孙系统外（系统外，活动证 LD-7788）")
    expect(page.locator("#meeting-attendees")).to_have_text("郑本支部")
    shot(page, f"orglife-meeting-inflows-{size}")

    page.goto(f"{system.url}/orgs/{branch}/org-life/attendance?year={held.year}")
    expect(page.locator("#attendance-rate")).to_have_text("100.0%")
    expect(page.locator("#attendance-table tbody tr")).to_have_count(1)
    expect(page.locator("#inflow-attendance-table")).to_contain_text("孙系统外")
    expect(page.locator("#inflow-attendance-table")).to_contain_text("系统外 · 活动证 LD-7788")
    no_sideways_scroll(page)
    shot(page, f"orglife-attendance-inflows-{size}")

    page.goto(f"{system.url}/inflows/{inside.json()['id']}")
    expect(page.locator(f"#meetings-list-{inside.json()['id']}")).to_contain_text("流入党员一起过主题党日")
    no_sideways_scroll(page)
    shot(page, f"inflow-meetings-{size}")
    assert own  # on the rolls: the one attendee of the rate
