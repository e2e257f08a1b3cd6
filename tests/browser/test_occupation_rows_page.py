"""The annual report page shows 表2–4, 14 and 15 with a row per 职业 under 合计, desktop and phone:
a branch with a 农牧渔民 and a member whose 职业 is not recorded shows each in its row, the other
rows at 0, the table scrolling inside its own box on a phone; a 录改 of one row's cell fails 校核
with the column named and the cell flagged."""
from datetime import date

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import wait_for

from .conftest import generate_and_correct, log_in, no_sideways_scroll, shot, shot_path

YEAR = date.today().year


def test_occupation_rows_on_the_report_page(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    branch = create_org(api, root_id, f"职业分行支部{tag}")
    farmer = member_data(branch, name="职业农民", id_number=id_number(female=True), occupation="农牧渔民",
                         education="高中")  # the sex follows the ID number
    assert api.post("/members", json=farmer).status_code == 201
    assert api.post("/members", json=member_data(branch, name="职业未填")).status_code == 201
    wait_for(lambda: next(t for t in api.get(f"/orgs/{branch}/reports/{YEAR}").json()["tables"]
                          if t["key"] == "t2")["rows"][0]["cells"]["total"], lambda n: n == 2, what="表2 党员总数")
    log_in(page, system, api, branch, f"or{tag}".lower())
    page.goto(f"{system.url}/orgs/{branch}/reports/{YEAR}")
    rows = page.locator("#table-t2 tbody th")
    expect(rows).to_have_text(["合计", "工人（工勤技能人员）", "农牧渔民", "专业技术人员", "管理人员",
                               "党政机关工作人员", "学生", "其他职业人员", "离退休人员", "未填写"])
    expect(page.locator("#cell-t2-total-total")).to_have_text("2")
    expect(page.locator("#cell-t2-occupation_2-total")).to_have_text("1")
    expect(page.locator("#cell-t2-occupation_2-female")).to_have_text("1")
    expect(page.locator("#cell-t2-occupation_none-total")).to_have_text("1")
    expect(page.locator("#cell-t2-occupation_1-total")).to_have_text("0")
    expect(page.locator("#cell-t4-occupation_2-education_60")).to_have_text("1")
    expect(page.locator("#cell-t3-occupation_none-total")).to_have_text("1")
    for key in ("t2", "t3", "t4", "t14", "t15"):
        table = page.locator(f"#table-{key}")
        table.scroll_into_view_if_needed()
        no_sideways_scroll(page)
        table.screenshot(path=str(shot_path(f"report-{key}-occupation-rows-{size}")))
    # A 录改 of one 职业 row that leaves 合计 as it was: 校核 names the column and flags the cells.
    generate_and_correct(page, "t2:occupation_2:female", "2", "核对农牧渔民女党员")
    expect(page.locator("#cell-t2-occupation_2-female")).to_have_class("num flag-error")
    expect(page.locator("#checks")).to_contain_text("「女性」列：合计行等于各职业行之和")
    page.locator("#checks a.cell-link[href='#cell-t2-occupation_2-female']").first.click()
    expect(page.locator("#cell-t2-occupation_2-female")).to_be_in_viewport()
    shot(page, f"report-occupation-rows-{size}")
