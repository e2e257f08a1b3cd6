"""组织奖惩 with its 批准机关级别 on the organization card and 表12's organization columns on the report
page, phone and desktop: a 奖励 added through the card's form (level chosen by name) shows by name in
the list; the report page's 表彰 shows the organization counted once and its reward by level."""
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot, shot_path

YEAR = 2024


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_an_org_reward_on_the_card_and_table_12_on_the_report_page(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    branch = create_org(api, root_id, f"组织表彰页面支部{tag}")
    log_in(page, system, api, branch, f"ocm{tag}".lower())
    page.goto(f"{system.url}/orgs/{branch}")
    page.locator("#org-tabs").get_by_role("tab", name="组织奖惩（0）").click()
    page.locator("#sanction-set").get_by_text("新增组织奖惩").click()
    form = page.locator("#sanction-form")
    form.get_by_label("奖惩类别").select_option(label="奖励")
    form.get_by_label("奖惩名称").fill("先进基层党组织")
    form.get_by_label("批准日期").fill(f"{YEAR}-06-30")
    form.locator("#sanction-approver").fill("中共某市委")
    form.get_by_label("批准机关级别").select_option(label="市（地、州、盟）")
    shot(page, f"org-sanction-form-{size}")
    form.get_by_role("button", name="保存").click()
    rows = page.locator("#sanction-list")
    expect(rows.locator("tbody tr")).to_have_count(1)
    for text in ("奖励", "先进基层党组织", f"{YEAR}-06-30", "中共某市委", "市（地、州、盟）"):
        expect(rows).to_contain_text(text)
    no_sideways_scroll(page)
    page.locator("#sanction-set").screenshot(path=str(shot_path(f"org-sanctions-level-{size}")))

    wait_for(lambda: next(t for t in ok(api.get(f"/orgs/{branch}/reports/{YEAR}"))["tables"]
                          if t["key"] == "t12")["rows"][0]["cells"]["org_total"],
             lambda n: n == 1, what="表12's organization reward")
    page.goto(f"{system.url}/orgs/{branch}/reports/{YEAR}")
    table = page.locator("#table-t12")
    expect(table.locator("caption")).to_contain_text("表彰")
    for text in ("受表彰的基层党组织（个）", "受表彰党组织（次）", "党组织按批准机关级别"):
        expect(table).to_contain_text(text)
    for cell in ("orgs", "org_total", "org_level_3"):
        expect(page.locator(f"#cell-t12-total-{cell}")).to_have_text("1")
    expect(page.locator("#cell-t12-total-members")).to_have_text("0")
    no_sideways_scroll(page)
    table.scroll_into_view_if_needed()
    table.screenshot(path=str(shot_path(f"report-t12-orgs-table-{size}")))
