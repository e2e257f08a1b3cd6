"""报表使用情况 in a real browser: a committee's clerk goes from its report page to the usage
page, sees the counts per state (one branch submitted, one not generated), filters by state with
a count's link and by level with the form; no sideways scroll. Screenshots at 1366 and 390 px."""
from datetime import date

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, settle, shot

YEAR = date.today().year


def test_the_clerk_reads_the_usage_of_the_subtree(system, api, root_id, screen):
    page, size = screen
    committee = create_org(api, root_id, f"使用情况页党委{size}", "党委")
    done = create_org(api, committee, f"已上报的第一党支部{size}")
    create_org(api, committee, f"尚未生成报表的第二党支部{size}")
    assert api.post("/members", json=member_data(done, joined_on="2015-07-01")).status_code == 201
    base = f"/orgs/{done}/reports/{YEAR}"
    wait_for(lambda: api.get(base).json()["year_end_total"], lambda n: n == 1, what="支部的本年底党员数")
    assert api.post(base + "/generate").status_code == 200
    assert api.post(base + "/submit").status_code == 200

    log_in(page, system, api, committee, f"usepage{code('')}".lower())
    page.goto(f"{system.url}/orgs/{committee}/reports/{YEAR}")
    page.locator("#usage-link").click()
    page.wait_for_url(f"**/orgs/{committee}/reports/{YEAR}/usage")
    settle(page)
    expect(page.locator("#count-all")).to_have_text("3")
    expect(page.locator("#count-submitted")).to_have_text("1")
    expect(page.locator("#count-none")).to_have_text("2")
    expect(page.locator("#usage-list")).to_contain_text("已上报，待接收")
    no_sideways_scroll(page)
    shot(page, f"report-usage-{size}")

    page.locator("#usage-counts a.status-submitted").click()
    page.wait_for_url("**state=submitted**")
    expect(page.locator("#usage-list tbody tr")).to_have_count(1)
    expect(page.locator("#usage-list")).to_contain_text(f"已上报的第一党支部{size}")

    page.goto(f"{system.url}/orgs/{committee}/reports/{YEAR}/usage")
    page.locator("#usage-level").select_option("1")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**level=1**")
    expect(page.locator("#count-all")).to_have_text("1")
    expect(page.locator("#usage-list tbody tr")).to_have_count(1)
    no_sideways_scroll(page)
