"""角色与权限 and 用户管理 in a real browser (issue 16): an organization's administrator makes a
党费-only role with the rights grid, gives it to a new account of its own organization, resets
that account's password (shown once) and the new account's pages show 党费 and not the modules it
cannot use. Screenshots at desktop and phone width."""
import httpx
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code

from .conftest import log_in, no_sideways_scroll, shot
from .test_confirm import answer

STRONG = "Clerk#Start2026r"


def test_a_dues_role_its_account_and_a_reset(system, api, root_id, screen, browser):
    page, size = screen
    committee = create_org(api, root_id, f"角色页党委{size}", "党委")
    log_in(page, system, api, committee, f"roladm{code('')}".lower())
    page.goto(f"{system.url}/roles")
    expect(page.get_by_role("heading", name="角色与权限")).to_be_visible()
    builtin = page.locator("#roles tbody tr", has_text="只读")
    expect(builtin).to_contain_text("查看")

    role = f"党费经办{code('')}"
    page.get_by_text("新建角色").click()
    form = page.locator("#role-form")
    form.get_by_label("角色名称").fill(role)
    form.get_by_role("button", name="保存").click()  # no right chosen: refused beside the grid
    expect(page.locator("#form-error")).to_be_visible()
    form = page.locator("#role-form")
    expect(form.get_by_label("角色名称")).to_have_value(role)
    form.get_by_label("党费").select_option("write")
    form.get_by_label("组织生活").select_option("read")
    form.get_by_role("button", name="保存").click()
    expect(page.locator("#flash")).to_contain_text(role)
    row = page.locator("#roles tbody tr", has_text=role)
    expect(row.locator("td").nth(4)).to_have_text("维护")  # 党费 is the fourth module
    expect(row.locator("td").nth(1)).to_have_text("—")
    no_sideways_scroll(page)
    shot(page, f"roles-{size}")

    page.goto(f"{system.url}/accounts")
    username = f"rolclerk{code('')}".lower()
    page.get_by_text("新建账号").click()
    form = page.locator("#account-form")
    form.get_by_label("用户名").fill(username)
    form.get_by_label("姓名").fill("王会计")
    form.get_by_label("初始密码").fill(STRONG)
    form.get_by_label("角色").select_option(role)
    form.get_by_role("button", name="保存").click()
    expect(page.locator("#flash")).to_contain_text("已新建账号")
    row = page.locator("#accounts tbody tr", has_text=username)
    expect(row).to_contain_text(role)
    expect(row).to_contain_text("王会计")
    expect(row).to_contain_text("从未登录")

    answer(page, accept=True)
    row.get_by_role("button", name="重置密码").click()
    notice = page.locator("#one-time-password")
    expect(notice).to_contain_text(username)
    one_time = notice.locator("code").inner_text().strip()
    assert len(one_time) == 12
    no_sideways_scroll(page)
    shot(page, f"accounts-reset-{size}")

    # The new account: its first login must change the one-time password; then 党费 is in the
    # navigation and 组织关系转接 is not, and 用户管理 is not either.
    response = httpx.post(f"{system.url}/api/v1/session", json={"username": username, "password": one_time},
                          timeout=60)
    assert response.status_code == 200 and response.json()["must_change_password"] is True
    assert response.json()["rights"] == {"dues": "write", "orglife": "read"}
    context = browser.new_context(viewport=page.viewport_size, locale="zh-CN")
    clerk = context.new_page()
    try:
        clerk.goto(f"{system.url}/login")
        clerk.get_by_label("用户名").fill(username)
        clerk.get_by_label("密码").fill(one_time)
        clerk.get_by_role("button", name="登录").click()
        clerk.get_by_label("原密码").fill(one_time)
        clerk.get_by_label("新密码", exact=True).fill(STRONG + "x")
        clerk.get_by_label("确认新密码").fill(STRONG + "x")
        clerk.get_by_role("button", name="确定").click()
        clerk.wait_for_url(f"{system.url}/")
        expect(clerk.locator("#nav-dues")).to_be_visible()
        expect(clerk.locator("#nav-transfers")).to_have_count(0)
        expect(clerk.locator("#nav-accounts")).to_have_count(0)
        expect(clerk.locator("#home-dues")).to_be_visible()
        expect(clerk.locator("#home-development")).to_have_count(0)
        shot(clerk, f"home-dues-clerk-{size}")
    finally:
        context.close()
