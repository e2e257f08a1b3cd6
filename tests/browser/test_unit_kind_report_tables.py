"""The annual report page shows 表5 乡镇/村党员, 表6 街道/社区党员 and 表7 学生党员 like the others, desktop
and phone: a village branch with a student member counts in 村 and in 学生党员; the tables scroll inside
their own boxes on a phone."""
from datetime import date

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot_path

YEAR = date.today().year


def test_tables_five_to_seven_on_the_report_page(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    branch = create_org(api, root_id, f"年报村支部{tag}")
    assert api.post(f"/orgs/{branch}/units", json={"name": "年报村", "category": "村",
                                                   "party_setup": "单独建立党组织"}).status_code == 201
    assert api.post("/members", json=member_data(branch, name="年报学生", occupation="学生",
                                                 education="大学本科")).status_code == 201
    wait_for(lambda: next(t for t in api.get(f"/orgs/{branch}/reports/{YEAR}").json()["tables"]
                          if t["key"] == "t5")["rows"][0]["cells"]["village_members"], lambda n: n == 1,
             what="村党组织党员")
    log_in(page, system, api, branch, f"uk{tag}".lower())
    page.goto(f"{system.url}/orgs/{branch}/reports/{YEAR}")
    expect(page.locator("#table-t5 caption")).to_have_text("表5 乡镇、村党员")
    for column in ("villages", "villages_with_org", "village_setup_1", "village_orgs", "village_members"):
        expect(page.locator(f"#cell-t5-total-{column}")).to_have_text("1")
    expect(page.locator("#table-t6 caption")).to_have_text("表6 街道、社区党员")
    expect(page.locator("#cell-t7-total-total")).to_have_text("1")
    expect(page.locator("#cell-t7-total-education_20")).to_have_text("1")
    for key in ("t5", "t6", "t7"):
        table = page.locator(f"#table-{key}")
        table.scroll_into_view_if_needed()
        no_sideways_scroll(page)
        table.screenshot(path=str(shot_path(f"report-{key}-table-{size}")))
