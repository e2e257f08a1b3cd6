"""The 综合查询 condition builder in a browser (a phone's width): choosing a field brings its
operator and value inputs, rows and blocks are added and removed in place (htmx), and the query
"(性别 女 并且 民族 回族) 或者 姓名 开头是 乙" finds exactly its members; a sort link keeps it."""
from datetime import date

from playwright.sync_api import expect

from tests.support.factories import code, id_number, member_data

from .conftest import log_in, wait_until


def htmx(page, path: str, action) -> None:
    """Do `action`, which makes htmx fetch `path`, and wait until the answer is swapped in and
    processed (a value chosen earlier would be overwritten, a new input would not answer yet)."""
    with page.expect_response(lambda response: path in response.url):
        action()
    # A function, not an expression: Playwright evals an expression in the page, which the CSP refuses.
    wait_until(page, "document.querySelectorAll('.htmx-request, .htmx-added, .htmx-settling').length === 0")


def test_build_run_and_sort_a_query(system, api, root_id, phone):
    branch = api.post("/orgs", json={"name": "查询页面支部", "code": code("QB"), "type": "31",
                                     "parent_id": root_id}).json()["id"]
    for name, female, ethnicity, birth in (("页甲", True, "回族", date(1960, 1, 1)),
                                           ("页乙", False, "汉族", date(1970, 1, 1)),
                                           ("页丙", True, "汉族", date(1980, 1, 1)),
                                           ("乙页丁", False, "汉族", date(1990, 1, 1))):
        api.post("/members", json=member_data(branch, name=name, ethnicity=ethnicity,
                                              id_number=id_number(birth, female=female)))
    log_in(phone, system, api, branch, f"qbr{code('')}")
    phone.goto(f"{system.url}/query")
    phone.evaluate("window.__same_page = true")

    first = phone.locator(".cond").first
    htmx(phone, "/query/inputs", lambda: first.get_by_label("查询项").select_option(label="性别"))
    htmx(phone, "/query/inputs", lambda: first.get_by_label("运算符").select_option(label="不等于"))
    htmx(phone, "/query/inputs", lambda: first.get_by_label("运算符").select_option(label="等于"))
    first.get_by_label("值").select_option(label="女")
    htmx(phone, "/query/row", lambda: phone.get_by_role("button", name="＋添加条件").first.click())
    expect(phone.locator(".cond")).to_have_count(2)
    second = phone.locator(".cond").nth(1)
    htmx(phone, "/query/inputs", lambda: second.get_by_label("查询项").select_option(label="民族"))
    second.get_by_label("值").select_option(label="回族")

    # A mistaken third row, removed again.
    htmx(phone, "/query/row", lambda: phone.get_by_role("button", name="＋添加条件").first.click())
    expect(phone.locator(".cond")).to_have_count(3)
    phone.locator(".cond").nth(2).get_by_role("button", name="删除").click()
    expect(phone.locator(".cond")).to_have_count(2)

    htmx(phone, "/query/block", lambda: phone.get_by_role("button", name="＋添加条件组").click())
    expect(phone.locator(".block")).to_have_count(2)
    third = phone.locator(".block").nth(1).locator(".cond").first
    htmx(phone, "/query/inputs", lambda: third.get_by_label("查询项").select_option(label="姓名"))
    htmx(phone, "/query/inputs", lambda: third.get_by_label("运算符").select_option(label="开头是"))
    third.get_by_label("值").fill("乙")
    phone.get_by_label("条件组之间的关系").select_option(label="或者")
    assert phone.evaluate("window.__same_page") is True  # every change so far was in place

    phone.get_by_role("button", name="查询", exact=True).click()
    expect(phone.locator("#results-title")).to_contain_text("查询结果（2）")
    expect(phone.locator("#query-results")).to_contain_text("页甲")
    expect(phone.locator("#query-results")).to_contain_text("乙页丁")
    expect(phone.locator("#results-title + .hint")).to_have_text(
        "（性别 等于 女 并且 民族 等于 回族） 或者 姓名 开头是 乙")

    phone.get_by_role("link", name="出生日期").click()
    expect(phone.locator("#query-results tbody tr").first).to_contain_text("页甲")
    phone.get_by_role("link", name="出生日期 ▲").click()
    expect(phone.locator("#query-results tbody tr").first).to_contain_text("乙页丁")
    expect(phone.locator(".block")).to_have_count(2)  # the builder shows the query it ran
