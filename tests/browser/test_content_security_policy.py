"""The main pages under the Content-Security-Policy in a real browser: home, organization card,
member card (with a photo uploaded straight to object storage and shown), query builder and the
annual report. Any CSP violation (inline script or style, htmx's injected style, eval, a photo or
upload origin the policy forgot) fails the test."""
import io
from datetime import date

import pytest
from PIL import Image
from playwright.sync_api import expect

from ..support.api import create_org
from ..support.factories import code, member_data
from .conftest import log_in

# Violations are recorded from the page's own event, and Chromium also reports each on the console.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(30000)  # the shared 2-core VM is slow at times
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.console_messages = console
    yield page
    context.close()


def violations(page) -> list[str]:
    from_console = [text for text in page.console_messages
                    if "Content Security Policy" in text or "securitypolicyviolation" in text]
    return from_console + page.evaluate("window.__csp || []")


# Inline handlers only violate the policy when they run; find them in the DOM instead.
INLINE_CODE = """
[...document.querySelectorAll("*")].flatMap((el) => [...el.attributes]
  .filter((a) => a.name.startsWith("on") || a.name.startsWith("hx-on") || a.name === "style")
  .map((a) => `${el.tagName} ${a.name}`))
"""


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert violations(page) == [], url
    assert page.evaluate(INLINE_CODE) == [], url


def small_jpeg(tmp_path) -> str:
    path = tmp_path / "photo.jpg"
    out = io.BytesIO()
    Image.new("RGB", (300, 400), (180, 40, 40)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_main_pages_run_without_csp_violations(system, api, root_id, desktop, tmp_path):
    page = desktop
    branch = create_org(api, root_id, "安全策略支部")
    member = api.post("/members", json=member_data(branch, name="安全策略党员")).json()["id"]
    log_in(page, system, api, root_id, f"csp{code('')}".lower())

    visit(page, f"{system.url}/")
    expect(page.locator(".tree li").first).to_be_visible()  # the htmx-loaded tree ran

    visit(page, f"{system.url}/orgs/{branch}")

    visit(page, f"{system.url}/members/{member}")
    page.locator("#photo-input").set_input_files(small_jpeg(tmp_path))
    page.locator("#photo-form").get_by_role("button", name="上传").click()
    expect(page.locator("#member-photo")).to_be_visible(timeout=30000)  # uploaded, completed, reloaded
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.getElementById('member-photo').naturalWidth") > 0  # shown from storage
    assert violations(page) == []

    visit(page, f"{system.url}/query")
    rows = page.locator(".cond")
    before = rows.count()
    page.get_by_role("button", name="＋添加条件").first.click()
    expect(rows).to_have_count(before + 1)
    # The remove buttons work without hx-on (inline code the policy refuses).
    rows.last.locator("button.remove").click()
    expect(rows).to_have_count(before)
    assert violations(page) == []

    visit(page, f"{system.url}/orgs/{branch}/reports/{date.today().year}")
    assert violations(page) == []
