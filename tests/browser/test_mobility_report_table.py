"""The annual report page shows the 流动党员情况 table like the others, desktop and phone: a
branch with one outflow 跨省 this year counts it in 本年流出, 本年底流出党员 and 跨省; the table
scrolls inside its own box on a phone."""
from datetime import date

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot

YEAR = date.today().year


def test_the_mobility_table_on_the_report_page(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    branch = create_org(api, root_id, f"年报流动支部{tag}")
    member = api.post("/members", json=member_data(branch, name="年报流动党员")).json()["id"]
    assert api.post(f"/members/{member}/outflows", json={
        "from_date": date.today().isoformat(), "reason": "01", "phone": "13900000000", "certificate": False,
        "destination": {"code": "110105", "text": "北京市朝阳区"}}).status_code == 201
    wait_for(lambda: next(t for t in api.get(f"/orgs/{branch}/reports/{YEAR}").json()["tables"]
                          if t["key"] == "mobile")["rows"][0]["cells"]["outflow_end"], lambda n: n == 1,
             what="流动党员情况")
    log_in(page, system, api, branch, f"mr{tag}".lower())
    page.goto(f"{system.url}/orgs/{branch}/reports/{YEAR}")
    table = page.locator("#table-mobile")
    expect(table.locator("caption")).to_have_text("流动党员情况")
    for column in ("outflow_new", "outflow_end", "outflow_cross_province"):
        expect(page.locator(f"#cell-mobile-total-{column}")).to_have_text("1")
    expect(page.locator("#cell-mobile-total-outflow_within_province")).to_have_text("0")
    table.scroll_into_view_if_needed()
    no_sideways_scroll(page)
    shot(page, f"report-mobility-table-{size}")
