"""导入上年报表 in a real browser at a phone's width: from this year's report page, upload last
year's report (PMIS's own export, as the official layout), see a bad figure named by sheet, row and
column, upload the corrected file, confirm, and find this year's 上年底党员总数 carried from it and
last year's report shown read-only as 导入. Shots of each step at 390 and 1366 px."""
import io
from datetime import date

from openpyxl import load_workbook
from playwright.sync_api import expect

from ..support.api import create_org
from ..support.factories import code, member_data
from ..support.helpers import wait_for
from .conftest import PHONE, log_in, no_sideways_scroll, shot

YEAR = date.today().year
LAST = YEAR - 1
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def last_years_file(api, branch: int, **cells) -> bytes:
    """PMIS's export of LAST with cells of 表1's 合计 row replaced (Excel address → value)."""
    workbook = load_workbook(io.BytesIO(api.get(f"/orgs/{branch}/reports/{LAST}.xlsx").content))
    for address, value in cells.items():
        workbook["表1 两年党员数综合比较"][address] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(page, content: bytes) -> None:
    page.locator("#carry-file").set_input_files(files=[{"name": f"{LAST}年报.xlsx", "mimeType": XLSX,
                                                         "buffer": content}])
    page.locator("#carry-preview").click()
    expect(page.locator("#carry-result")).to_be_visible()


def test_import_last_years_report_on_a_phone(system, api, root_id, phone):
    branch = create_org(api, root_id, "浏览器结转支部")
    for _ in range(2):
        assert api.post("/members", json=member_data(branch, joined_on="2019-07-01")).status_code == 201
    wait_for(lambda: api.get(f"/orgs/{branch}/reports/{YEAR}").json()["year_end_total"], lambda n: n == 2,
             what="年报计数")
    page = phone
    log_in(page, system, api, branch, f"carry{code('')}".lower())
    page.goto(f"{system.url}/orgs/{branch}/reports/{YEAR}")
    page.locator("#import-last-year").click()
    page.wait_for_url(f"{system.url}/orgs/{branch}/reports/{YEAR}/carry-forward")
    expect(page.locator("#carry-title")).to_have_text(f"导入{LAST}年报表")
    no_sideways_scroll(page)
    shot(page, f"carry-forward-upload-{PHONE}")

    page.locator("#carry-file").set_input_files(files=[{"name": "年报.xlsx", "mimeType": XLSX,
                                                         "buffer": b"not a workbook"}])
    page.locator("#carry-preview").click()
    expect(page.locator("#form-error")).to_contain_text("不是有效的 Excel")
    expect(page.locator("#carry-result")).to_have_count(0)

    # V5 is 表1 合计's 本年底实有党员数, C5 its 增加党员·合计
    upload(page, last_years_file(api, branch, V5=2, C5="十二"))
    expect(page.locator("#carry-error-count")).to_have_text("1 处")
    expect(page.locator("#carry-errors")).to_contain_text("第5行C列：「增加党员·合计」不是数字")
    expect(page.locator("#carry-confirm")).to_have_count(0)
    expect(page.locator("#carry-year-end")).to_contain_text("2（")
    no_sideways_scroll(page)
    shot(page, f"carry-forward-errors-{PHONE}")

    upload(page, last_years_file(api, branch, V5=7))
    expect(page.locator("#carry-error-count")).to_have_text("0 处")
    expect(page.locator("#carry-year-end")).to_contain_text("7")
    expect(page.locator("#carry-t1")).to_contain_text("本年底实有党员数")
    expect(page.locator("#carry-warnings")).to_contain_text("实有数与应有数之差")
    no_sideways_scroll(page)
    shot(page, f"carry-forward-preview-{PHONE}")
    assert api.get(f"/orgs/{branch}/reports/{LAST}").json()["status"] == "none"  # the preview wrote nothing

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#carry-confirm").click()
    page.wait_for_url(f"{system.url}/orgs/{branch}/reports/{YEAR}")
    expect(page.locator(".flash, [role=status]").first).to_contain_text(f"已导入{LAST}年报表")
    expect(page.locator("#year-start-total")).to_have_text("7")
    expect(page.locator("#last-year-imported")).to_contain_text("导入的原系统报表")
    expect(page.locator("#import-last-year")).to_have_count(1)  # may be imported again until submitted
    no_sideways_scroll(page)
    shot(page, f"carry-forward-done-{PHONE}")

    page.locator("#last-year-imported a").click()
    page.wait_for_url(f"{system.url}/orgs/{branch}/reports/{LAST}")
    expect(page.locator("#report-status")).to_have_text("已导入")
    expect(page.locator("#report-imported")).to_contain_text("导入原系统的报表（只读）")
    expect(page.locator("#generate")).to_have_count(0)
    expect(page.locator("#cell-t1-total-year_end")).to_have_text("7")
    no_sideways_scroll(page)
    shot(page, f"carry-forward-last-year-{PHONE}")
