"""The 培训情况 set on the member card and 表9/11/12 on the report page, phone and desktop: a training
added through the card's form (level and way chosen by name, 学时 a number) shows by name in place;
the report page shows the three tables with the hand-counted cells, each scrolling inside its own box."""
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot, shot_path

YEAR = 2024


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_a_training_on_the_card_and_tables_9_11_12_on_the_report_page(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    branch = create_org(api, root_id, f"培训页面支部{tag}")
    trained = ok(api.post("/members", json=member_data(branch, name="培训页面")), 201)["id"]
    card = ok(api.get(f"/members/{trained}"))
    card = ok(api.post(f"/members/{trained}/info/rewards", json={
        "version": card["version"], "kind": "奖励", "name": "优秀共产党员", "decided_on": "2024-07-01",
        "level": "县级"}), 201)
    leaving = ok(api.post("/members", json=member_data(branch, name="出党页面")), 201)["id"]
    ok(api.post(f"/members/{leaving}/leave", json={"kind": "开除党籍", "date": "2024-09-01", "reason": "违纪",
                                                   "version": ok(api.get(f"/members/{leaving}"))["version"]}))

    log_in(page, system, api, branch, f"trn{tag}".lower())
    page.goto(f"{system.url}/members/{trained}")
    page.locator("#member-tabs").get_by_role("tab", name="培训情况").click()
    page.locator("#set-trainings").get_by_text("新增培训情况").click()
    form = page.locator("#add-trainings")
    form.get_by_label("培训名称").fill("党员冬训")
    form.get_by_label("举办单位级别").select_option(label="县（市、区、旗）")
    form.get_by_label("培训方式").select_option(label="集中培训")
    form.get_by_label("开始日期").fill("2024-03-01")
    form.get_by_label("学时").fill("16")
    shot(page, f"card-training-form-{size}")
    form.get_by_role("button", name="保存").click()
    rows = page.locator("#rows-trainings")
    expect(rows.locator("tbody tr")).to_have_count(1)
    for text in ("党员冬训", "县（市、区、旗）", "集中培训", "2024-03-01", "16"):
        expect(rows).to_contain_text(text)
    no_sideways_scroll(page)
    page.locator("#set-trainings").screenshot(path=str(shot_path(f"card-trainings-{size}")))
    page.locator("#member-tabs").get_by_role("tab", name="奖惩情况（1）").click()
    expect(page.locator("#rows-rewards")).to_contain_text("县（市、区、旗）")  # 批准机关级别 by name
    page.locator("#set-rewards").screenshot(path=str(shot_path(f"card-rewards-level-{size}")))

    wait_for(lambda: {t["key"]: t["rows"][0]["cells"]["total"] for t in ok(api.get(
        f"/orgs/{branch}/reports/{YEAR}"))["tables"] if t["key"] in ("t9", "t11", "t12")},
        lambda found: found == {"t9": 1, "t11": 1, "t12": 1}, what="表9、表11、表12")
    page.goto(f"{system.url}/orgs/{branch}/reports/{YEAR}")
    for key, title in (("t9", "党员培训"), ("t11", "出党（二）"), ("t12", "表彰")):
        expect(page.locator(f"#table-{key} caption")).to_contain_text(title)
    for cell in ("t9-total-members", "t9-total-total", "t9-total-level_4", "t9-total-mode_1",
                 "t11-total-total", "t11-total-expel_a40", "t11-total-expel_p08",
                 "t12-total-members", "t12-total-total", "t12-total-level_4"):
        expect(page.locator(f"#cell-{cell}")).to_have_text("1")
    expect(page.locator("#cell-t9-total-hours")).to_have_text("16")
    no_sideways_scroll(page)
    for key in ("t9", "t11", "t12"):
        table = page.locator(f"#table-{key}")
        table.scroll_into_view_if_needed()
        table.screenshot(path=str(shot_path(f"report-{key}-table-{size}")))
    shot(page, f"report-training-tables-{size}")
