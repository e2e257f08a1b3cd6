"""报表模板 page in a real browser (docs/REPORT_TEMPLATES.md): the root's administrator reaches it
from the report page, a bad document read from a .json file is refused with each problem listed
(nothing loaded), a good one becomes the version in use, and the report then shows 省表1 after the
national tables with its version; shots at 1366 and 390 px."""
import json
from datetime import date

from playwright.sync_api import expect

from services.stats.domain.report_templates import NATIONAL_VERSION

from ..support.api import create_org
from ..support.factories import code, member_data
from ..support.helpers import wait_for
from .conftest import PHONE, log_in, no_sideways_scroll, settle, shot

YEAR = date.today().year
GOOD = {"name": "浏览器省表", "tables": [{
    "key": "women", "title": "女党员情况",
    "columns": [{"key": "total", "label": "党员总数", "formula": 'stock("total")'},
                {"key": "female", "label": "女党员", "group": "性别", "formula": 'stock("sex", "2")'},
                {"key": "male", "label": "男党员", "group": "性别", "formula": "total - female"}],
    "checks": [{"total": "total", "parts": ["female", "male"]}]}]}
BAD = {"name": "坏省表", "tables": [{
    "key": "women", "title": "女党员情况",
    "columns": [{"key": "total", "label": "党员总数", "formula": 'stock("nope")'},
                {"key": "male", "label": "男党员", "formula": "male + 1"}]}]}


def test_loading_a_provincial_set_from_the_page(system, api, root_id, screen):
    page, size = screen
    branch = create_org(api, root_id, "模板页面支部")
    assert api.post("/members", json=member_data(branch, joined_on="2012-07-01")).status_code == 201
    wait_for(lambda: api.get(f"/orgs/{branch}/reports/{YEAR}").json()["year_end_total"], lambda n: n == 1,
             what="年报计数")
    before = len(api.get("/report-templates").json()["provincial"])
    log_in(page, system, api, root_id, f"tpl{code('')}".lower())  # the root's 系统管理员
    try:
        page.goto(f"{system.url}/orgs/{branch}/reports/{YEAR}")
        expect(page.locator("#template-version")).to_contain_text(f"2012国表 v{NATIONAL_VERSION}")
        page.locator("#templates-link").click()
        page.wait_for_url(f"{system.url}/report-templates")
        expect(page.locator("#templates-title")).to_have_text("报表模板")

        page.locator("#template-file").set_input_files(files=[{
            "name": "bad.json", "mimeType": "application/json",
            "buffer": json.dumps(BAD, ensure_ascii=False).encode()}])
        expect(page.locator("#template-document")).to_have_value(json.dumps(BAD, ensure_ascii=False))
        page.locator("#load-submit").click()
        problems = page.locator("#template-problems li")
        expect(problems).to_have_count(2)
        expect(problems.nth(0)).to_contain_text("第1张表「女党员情况」（women）行 total 列 total：")
        expect(problems.nth(0)).to_contain_text("未知的维度：nope")
        expect(problems.nth(1)).to_contain_text("列之间循环引用：male → male")
        assert len(api.get("/report-templates").json()["provincial"]) == before  # nothing written
        settle(page)
        no_sideways_scroll(page)
        shot(page, f"report-templates-refused-{size}")

        page.locator("#template-document").fill(json.dumps(GOOD, ensure_ascii=False, indent=2))
        page.locator("#load-submit").click()
        page.wait_for_url(f"{system.url}/report-templates")
        expect(page.locator("#flash")).to_contain_text("已载入浏览器省表")
        current = page.locator("#provincial-versions tbody tr").first
        expect(current).to_contain_text("浏览器省表")
        expect(current).to_contain_text("正在使用")
        expect(current).to_contain_text("省表1 女党员情况")
        settle(page)
        no_sideways_scroll(page)
        shot(page, f"report-templates-{size}")

        page.goto(f"{system.url}/orgs/{branch}/reports/{YEAR}")
        expect(page.locator("#table-p_women caption")).to_have_text("省表1 女党员情况")
        expect(page.locator("#cell-p_women-total-total")).to_have_text("1")
        expect(page.locator("#template-version")).to_contain_text("浏览器省表 v")
        if size == PHONE:
            no_sideways_scroll(page)
    finally:
        # Later tests on this system see national tables only again.
        assert api.post("/report-templates", json={"name": "浏览器省表（撤销）", "tables": []}).status_code == 201
