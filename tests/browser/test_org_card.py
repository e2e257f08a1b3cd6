"""The organization card in a real browser: a wrong item is refused with its Chinese field
error and what was typed kept, a corrected save goes through, sorting swaps rows through htmx,
and the card prints without navigation or forms."""
from playwright.sync_api import expect

from tests.support.factories import code

from .conftest import log_in


def test_card_edit_shows_field_errors_and_prints_cleanly(system, api, root_id, phone):
    committee = api.post("/orgs", json={"name": "浏览器卡片党委", "code": code("W"), "type": "11",
                                        "parent_id": root_id}).json()["id"]
    branch = api.post("/orgs", json={"name": "浏览器卡片支部", "code": code("W"), "type": "31",
                                     "parent_id": committee}).json()["id"]
    api.post("/orgs", json={"name": "浏览器排序支部", "code": code("W"), "type": "31", "parent_id": committee})
    log_in(phone, system, api, root_id, f"card{code('')}")

    phone.goto(f"{system.url}/orgs/{branch}")
    expect(phone.locator("#card-form")).to_be_hidden()
    phone.get_by_text("编辑组织情况").click()
    form = phone.locator("#card-form")
    expect(form.locator("label.norm", has_text="隶属关系")).to_be_visible()  # required by the norms, marked
    form.get_by_label("邮政编码").fill("12ab")
    form.get_by_label("联系人").fill("赵六")
    form.get_by_role("button", name="保存").click()
    expect(phone.locator("#error-card-postcode")).to_have_text("邮政编码应为6位数字")
    expect(phone.locator("#form-error")).to_contain_text("邮政编码应为6位数字")
    # forms.js: the first refused control is brought into view with the focus, and points to its error
    postcode = phone.locator("#card-form").get_by_label("邮政编码")
    expect(postcode).to_be_focused()
    expect(postcode).to_have_attribute("aria-describedby", "error-card-postcode")
    expect(postcode).to_be_in_viewport()
    expect(phone.locator("#card-form").get_by_label("联系人")).to_have_value("赵六")
    assert api.get(f"/orgs/{branch}").json()["contact_person"] is None

    phone.locator("#card-form").get_by_label("邮政编码").fill("100000")
    phone.locator("#card-form").get_by_role("button", name="保存").click()
    expect(phone.locator('dd[data-field="postcode"]')).to_have_text("100000")
    expect(phone.locator('dd[data-field="contact_person"]')).to_have_text("赵六")

    # Printing: the stylesheet has a print medium that hides navigation and forms.
    assert phone.evaluate("""() => [...document.styleSheets].some(sheet => [...sheet.cssRules].some(
        rule => rule.media && rule.media.mediaText.includes('print')))""")
    phone.emulate_media(media="print")
    expect(phone.locator(".topbar")).to_be_hidden()
    expect(phone.locator(".sidebar")).to_be_hidden()
    expect(phone.locator("#card-actions")).to_be_hidden()
    expect(phone.locator("#org-title")).to_be_visible()
    expect(phone.locator("#unit-set")).to_be_visible()
    phone.emulate_media(media="screen")

    # Sorting on the parent's page swaps the rows without a page load (htmx).
    phone.goto(f"{system.url}/orgs/{committee}")
    rows = phone.locator("#children-list tbody tr")
    expect(rows.first).to_contain_text("浏览器卡片支部")
    phone.get_by_role("button", name="上移 浏览器排序支部").click()
    expect(rows.first).to_contain_text("浏览器排序支部")
