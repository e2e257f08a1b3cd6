"""The annual report page in a real browser: open it from the organization page, switch the
year, generate the report, make a correction that a check refuses, and follow the check's link
to the highlighted cell; in print, only the report shows."""
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..support.api import create_org
from ..support.factories import code, member_data
from ..support.helpers import wait_for
from .conftest import generate_and_correct, log_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
YEAR = date.today().year


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_report_page_year_switch_and_a_check_link_to_its_cell(system, api, root_id, desktop):
    branch = create_org(api, root_id, "浏览器年报支部")
    for joined in ("2012-07-01", f"{YEAR}-02-01"):
        assert api.post("/members", json=member_data(branch, joined_on=joined)).status_code == 201
    wait_for(lambda: api.get(f"/orgs/{branch}/reports/{YEAR}").json()["year_end_total"], lambda n: n == 2,
             what="年报计数")
    page = desktop
    log_in(page, system, api, branch, f"rep{code('')}".lower())
    page.goto(f"{system.url}/orgs/{branch}")
    page.locator("#reports-link").click()
    expect(page.locator("#report-title")).to_have_text("党内统计年报")
    expect(page.locator("#cell-t1-total-year_end")).to_have_text("2")

    page.locator("#year-select").select_option(str(YEAR - 1))
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(f"{system.url}/orgs/{branch}/reports/{YEAR - 1}")
    expect(page.locator("#cell-t1-total-year_end")).to_have_text("1")
    page.locator("#year-select").select_option(str(YEAR))
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(f"{system.url}/orgs/{branch}/reports/{YEAR}")

    generate_and_correct(page, "t1:total:increase_develop", "3", "补录两名发展党员")
    expect(page.locator("#cell-t1-total-increase_develop")).to_have_class("num flag-error")

    link = page.locator("#checks a.cell-link[href='#cell-t1-total-increase_develop']").first
    link.click()
    assert page.url.endswith("#cell-t1-total-increase_develop")
    assert page.evaluate("document.querySelector(':target').id") == "cell-t1-total-increase_develop"
    expect(page.locator("#cell-t1-total-increase_develop")).to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-page.png"), full_page=True)

    page.emulate_media(media="print")  # printing from the browser: the forms and navigation go
    expect(page.locator("#correct-form")).to_be_hidden()
    expect(page.locator(".sidebar")).to_be_hidden()
    expect(page.locator("#table-t1")).to_be_visible()
    expect(page.locator(".report-tables .print-only")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "report-print.png"), full_page=True)
