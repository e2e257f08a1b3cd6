"""用户管理 in a real browser: a new account made with the page's form (a refused one keeps what
was typed, with the error beside its field), disabled after a confirmation, shown as 已停用 and
unable to log in; a locked account shows its lock and is unlocked. Screenshots at desktop and
phone width (the `screen` fixture) go to PMIS_SHOTS for a person to look at."""
import httpx
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code

from .conftest import log_in, no_sideways_scroll, shot
from .test_confirm import answer

STRONG = "Clerk#Start2026z"


def test_create_disable_and_see_the_state(system, api, root_id, screen):
    page, size = screen
    committee = create_org(api, root_id, f"账号页党委{size}", "党委")
    branch_code = code("AC")
    branch = api.post("/orgs", json={"name": f"账号页支部{size}", "code": branch_code, "type": "31",
                                     "parent_id": committee})
    assert branch.status_code == 201, branch.text
    log_in(page, system, api, committee, f"accadm{code('')}".lower())
    page.goto(f"{system.url}/accounts")
    expect(page.get_by_role("heading", name="用户管理")).to_be_visible()

    # A refused new account: the message beside its field, what was typed kept (not the password).
    username = f"clerk{code('')}".lower()
    page.get_by_text("新建账号").click()
    form = page.locator("#account-form")
    form.get_by_label("用户名").fill(username)
    form.get_by_label("初始密码").fill(STRONG)
    form.get_by_label("所在党组织代码").fill("NO-SUCH-CODE")
    form.get_by_role("button", name="保存").click()
    expect(page.locator("#error-account-org_code")).to_have_text("所在党组织代码：没有代码为“NO-SUCH-CODE”的党组织")
    expect(page.locator("#account-form").get_by_label("用户名")).to_have_value(username)
    expect(page.locator("#account-form").get_by_label("初始密码")).to_have_value("")
    shot(page, f"accounts-refused-{size}")

    form = page.locator("#account-form")
    form.get_by_label("初始密码").fill(STRONG)
    form.get_by_label("所在党组织代码").fill(branch_code)
    form.get_by_role("button", name="保存").click()
    expect(page.locator("#flash")).to_contain_text("已新建账号")
    row = page.locator("#accounts tbody tr", has_text=username)
    expect(row).to_contain_text(f"账号页支部{size}")
    expect(row).to_contain_text("正常")

    # Disabling asks first; cancelling changes nothing, accepting disables.
    messages = answer(page, accept=False)
    row.get_by_role("button", name="停用").click()
    assert messages and username in messages[0]
    expect(row).to_contain_text("正常")
    answer(page, accept=True)
    row.get_by_role("button", name="停用").click()
    row = page.locator("#accounts tbody tr", has_text=username)
    expect(row.locator("td").nth(2)).to_have_text("已停用")
    expect(row.get_by_role("button", name="启用")).to_be_visible()
    refused = httpx.post(f"{system.url}/api/v1/session", json={"username": username, "password": STRONG},
                         timeout=60)
    assert refused.status_code == 403 and "停用" in refused.json()["error"]["message"]

    # A locked account (five wrong passwords) shows until when, and can be unlocked here (the
    # branch's 系统管理员: the committee's administrator administers it).
    locked = f"lock{code('')}".lower()
    assert api.post("/accounts", json={"username": locked, "password": STRONG,
                                       "org_id": branch.json()["id"]}).status_code == 201
    for _ in range(5):
        httpx.post(f"{system.url}/api/v1/session", json={"username": locked, "password": "Wrong#Guess2026"},
                   timeout=60)
    page.goto(f"{system.url}/accounts")
    row = page.locator("#accounts tbody tr", has_text=locked)
    expect(row).to_contain_text("已锁定至")
    no_sideways_scroll(page)
    # Nor does the table: its actions are in reach without scrolling it (a phone hid them once).
    assert page.evaluate("(t => t.scrollWidth <= t.clientWidth + 1)(document.querySelector('#accounts').parentElement)")
    # On a phone each account is a card further down: scrolled to, its button shows whole.
    row.get_by_role("button", name="解锁").scroll_into_view_if_needed()
    expect(row.get_by_role("button", name="解锁")).to_be_in_viewport(ratio=1)
    shot(page, f"accounts-{size}")
    row.get_by_role("button", name="解锁").click()
    expect(page.locator("#accounts tbody tr", has_text=locked)).not_to_contain_text("已锁定")
