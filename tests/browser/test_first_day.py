"""A new staff member's first session, in a real browser on a phone-sized screen: log in,
change the initial password, create an organization and a member, upload the member's photo,
and see the member counted in the organization's statistics."""
import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from ..support.factories import code, id_number
from .conftest import wait_until

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def jpeg_photo() -> bytes:
    image = Image.new("RGB", (600, 800), (200, 40, 40))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def test_first_day_on_a_phone(system, api, root_id, phone):
    username = f"zhang{code('')}"
    initial, final = "Init#Pass2026x", "Brand#New2026y"
    created = api.post("/accounts", json={"username": username, "password": initial, "org_id": root_id})
    assert created.status_code == 201, created.text
    ARTIFACTS.mkdir(exist_ok=True)
    page = phone

    page.goto(f"{system.url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(initial)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    page.get_by_label("原密码").fill(initial)
    page.get_by_label("新密码", exact=True).fill(final)
    page.get_by_label("确认新密码").fill(final)
    page.get_by_role("button", name="确定").click()
    expect(page.locator("#home-title")).to_be_visible()  # the home page: reminders of the own organization
    page.locator("#enter-org").click()
    expect(page.locator("#org-title")).to_be_visible()

    page.get_by_text("新建下级党组织").click()
    org_form = page.locator("form[action$='/children']")
    org_form.get_by_label("名称").fill("浏览器测试党支部")
    org_form.get_by_label("党组织代码").fill(code("B"))
    org_form.get_by_label("党组织类别").select_option(label="党支部")
    org_form.get_by_role("button", name="保存").click()
    expect(page.locator("#org-title")).to_have_text("浏览器测试党支部")
    org_url = page.url

    page.get_by_text("新增党员").click()
    member_form = page.locator("form[action$='/members']")
    member_form.get_by_label("姓名").fill("王小红")
    member_form.get_by_label("公民身份号码").fill(id_number(female=True))
    member_form.get_by_label("民族").select_option(label="回族")
    member_form.get_by_label("党员类别").select_option(label="预备党员")
    member_form.get_by_label("入党日期").fill("2025-07-01")
    member_form.get_by_role("button", name="保存").click()
    expect(page.locator("#member-title")).to_have_text("王小红")
    expect(page.locator(".member-card .fields").get_by_text("回族")).to_be_visible()  # not the edit form's option
    expect(page.locator("#member-status")).to_have_text("在册")
    expect(page.locator("#member-photo-empty")).to_be_visible()

    page.locator("#photo-input").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": jpeg_photo()}])
    page.get_by_role("button", name="上传").click()
    photo = page.locator("img#member-photo")
    expect(photo).to_be_visible()
    wait_until(page, "document.getElementById('member-photo').naturalWidth > 0")
    page.screenshot(path=str(ARTIFACTS / "browser-member-card.png"), full_page=True)

    page.goto(org_url)
    total = page.locator("[data-stat='total']")
    for _ in range(50):  # the count arrives through the outbox and the stats service
        if total.inner_text() == "1":
            break
        page.wait_for_timeout(200)
        page.reload()
    expect(total).to_have_text("1")
    expect(page.locator("[data-stat='category-02']")).to_have_text("1")
    expect(page.locator("[data-stat='sex-2']")).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "页面在手机宽度下出现横向滚动"
    page.screenshot(path=str(ARTIFACTS / "browser-org-card.png"), full_page=True)
