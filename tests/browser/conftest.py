"""Debian's Chromium driven by Playwright (no browser download: executable_path)."""
import os
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

# A form post answered by a redirect and a full page took more than expect()'s 5 s once in CI, with
# the 2-core machine shared by two test workers; a passing assertion still returns at once.
expect.set_options(timeout=15_000)

# Without the background-networking flags Chromium keeps dialling out, and this network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("PMIS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("未找到 Chromium：请安装 Debian 的 chromium 软件包（.ci/run 会安装）")
    return path


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A 390-px-wide phone screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def log_in(page, system, api, org_id: int, username: str, password: str = "Ready#Pass2026b") -> None:
    """A fresh account bound to `org_id`, logged in through the pages, past its first password change."""
    initial = "Init#Pass2026b"
    assert api.post("/accounts", json={"username": username, "password": initial, "org_id": org_id}).status_code == 201
    page.goto(f"{system.url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(initial)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("原密码").fill(initial)
    page.get_by_label("新密码", exact=True).fill(password)
    page.get_by_label("确认新密码").fill(password)
    page.get_by_role("button", name="确定").click()
    page.wait_for_url(f"{system.url}/")


# Screenshots for a person to look at (the file-view tool shows PNGs).
SHOTS = Path(os.environ.get("PMIS_SHOTS") or Path(__file__).resolve().parents[2] / "test-artifacts" / "shots")


# The flows run at the phone's width, where a layout breaks first; every shot is also taken at the
# desktop's (`shot`), and test_contrast renders every page at 1280 px. Driving each flow a second
# time at the desktop's width doubled the browser suite's time for little more:
# PMIS_ALL_SCREENS=1 still does it.
SCREENS = [(1366, 900), (390, 844)] if os.environ.get("PMIS_ALL_SCREENS") == "1" else [(390, 844)]
DESKTOP, PHONE = "1366x900", "390x844"


@pytest.fixture(params=SCREENS, ids=lambda size: "desktop" if size[0] > 600 else "phone")
def screen(browser, request):
    """A phone (390x844) page, and with PMIS_ALL_SCREENS=1 a desktop (1366x900) one before it;
    yields (page, "WxH")."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  is_mobile=width < 600, has_touch=width < 600)
    page = context.new_page()
    page.set_default_timeout(30000)  # a 2-core machine shared with other work
    yield page, f"{width}x{height}"
    context.close()


def shot_path(name: str):
    """Where a screenshot named `name` goes (an element's shot: `locator.screenshot(path=…)`)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}.png"


def shot(page, name: str) -> None:
    """A full-page shot; a phone's named "…390x844…" is also taken at the desktop's width, as
    "…1366x900…", and the page is given back its phone width."""
    page.screenshot(path=str(shot_path(name)), full_page=True)
    if PHONE in name and "PMIS_ALL_SCREENS" not in os.environ:
        phone_size = page.viewport_size
        page.set_viewport_size({"width": 1366, "height": 900})
        page.screenshot(path=str(shot_path(name.replace(PHONE, DESKTOP))), full_page=True)
        page.set_viewport_size(phone_size)


def generate_and_correct(page, cell: str, value: str, reason: str) -> None:
    """On a report page: 生成 the report (a draft), then 录改 `cell` ("table:row:column") to
    `value`, and wait until the cell shows it."""
    page.locator("#generate").click()
    expect(page.locator("#report-status")).to_have_text("草稿")
    form = page.locator("#correct-form")
    form.get_by_label("单元格").select_option(cell)
    form.get_by_label("新数值").fill(value)
    form.get_by_label("录改原因").fill(reason)
    form.get_by_role("button", name="保存录改").click()
    expect(page.locator("#cell-" + cell.replace(":", "-"))).to_have_text(value)


def wait_until(page, expression: str, timeout: float = 30.0) -> None:
    """Poll a JavaScript expression from here until it is truthy. Playwright's wait_for_function
    polls inside the page with a compiled function, which the pages' CSP (no 'unsafe-eval')
    refuses as soon as the first check is false; page.evaluate is not affected."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting in the page for: {expression}")
        time.sleep(0.1)


# The page has loaded and htmx has swapped in what it loads by itself (the layout's tree): cheaper
# than Playwright's networkidle, which always waits a further half second of silence.
SETTLED = """document.readyState === 'complete' && !document.querySelector('.htmx-request')
  && ![...document.querySelectorAll('[hx-trigger="load"]')].some(el => el.querySelector(':scope > li.muted'))"""


def settle(page, timeout: float = 30.0) -> None:
    wait_until(page, SETTLED, timeout)


def no_sideways_scroll(page) -> None:
    """The page itself never scrolls sideways (a wide table scrolls inside its own box)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
