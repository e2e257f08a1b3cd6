"""组织关系转接 in a real browser, each step by the account whose step it is: the sending branch
finds the member and the target, previews route and letter, confirms; the sending 党委 and the
receiving 党委 approve from their 待办; the receiving branch receives. Every page is shot at
1366×900 and 390×844 (conftest's `shot`: test-artifacts/shots, or PMIS_SHOTS)."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.api import complete_member, create_org
from tests.support.factories import code

from .conftest import log_in, shot


def shoot(page, name: str) -> None:
    shot(page, f"{name}-{page.viewport_size['width']}")


@pytest.fixture
def pages(browser):
    """A new browser context per account: desktop 1366×900 or phone 390×844."""
    contexts = []

    def open_page(phone: bool = False):
        size = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
        context = browser.new_context(viewport=size, locale="zh-CN", is_mobile=phone, has_touch=phone)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before 确认发起, 接收
        return page

    yield open_page
    for context in contexts:
        context.close()


def apply_through_the_form(page, system, branch: int, member_name: str, target_name: str) -> None:
    page.goto(f"{system.url}/")
    page.locator("#nav-transfers").click()
    page.wait_for_url(f"{system.url}/orgs/{branch}/transfers")
    shoot(page, "transfers-home")
    page.locator("#new-transfer").click()
    page.get_by_label("按姓名或公民身份号码查找").fill(member_name)
    page.locator("#member-choices").get_by_label(member_name, exact=False).check()
    page.get_by_label("转接类型").select_option(label="省内转接")
    page.get_by_label("按名称或代码查找").fill(target_name)
    page.locator("#target-choices").get_by_label(target_name, exact=False).check()
    page.get_by_label("转接原因").select_option(label="调动工作")
    page.get_by_label("党员联系电话").fill("13900000000")
    shoot(page, "transfer-new")
    page.get_by_role("button", name="预览转接路径和介绍信").click()


def test_apply_with_preview_then_approve_and_receive_as_the_right_accounts(system, api, root_id, pages):
    sender = create_org(api, root_id, "浏览器转出党委", "党委")
    branch = create_org(api, sender, "浏览器转出支部")
    receiver = create_org(api, root_id, "浏览器转入党委", "党委")
    target = create_org(api, receiver, f"浏览器转入支部{code('')}")
    target_name = api.get(f"/orgs/{target}").json()["name"]
    complete_member(api, branch, "浏览器转接")

    clerk = pages()
    log_in(clerk, system, api, branch, f"tb{code('')}".lower())
    # A refused form keeps what was typed and names the field in Chinese.
    clerk.goto(f"{system.url}/orgs/{branch}/transfers/new")
    clerk.get_by_role("button", name="预览转接路径和介绍信").click()
    expect(clerk.locator("#form-error")).to_contain_text("转接原因")
    expect(clerk.locator("#error-transfer-kind")).to_be_visible()

    apply_through_the_form(clerk, system, branch, "浏览器转接", target_name)
    route = clerk.locator("#route tbody tr")
    expect(route).to_have_count(3)
    expect(route.nth(0)).to_contain_text("浏览器转出党委")
    expect(route.nth(2)).to_contain_text(target_name)
    expect(clerk.locator("#letter-preview")).to_contain_text("浏览器转接同志")
    shoot(clerk, "transfer-preview")
    clerk.get_by_role("button", name="确认发起").click()
    expect(clerk.locator("#flash")).to_have_text("已发起组织关系转接")
    expect(clerk.locator("#transfer-state")).to_have_text("审批中")
    expect(clerk.locator("#letter-link")).to_have_attribute("href", clerk.url.replace(system.url, "/api/v1")
                                                            + "/letter.pdf")
    expect(clerk.locator("#approve-form")).to_have_count(0)  # not the branch's step
    transfer_url = clerk.url
    shoot(clerk, "transfer-page")

    for org_id, name in ((sender, "党委审批"), (receiver, "转入党委审批")):
        approver = pages()
        log_in(approver, system, api, org_id, f"ta{code('')}".lower())
        approver.goto(f"{system.url}/transfers")
        expect(approver.locator("#count-todo")).not_to_have_text("0")
        approver.locator("#work-list").get_by_role("link", name="浏览器转接").click()
        approver.get_by_label("审批意见").fill(f"同意（{name}）")
        approver.get_by_role("button", name="审批通过").click()
        expect(approver.locator("#flash")).to_have_text("已审批")
        expect(approver.locator("#route")).to_contain_text(f"同意（{name}）")

    receiving = pages()
    log_in(receiving, system, api, target, f"tr{code('')}".lower())
    receiving.goto(transfer_url)
    expect(receiving.locator("#return-form")).to_be_hidden()  # 退回 is folded away until asked for
    shoot(receiving, "transfer-receive")
    receiving.get_by_role("button", name="接收").click()
    expect(receiving.locator("#flash")).to_have_text("已接收")
    expect(receiving.locator("#transfer-state")).to_have_text(re.compile("接收办理中|已接收"))

    phone = pages(phone=True)
    log_in(phone, system, api, branch, f"tp{code('')}".lower())
    complete_member(api, branch, "手机转接")
    apply_through_the_form(phone, system, branch, "手机转接", target_name)
    shoot(phone, "transfer-preview")
    phone.get_by_role("button", name="确认发起").click()
    expect(phone.locator("#flash")).to_have_text("已发起组织关系转接")
    shoot(phone, "transfer-page")
    phone.goto(f"{system.url}/orgs/{branch}/transfers?box=out")
    expect(phone.locator("#work-list")).to_contain_text("手机转接")
    shoot(phone, "transfers-out")
