"""入党申请人 in a real browser, on a desktop and a 390-px phone: from the top navigation to the
branch's list, a refused add (the field named in Chinese, what was typed kept), an add, an
edit, a delete that asks first, 找回 from the deleted list, search, and the import page. Every
page is shot (conftest's `shot`: test-artifacts/shots, or PMIS_SHOTS)."""
from datetime import date

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, id_number

from .conftest import log_in, no_sideways_scroll, shot


def test_add_edit_delete_and_find_again_through_the_pages(system, api, root_id, screen):
    page, size = screen
    branch = create_org(api, root_id, f"浏览器申请人支部{code('')}")
    for name, day in (("赵一", "2024-03-01"), ("钱二", "2025-06-01")):
        assert api.post("/applicants", json={"org_id": branch, "name": name, "id_number": id_number(date(1999, 1, 1)),
                                             "ethnicity": "汉族", "applied_on": day}).status_code == 201
    confirmations = []
    page.on("dialog", lambda dialog: (confirmations.append(dialog.message), dialog.accept()))
    log_in(page, system, api, branch, f"ap{code('')}".lower())

    page.locator("#nav-applicants").click()
    page.wait_for_url(f"{system.url}/orgs/{branch}/applicants")
    expect(page.locator("#applicant-list tbody tr")).to_have_count(2)
    no_sideways_scroll(page)
    shot(page, f"applicants-list-{size}")

    page.locator("#new-applicant-title").click()
    form = page.locator("#applicant-form")
    form.get_by_label("姓名").fill("孙三")
    form.get_by_label("公民身份号码").fill("110105194912310021")
    form.get_by_label("民族").select_option(label="汉族")
    form.get_by_label("申请入党日期").fill("2025-09-01")
    form.get_by_role("button", name="保存").click()
    expect(page.locator("#form-error")).to_contain_text("公民身份号码")
    expect(page.locator("#error-applicant-id_number")).to_contain_text("校验码错误")
    expect(form.get_by_label("姓名")).to_have_value("孙三")
    shot(page, f"applicants-refused-{size}")

    form.get_by_label("公民身份号码").fill(id_number(date(2001, 2, 3), female=True))
    form.get_by_label("学历").select_option(label="大学本科")
    form.get_by_role("button", name="保存").click()
    expect(page.locator("#flash")).to_have_text("已新增入党申请人")
    expect(page.locator("#applicant-title")).to_contain_text("孙三")
    expect(page.locator(".fields")).to_contain_text("2001-02-03")
    no_sideways_scroll(page)
    shot(page, f"applicant-{size}")

    page.locator("#edit-title").click()
    page.locator("#applicant-edit-applied_on").fill("2025-10-01")
    page.locator("#edit-form").get_by_role("button", name="保存").click()
    expect(page.locator("#flash")).to_have_text("已保存")
    expect(page.locator("#applicant-applied-on")).to_have_text("2025-10-01")

    page.get_by_label("删除原因").fill("录入重复")
    page.get_by_role("button", name="删除").click()
    expect(page.locator("#flash")).to_contain_text("已删除")
    assert confirmations and "孙三" in confirmations[-1]
    expect(page.locator("#applicant-deleted")).to_be_visible()
    shot(page, f"applicant-deleted-{size}")

    page.get_by_role("link", name="入党申请人").last.click()
    expect(page.locator("#applicant-list")).to_contain_text("孙三")
    shot(page, f"applicants-deleted-list-{size}")
    page.locator("#applicant-list").get_by_role("link", name="孙三").click()
    page.get_by_role("button", name="找回").click()
    expect(page.locator("#flash")).to_have_text("已找回")

    page.goto(f"{system.url}/orgs/{branch}/applicants?q=ss")
    expect(page.locator("#applicant-list tbody tr")).to_have_count(1)
    expect(page.locator("#applicant-list")).to_contain_text("孙三")
    page.locator("#applicant-sort").select_option(label="申请日期（新的在前）")
    page.locator("#applicant-q").fill("")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#applicant-list tbody tr").first).to_contain_text("孙三")
    shot(page, f"applicants-sorted-{size}")

    page.locator("#applicants-import").click()
    expect(page.locator("#import-title")).to_have_text("从入党申请人采集表导入")
    no_sideways_scroll(page)
    shot(page, f"applicants-import-{size}")
