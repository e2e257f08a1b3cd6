"""移动 on the organization card in a real browser: a bad target is refused with its Chinese
error beside the field (the focus brought there), the move asks first, and after it the
organization sits under its new parent in the tree. Screenshots at desktop and phone width (the
`screen` fixture) go to PMIS_SHOTS for a person to look at."""
from datetime import date

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code

from .conftest import log_in, no_sideways_scroll, shot
from .test_confirm import answer

SLOW = 30000  # ms: each tree level arrives through htmx


def test_move_through_the_form(system, api, root_id, screen):
    page, size = screen
    committee = create_org(api, root_id, f"移动页党委{size}", "党委")
    source = create_org(api, committee, f"移动页甲总支{size}", "党总支")
    target_code = code("MV")
    target = api.post("/orgs", json={"name": f"移动页乙总支{size}", "code": target_code, "type": "21",
                                     "parent_id": committee}).json()["id"]
    branch = create_org(api, source, f"移动页支部{size}")
    log_in(page, system, api, committee, f"mvadm{code('')}".lower())
    page.goto(f"{system.url}/orgs/{branch}")

    page.get_by_text("移动", exact=True).click()
    form = page.locator("#move-form")
    form.get_by_label("新的上级党组织代码").fill("NO-SUCH-CODE")
    form.get_by_label("移动日期").fill(date.today().isoformat())
    form.get_by_label("移动原因").fill("隶属关系调整")
    answer(page, accept=True)
    form.get_by_role("button", name="确认移动").click()
    error = page.locator("#error-move-parent_code")
    expect(error).to_have_text("新的上级党组织代码：没有代码为“NO-SUCH-CODE”的党组织")
    field = page.locator("#move-form").get_by_label("新的上级党组织代码")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-describedby", "error-move-parent_code")
    expect(page.locator("#move-form").get_by_label("移动原因")).to_have_value("隶属关系调整")
    no_sideways_scroll(page)
    shot(page, f"org-move-refused-{size}")
    assert api.get(f"/orgs/{branch}").json()["parent_id"] == source

    # Cancelling the confirmation moves nothing; accepting moves it.
    field.fill(target_code)
    messages = answer(page, accept=False)
    page.locator("#move-form").get_by_role("button", name="确认移动").click()
    assert messages and "确认移动党组织" in messages[0]
    assert api.get(f"/orgs/{branch}").json()["parent_id"] == source
    answer(page, accept=True)
    page.locator("#move-form").get_by_role("button", name="确认移动").click()
    expect(page.locator("#flash")).to_be_visible()
    assert api.get(f"/orgs/{branch}").json()["parent_id"] == target

    # The tree opens to the organization, now under its new parent.
    node = page.locator(f'.sidebar li.node[data-org-id="{branch}"]')
    expect(node).to_be_attached(timeout=SLOW)
    parent = node.locator("xpath=ancestor::li[contains(@class,'node')][1]")
    expect(parent).to_have_attribute("data-org-id", str(target), timeout=SLOW)
    no_sideways_scroll(page)
    shot(page, f"org-move-{size}")
