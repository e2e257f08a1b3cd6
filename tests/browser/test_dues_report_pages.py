"""大额党费 upward and the yearly 党费收缴情况公示 in a real browser, desktop and phone (the `screen`
fixture): the 党委's clerk opens 大额党费 from the 党费 tabs (the branch's member, amount, receipt, the
totals per year) and the home page's 上缴 reminder names the branch that has not remitted last
quarter; the branch's clerk opens the 公示 (a member's 应交/实交 by month, the totals, 大额党费 apart) and
its print view is one A4 landscape page wide. Every page is shot and scrolls only inside its tables."""
from datetime import date

from playwright.sync_api import expect

from services.dues.domain import Month
from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot

TODAY = date.today()
NOW = Month.of(TODAY)
PQ = NOW.quarter_start - 3  # the previous quarter's first month


def test_large_dues_the_publication_and_the_remittance_reminder(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    committee = create_org(api, root_id, f"页面报表党委{tag}", "党委")
    branch = create_org(api, committee, f"页面报表支部{tag}")
    people = {}
    for name, base in (("页面公示甲", "5000"), ("页面公示乙", "12000")):
        member_id = api.post("/members", json=member_data(branch, name=name)).json()["id"]
        wait_for(lambda: api.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200)
        assert api.put(f"/members/{member_id}/dues/base", json={"kind": "employed", "amount": base,
                                                                "from_month": str(PQ)}).is_success
        people[name] = member_id
    assert api.put(f"/orgs/{branch}/dues/settings", json={"registration_start": str(PQ)}).is_success
    assert api.post(f"/orgs/{branch}/dues/payments", json={"month": str(PQ), "payments": [
        {"member_id": people["页面公示甲"], "amount": "50.00", "paid_on": TODAY.isoformat()},
        {"member_id": people["页面公示乙"], "amount": "240.00", "paid_on": TODAY.isoformat()}]}).status_code == 201
    assert api.post(f"/members/{people['页面公示乙']}/dues/large", json={
        "amount": "1500.00", "paid_on": TODAY.isoformat(), "receipt_no": f"PG-{tag}"}).status_code == 201

    log_in(page, system, api, committee, f"rl{tag}".lower())
    expect(page.locator("#home-remittance-children")).to_contain_text(f"页面报表支部{tag}")
    expect(page.locator("#home-remittance-own")).to_contain_text("290.00")
    no_sideways_scroll(page)
    shot(page, f"dues-home-remittance-due-{size}")
    page.goto(f"{system.url}/orgs/{committee}/dues")
    page.locator("#large-link").click()
    expect(page.locator("#large-title")).to_have_text("大额党费")
    expect(page.locator("#large-list")).to_contain_text("页面公示乙")
    expect(page.locator("#large-list")).to_contain_text(f"页面报表支部{tag}")
    expect(page.locator("#large-list")).to_contain_text(f"PG-{tag}")
    expect(page.locator("#large-amount")).to_have_text("1500.00")
    expect(page.locator("#large-years")).to_contain_text(f"{TODAY.year}年")
    no_sideways_scroll(page)
    shot(page, f"dues-large-{size}")

    page.locator("form[action='/logout'] button").click()
    log_in(page, system, api, branch, f"rs{tag}".lower())
    page.goto(f"{system.url}/orgs/{branch}/dues")
    page.locator("#publication-link").click()
    page.goto(f"{system.url}/orgs/{branch}/dues/publication?year={PQ.year}")
    expect(page.locator("#pub-title")).to_have_text(f"页面报表支部{tag} {PQ.year}年党费收缴情况公示")
    row = page.locator(f"#pub-member-{people['页面公示乙']}")
    expect(row).to_contain_text("240.00")
    expect(page.locator("#publication-table")).to_contain_text("1500.00" if PQ.year == TODAY.year else "页面公示乙")
    expect(page.locator("#pub-totals")).to_contain_text("290.00")
    no_sideways_scroll(page)
    shot(page, f"dues-publication-{size}")
    # The printed sheet, whatever the screen.
    page.emulate_media(media="print")
    expect(page.locator(".topbar").first).to_be_hidden()
    expect(page.locator("#pub-print")).to_be_hidden()
    # The table fits the printed width (A4 landscape minus margins at 96 dpi ≈ 1032 px).
    page.set_viewport_size({"width": 1032, "height": 730})
    assert page.evaluate("document.querySelector('#publication-table').scrollWidth <= 1040")
    shot(page, "dues-publication-print")
    page.emulate_media(media="screen")
