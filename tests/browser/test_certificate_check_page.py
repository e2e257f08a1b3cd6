"""活动证查验 in a real browser, desktop and phone: the outflow page of a card due this year opens
the 登记查验 form; a date outside the year is refused beside its field in Chinese; the corrected
查验 (asked first) fills this year's row and the 本年度待查验 badge goes. The card is dated back a
year, as time would make it, so this year is one of its 查验 rows."""
from datetime import date

import psycopg
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import plain_dsn

from .conftest import log_in, no_sideways_scroll, shot

YEAR = date.today().year


def test_the_yearly_check_through_the_outflow_page(system, api, root_id, screen):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())
    tag = code("")
    home = create_org(api, create_org(api, root_id, f"查验页面党委{tag}", "党委"), f"查验页面支部{tag}")
    member = api.post("/members", json=member_data(home, name="查验页面党员")).json()["id"]
    out = api.post(f"/members/{member}/outflows", json={
        "from_date": date.today().isoformat(), "reason": "01", "phone": "13900000000", "certificate": True,
        "destination": {"code": "330106", "text": "浙江省杭州市西湖区"}}).json()
    with psycopg.connect(plain_dsn(system)) as pg:
        pg.execute("UPDATE transfer.certificates SET issued_on = %s, valid_until = %s WHERE number = %s",
                   (date(YEAR - 1, 6, 1), date(YEAR + 2, 5, 31), out["certificate_no"]))

    log_in(page, system, api, home, f"ck{tag}".lower())
    page.goto(f"{system.url}/outflows/{out['id']}")
    expect(page.locator("#certificates")).to_contain_text("本年度待查验")
    expect(page.locator(f"#check-{YEAR}")).to_contain_text("未查验")
    page.get_by_label("查验日期").fill(f"{YEAR - 1}-12-01")
    page.get_by_label("查验情况").fill("按时参加组织生活，交纳党费")
    page.locator("#check-button").click()
    expect(page.locator("#check-form .field-error")).to_contain_text(f"查验日期应在{YEAR}年内")
    no_sideways_scroll(page)
    shot(page, f"certificate-check-refused-{size}")

    page.get_by_label("查验日期").fill(date.today().isoformat())
    page.locator("#check-button").click()
    expect(page.locator("#flash")).to_have_text("已登记活动证查验")
    expect(page.locator(f"#check-{YEAR}")).to_contain_text(date.today().isoformat())
    expect(page.locator(f"#check-{YEAR}")).to_contain_text("按时参加组织生活，交纳党费")
    expect(page.locator("#certificates")).not_to_contain_text("本年度待查验")
    expect(page.locator("#outflow-history")).to_contain_text("活动证查验")
    expect(page.locator("#check-form")).to_have_count(0)  # no year left to check this year
    no_sideways_scroll(page)
    shot(page, f"certificate-check-{size}")
