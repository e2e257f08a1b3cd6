"""代码表 in a real browser, desktop and phone: the list of tables with their kinds, a national
table read-only, and 转接原因 — read-only for a 党委's 系统管理员, edited by the provincial one
(add without a code, rename, 停用). Every page is shot and has no sideways scroll."""
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code

from .conftest import log_in, no_sideways_scroll, shot


def test_code_tables_read_only_and_the_provincial_administrators_forms(system, api, root_id, screen):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())  # 停用 asks first
    committee = create_org(api, root_id, f"代码表页面党委{code('')[-4:]}", "党委")
    log_in(page, system, api, committee, f"ctp{code('')}".lower())
    page.locator("#nav-code-tables").click()
    expect(page.locator("#table-ethnicity")).to_contain_text("GB/T 3304")
    expect(page.locator("#table-transfer_reasons")).to_contain_text("只读")
    page.locator("#table-transfer_reasons").get_by_role("link", name="转接原因").click()
    expect(page.locator("#reasons")).to_contain_text("调动工作")
    expect(page.locator("#read-only")).to_be_visible()
    expect(page.locator("summary", has_text="新增转接原因")).to_have_count(0)  # no forms below the root
    page.get_by_role("button", name="退出").click()

    log_in(page, system, api, root_id, f"ctr{code('')}".lower())
    page.goto(f"{system.url}/code-tables")
    expect(page.locator("#table-transfer_reasons")).to_contain_text("可维护")
    no_sideways_scroll(page)
    shot(page, f"code-tables-{size}")
    page.locator("#table-leave_kind").get_by_role("link", name="党员减少类型").click()
    expect(page.locator("#read-only")).to_have_text("只读")
    expect(page.locator("#entry-21")).to_contain_text("开除党籍")
    expect(page.locator("#entry-21 td[data-label=上级代码]")).to_have_text("2")  # its parent, 出党类
    expect(page.locator("section.card form")).to_have_count(0)  # nothing to change
    no_sideways_scroll(page)
    shot(page, f"code-table-leave-kind-{size}")

    page.goto(f"{system.url}/code-tables/transfer_reasons")
    page.locator("summary", has_text="新增转接原因").click()
    name = f"援建{code('')[-5:]}"
    page.locator("#reason-form").get_by_label("名称").fill(name)
    page.locator("#reason-form").get_by_role("button", name="保存").click()
    expect(page.locator("#flash")).to_have_text("已新增转接原因")
    row = page.locator("#reasons tbody tr", has_text=name)
    row.locator("summary", has_text="更名").click()
    row.get_by_label("新名称").fill(f"{name}改")
    row.get_by_role("button", name="保存").click()
    expect(page.locator("#flash")).to_have_text("已更名")
    row = page.locator("#reasons tbody tr", has_text=f"{name}改")
    expect(row).to_contain_text(f"曾用名：{name}")
    row.get_by_role("button", name="停用").click()
    expect(page.locator("#flash")).to_have_text("已停用")
    expect(page.locator("#reasons tbody tr", has_text=f"{name}改")).to_contain_text("已停用")
    no_sideways_scroll(page)
    shot(page, f"code-table-transfer-reasons-{size}")
