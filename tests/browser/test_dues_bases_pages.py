"""党费 bases in bulk in a real browser, desktop and phone (the `screen` fixture): the branch's clerk
downloads the 党费基数表 from the dues page, uploads it filled in and sees the preview (the member
matched with the monthly due and bracket, or the row's problem), writes the valid rows (asks
first); the 年度核定 screen marks who is not re-set, a bad amount is refused beside its row and
nothing written, then two members re-set at once; the home page shows the arrears counts and
工作督查 the 6-month 自行脱党 case. Every page is shot and scrolls only inside its tables."""
import io
from datetime import date

from openpyxl import load_workbook
from playwright.sync_api import expect

from services.dues.domain import Month
from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot, shot_path

NOW = Month.of(date.today())
YEAR = NOW.year


def test_bases_in_bulk_through_the_pages(system, api, root_id, screen):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())
    tag = code("")
    branch = create_org(api, root_id, f"页面基数支部{tag}")
    people = {name: member_data(branch, name=name) for name in ("基数甲", "基数乙", "基数丙")}
    ids = {name: api.post("/members", json=data).json()["id"] for name, data in people.items()}
    for member_id in ids.values():
        wait_for(lambda: api.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200)
    # Nobody paid since seven months ago (a month without a base is unpaid too): all three are the
    # 自行脱党 case on the home page and in 工作督查.
    assert api.put(f"/orgs/{branch}/dues/settings", json={"registration_start": str(NOW - 7)}).is_success
    assert api.put(f"/members/{ids['基数丙']}/dues/base", json={"kind": "student",
                                                               "from_month": str(NOW - 7)}).is_success

    log_in(page, system, api, branch, f"db{tag}".lower())
    expect(page.locator("#home-arrears-six .value")).to_have_text("3")
    no_sideways_scroll(page)
    shot(page, f"dues-home-{size}")
    page.goto(f"{system.url}/orgs/{branch}/supervision")
    expect(page.locator("#dues-lapsed")).to_contain_text("基数丙")
    expect(page.locator("#dues-lapsed")).to_contain_text("自行脱党")
    shot(page, f"dues-supervision-{size}")

    # The 党费基数表: downloaded from the import page, filled in, uploaded, previewed.
    page.goto(f"{system.url}/orgs/{branch}/dues")
    page.locator("#bases-import-link").click()
    with page.expect_download() as download:
        page.locator("#base-template").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    for row in book["党费基数表"].iter_rows(min_row=2):
        if row[0].value == "基数甲":
            row[2].value, row[3].value, row[4].value = "在职", "12000", f"{YEAR}-01"
        if row[0].value == "基数乙":
            row[2].value, row[3].value = "离退休", "-3"
    filled = shot_path(f"dues-bases-{size}").with_suffix(".xlsx")
    book.save(filled)
    no_sideways_scroll(page)
    shot(page, f"dues-base-upload-{size}")
    page.locator("#import-file").set_input_files(str(filled))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/dues/base-imports/**")
    expect(page.locator("#preview-row-2, #preview-rows")).not_to_have_count(0)
    rows = page.locator("#preview-rows")
    expect(rows).to_contain_text("240.00")  # 12000 × 2%
    expect(rows).to_contain_text("2%")
    expect(rows).to_contain_text("未导入")
    no_sideways_scroll(page)
    shot(page, f"dues-base-preview-{size}")
    page.locator("#commit-import").click()
    expect(page.locator("#flash")).to_have_text("已导入党费基数")

    # 年度核定: 基数甲 re-set this year (and 基数丙, whose prefilled 学生 row went in too); a bad
    # amount refused beside its row, then two at once.
    expect(page.locator("#bases-title")).to_contain_text(f"{YEAR}年度")
    expect(page.locator(f"#reset-{ids['基数甲']}")).to_contain_text("已核定")
    expect(page.locator(f"#reset-{ids['基数乙']}")).to_contain_text("未核定")
    page.get_by_label("基数乙新类别").select_option("retired")
    page.get_by_label("基数乙新基数").fill("abc")
    page.get_by_label("基数丙新基数").fill("")
    page.get_by_label("核定基数丙").check()
    page.locator("#reset-button").click()
    expect(page.locator("#form-error")).to_contain_text("基数乙")
    expect(page.locator(f"#reset-error-{ids['基数乙']}")).to_be_visible()
    # 甲 and 丙 (the sheet's untouched 学生 row went in): still two, nothing written
    expect(page.locator("#count-reset")).to_have_text("2")
    no_sideways_scroll(page)
    shot(page, f"dues-reset-refused-{size}")
    page.get_by_label("基数乙新基数").fill("6000")
    page.locator("#reset-button").click()
    expect(page.locator("#flash")).to_have_text("已核定党费基数")
    expect(page.locator("#count-reset")).to_have_text("3")
    expect(page.locator(f"#reset-{ids['基数乙']}")).to_contain_text("60.00")
    no_sideways_scroll(page)
    shot(page, f"dues-reset-{size}")
