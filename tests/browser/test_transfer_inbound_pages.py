"""线下转入 in a real browser, desktop and phone: the county 党委's clerk opens 线下转入 from
组织关系转接, a refused form names the member's field in Chinese and keeps what was typed, the
keyed-in person goes to the receiving branch and the transfer page shows the paper letter."""
import pytest
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, id_number

from .conftest import log_in, shot


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_key_in_a_person_with_a_paper_letter(system, api, root_id, browser, phone):
    size = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
    context = browser.new_context(viewport=size, locale="zh-CN", is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(15000)
    county = create_org(api, root_id, f"浏览器转入县委{code('')}", "党委")
    target = create_org(api, create_org(api, county, "浏览器接收党委", "党委"), f"浏览器接收支部{code('')}")
    target_name = api.get(f"/orgs/{target}").json()["name"]
    log_in(page, system, api, county, f"ti{code('')}".lower())
    width = size["width"]

    page.goto(f"{system.url}/orgs/{county}/transfers")
    page.locator("#new-inbound").click()
    page.wait_for_url(f"{system.url}/orgs/{county}/transfers/inbound")
    page.get_by_label("介绍信编号").fill("冀组转字0099")
    page.get_by_label("转入来源").select_option(label="外省（跨省转入）")
    page.get_by_label("开具介绍信的党组织").fill("河北省某某县委组织部")
    page.get_by_label("姓名").fill("浏览器转入")
    page.get_by_label("公民身份号码").fill("110101199001011235")  # a wrong check digit
    page.get_by_label("民族").select_option(label="汉族")
    page.get_by_label("党员类别").select_option(label="正式党员")
    page.get_by_label("入党日期").fill("2015-07-01")
    page.get_by_label("按名称或代码查找").fill(target_name)
    page.locator("#target-choices").get_by_label(target_name, exact=False).check()
    page.get_by_role("button", name="录入并送接收党组织").click()
    expect(page.locator("#form-error")).to_contain_text("公民身份号码")
    expect(page.locator("#error-inbound-id_number")).to_be_visible()
    expect(page.get_by_label("开具介绍信的党组织")).to_have_value("河北省某某县委组织部")
    shot(page, f"transfer-inbound-refused-{width}")

    expect(page.locator("#chosen-target")).to_contain_text(target_name)  # the choice is kept

    page.get_by_label("公民身份号码").fill(id_number())
    shot(page, f"transfer-inbound-{width}")
    page.get_by_role("button", name="录入并送接收党组织").click()
    expect(page.locator("#flash")).to_have_text("已录入线下转入")
    expect(page.locator("#from-kind")).to_contain_text("河北省某某县委组织部")
    expect(page.locator("#paper-letter-no")).to_have_text("冀组转字0099")
    expect(page.locator("#transfer-fields")).to_contain_text(target_name)
    expect(page.get_by_text("线下转入登记")).to_be_visible()  # the history names the step
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"transfer-inbound-page-{width}")
    context.close()
