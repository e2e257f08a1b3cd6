"""The annual report page shows the 换届 tables like the others, desktop and phone: a branch that
elected its committee this year counts it in 基层党组织换届情况 (本年产生新一届班子, 党员大会选举, 首届)
and its 书记 in 基层党组织班子成员; both tables scroll inside their own boxes on a phone."""
from datetime import date

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot, shot_path

YEAR = date.today().year


def test_the_terms_tables_on_the_report_page(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    branch = create_org(api, root_id, f"年报换届支部{tag}")
    secretary = api.post("/members", json=member_data(branch, name="年报换届书记")).json()["id"]
    created = api.post(f"/orgs/{branch}/terms", json={
        "elected_on": date.today().isoformat(), "method": "党员大会选举",
        "members": [{"member_id": secretary, "post": "书记"}]})
    assert created.status_code == 201, created.text
    wait_for(lambda: next(t for t in api.get(f"/orgs/{branch}/reports/{YEAR}").json()["tables"]
                          if t["key"] == "committees")["rows"][0]["cells"]["total"], lambda n: n == 1,
             what="基层党组织班子成员")
    log_in(page, system, api, branch, f"tr{tag}".lower())
    page.goto(f"{system.url}/orgs/{branch}/reports/{YEAR}")
    table = page.locator("#table-terms")
    expect(table.locator("caption")).to_have_text("基层党组织换届情况")
    for column in ("orgs", "elected", "completed_total", "completed_1", "completed_first"):
        expect(page.locator(f"#cell-terms-total-{column}")).to_have_text("1")
    expect(page.locator("#cell-terms-total-not_elected")).to_have_text("0")
    expect(page.locator("#table-committees caption")).to_have_text("基层党组织班子成员")
    expect(page.locator("#cell-committees-total-post_01")).to_have_text("1")
    table.scroll_into_view_if_needed()
    no_sideways_scroll(page)
    table.screenshot(path=str(shot_path(f"report-terms-table-{size}")))
    page.locator("#table-committees").screenshot(path=str(shot_path(f"report-committees-table-{size}")))
    shot(page, f"report-terms-{size}")
