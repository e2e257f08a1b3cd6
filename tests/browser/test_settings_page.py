"""系统设置 in a real browser (docs/SETTINGS.md): a 党委's administrator reaches it from the top
navigation, sets a lead time for its subtree (a bad value is refused beside its field, nothing
saved), a branch below shows the value as inherited, the history reads before → after; a 只读
account sees the form greyed out. Screenshots at desktop and phone width."""
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code

from .conftest import log_in, no_sideways_scroll, shot

HIGHER = "换届提醒：下级组织届满前天数"


def test_settings_are_set_inherited_and_shown(system, api, root_id, screen, browser):
    page, size = screen
    committee = create_org(api, root_id, f"设置页党委{size}", "党委")
    branch = create_org(api, committee, f"设置页支部{size}", "党支部")
    log_in(page, system, api, committee, f"setpage{code('')}".lower())
    page.goto(f"{system.url}/")
    page.locator("#nav-settings").click()
    page.wait_for_url(f"**/orgs/{committee}/settings")
    row = page.locator("#setting-row-terms_higher_reminder_days")
    expect(row).to_contain_text("180天")
    expect(row).to_contain_text("系统缺省值")

    form = page.locator("#settings-form")
    form.get_by_label("预备党员转正提醒").fill("999")
    form.get_by_label(HIGHER).fill("240")
    form.get_by_role("button", name="保存设置").click()
    expect(page.locator("#error-setting-probation_reminder_days")).to_contain_text("应在1到180天之间")
    expect(page.locator("#form-error")).to_be_visible()
    expect(row).to_contain_text("180天")  # nothing saved
    page.locator("#settings-form").get_by_label("预备党员转正提醒").fill("")
    page.locator("#settings-form").get_by_role("button", name="保存设置").click()
    expect(page.locator("#flash")).to_contain_text("已保存系统设置")
    expect(row).to_contain_text("240天")
    expect(row).to_contain_text("本组织设置")
    expect(page.locator("#settings-history")).to_contain_text("未设置（继承上级或缺省） → 240天")
    no_sideways_scroll(page)
    shot(page, f"settings-{size}")

    page.goto(f"{system.url}/orgs/{branch}/settings")
    inherited = page.locator("#setting-row-terms_higher_reminder_days")
    expect(inherited).to_contain_text("240天")
    expect(inherited.get_by_role("link", name=f"设置页党委{size}")).to_be_visible()
    expect(page.locator("#settings-form").get_by_label(HIGHER)).to_have_value("")

    if size.startswith("390"):
        return
    # 只读 (系统工具 查看): the same page, the form greyed out.
    username = f"setro{code('')}".lower()
    assert api.post("/accounts", json={"username": username, "password": "Init#Pass2026b", "org_id": root_id,
                                       "role": "只读"}).status_code == 201
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    reader = context.new_page()
    reader.goto(f"{system.url}/login")
    reader.get_by_label("用户名").fill(username)
    reader.get_by_label("密码").fill("Init#Pass2026b")
    reader.get_by_role("button", name="登录").click()
    reader.get_by_label("原密码").fill("Init#Pass2026b")
    reader.get_by_label("新密码", exact=True).fill("Ready#Pass2026b")
    reader.get_by_label("确认新密码").fill("Ready#Pass2026b")
    reader.get_by_role("button", name="确定").click()
    reader.wait_for_url(f"{system.url}/")
    reader.goto(f"{system.url}/orgs/{committee}/settings")
    expect(reader.locator("#settings-read-only")).to_be_visible()
    expect(reader.locator("#settings-form").get_by_label(HIGHER)).to_be_disabled()
    expect(reader.locator("#settings-save")).to_be_disabled()
    shot(reader, "settings-readonly-1366x900")
    context.close()
