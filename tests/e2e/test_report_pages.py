"""The annual report page: reached from the organization page, the year and organization
selector, the tables in the official layout with an id on every cell, check results linking
to those cells, 直统/录改 (a refusal shows the message and keeps what was typed)/报表说明/上报
forms with their CSRF tokens, history, charts, the subordinates not yet submitted, 比对."""
import re
from datetime import date

import pytest

from tests.support.api import create_org
from tests.support.factories import member_data
from tests.support.helpers import csrf_of, wait_for

YEAR = date.today().year


@pytest.fixture(scope="module")
def committee(api, root_id) -> dict:
    """A committee with two branches; branch 一 has two members (one developed this year)."""
    top = create_org(api, root_id, "页面年报党委", "党委")
    first, second = create_org(api, top, "页面年报一支部"), create_org(api, top, "页面年报二支部")
    for joined in ("2010-07-01", f"{YEAR}-01-15"):
        assert api.post("/members", json=member_data(first, joined_on=joined)).status_code == 201
    wait_for(lambda: api.get(f"/orgs/{first}/reports/{YEAR}").json()["year_end_total"], lambda n: n == 2,
             what="一支部年报")
    return {"top": top, "first": first, "second": second}


def forms_have_csrf(html: str) -> bool:
    forms = re.findall(r'<form method="post".*?</form>', html, flags=re.S)
    return bool(forms) and all('name="csrf_token"' in form for form in forms)


def test_the_org_page_links_to_the_report_and_the_selector_redirects(browser_session, committee):
    org_page = browser_session.get(f"/orgs/{committee['first']}")
    assert f'href="/orgs/{committee["first"]}/reports"' in org_page.text
    home = browser_session.get(f"/orgs/{committee['first']}/reports")
    assert home.status_code == 303 and home.headers["location"] == f"/orgs/{committee['first']}/reports/{YEAR}"
    chosen = browser_session.get(f"/orgs/{committee['first']}/reports",
                                 params={"year": YEAR - 1, "org": committee["top"]})
    assert chosen.headers["location"] == f"/orgs/{committee['top']}/reports/{YEAR - 1}"


def test_the_page_shows_the_tables_in_the_official_layout(browser_session, committee):
    page = browser_session.get(f"/orgs/{committee['first']}/reports/{YEAR}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "未生成" in html and 'id="generate"' in html and 'id="submit"' not in html
    assert '<caption>表1 两年党员数综合比较</caption>' in html
    assert '<th scope="col" colspan="5" rowspan="1">增加党员</th>' in html
    assert '<th scope="col" colspan="1" rowspan="2">上年底党员总数</th>' in html
    assert re.search(r'id="cell-t1-total-year_end" class="num">2</td>', html)
    assert re.search(r'id="cell-t1-total-increase_develop" class="num">1</td>', html)
    assert f'<option value="{YEAR}" selected>' in html and "页面年报一支部（本组织及下级）" in html
    assert '<svg class="chart"' in html and "<script" not in html.split("<main", 1)[1]
    assert "@media print" in browser_session.get("/static/pmis.css").text


def test_generate_then_a_bad_correction_shows_the_message_and_keeps_the_input(browser_session, committee):
    base = f"/orgs/{committee['first']}/reports/{YEAR}"
    page = browser_session.get(base)
    generated = browser_session.post(base + "/generate", data={"csrf_token": csrf_of(page.text)})
    assert generated.status_code == 303 and generated.headers["location"] == base
    page = browser_session.get(base)
    assert "草稿" in page.text and 'id="correct-form"' in page.text and forms_have_csrf(page.text)
    refused = browser_session.post(base + "/corrections", data={
        "csrf_token": csrf_of(page.text), "cell": "t1:total:year_end", "value": "-4", "reason": "多录一人"})
    assert refused.status_code == 400
    assert "不能为负数" in refused.text and 'value="-4"' in refused.text and 'value="多录一人"' in refused.text
    # named by its label beside the control, which points to it, and linked from the summary
    error = re.search(r'<span class="field-error" id="error-correct-value">([^<]*)</span>', refused.text).group(1)
    assert error.startswith("新数值：") and f'<a href="#correct-value">{error}</a>' in refused.text
    assert 'id="correct-value" aria-invalid="true" aria-describedby="error-correct-value"' in refused.text
    for cell in ("decrease_other", "decrease_total"):  # one other decrease: the sum holds, the end does not
        saved = browser_session.post(base + "/corrections", data={
            "csrf_token": csrf_of(page.text), "cell": f"t1:total:{cell}", "value": "1", "reason": "漏统一人"})
        assert saved.status_code == 303
    page = browser_session.get(base).text
    assert re.search(r'id="cell-t1-total-decrease_total" class="num flag-error">1</td>', page)
    assert re.search(r'id="cell-t1-total-difference" class="num flag-error">1</td>', page)
    assert 'href="#cell-t1-total-difference"' in page and "须在报表说明中说明原因" in page
    history = page[page.index('id="report-history"'):]
    assert "录改" in history and "0 → 1（原因：漏统一人）" in history
    again = browser_session.post(base + "/corrections", data={  # the same figure again, then taken back
        "csrf_token": csrf_of(page), "cell": "t1:total:decrease_other", "value": "1", "reason": "重复录入"})
    assert again.status_code == 303
    page = browser_session.get(base).text
    last = max(int(n) for n in re.findall(r'id="undo-correction-(\d+)"', page))
    undone = browser_session.post(base + "/corrections/undo", data={"csrf_token": csrf_of(page),
                                                                     "correction_id": str(last)})
    assert undone.status_code == 303
    page = browser_session.get(base).text
    assert f'id="undo-correction-{last}"' not in page and "（已撤销）" in page and "撤销录改" in page
    refused = browser_session.post(base + "/cover", data={"csrf_token": csrf_of(page), "preparer": "王干事",
                                                          "phone": "无", "reported_on": ""})
    assert refused.status_code == 400 and "联系电话只能含数字" in refused.text and 'value="王干事"' in refused.text
    filled = browser_session.post(base + "/cover", data={"csrf_token": csrf_of(page), "preparer": "王干事",
                                                         "phone": "0371-7654321", "reported_on": ""})
    assert filled.status_code == 303
    page = browser_session.get(base).text
    assert '<dd id="cover-preparer">王干事</dd>' in page and "填写封面" in page[page.index('id="report-history"'):]


def test_explain_and_submit_then_the_parent_sees_it_and_the_unsubmitted_branch(browser_session, committee):
    base = f"/orgs/{committee['first']}/reports/{YEAR}"
    page = browser_session.get(base).text
    refused = browser_session.post(base + "/submit", data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 409 and "校核未通过" in refused.text
    explained = browser_session.post(base + "/explanation", data={"csrf_token": csrf_of(page),
                                                                  "explanation": "一名党员组织关系尚未转入"})
    assert explained.status_code == 303
    page = browser_session.get(base).text
    assert "已说明" in page and 'id="submit"' in page
    assert browser_session.post(base + "/submit", data={"csrf_token": csrf_of(page)}).status_code == 303
    page = browser_session.get(base).text
    assert "已上报" in page and 'id="accept"' in page and 'id="correct-form"' not in page
    parent = browser_session.get(f"/orgs/{committee['top']}/reports/{YEAR}").text
    subordinates = parent[parent.index('id="subordinates"'):]
    assert "1 个未上报" in subordinates and re.search(r'class="unsubmitted"><td><a [^>]*>页面年报二支部', subordinates)
    returned = browser_session.post(base + "/return", data={"csrf_token": csrf_of(page), "comment": ""})
    assert returned.status_code == 400 and "退回时须填写退回意见" in returned.text


def test_the_comparison_page_highlights_changes(browser_session, committee):
    page = browser_session.get(f"/orgs/{committee['first']}/reports/{YEAR}/comparison")
    assert page.status_code == 200
    assert f"{YEAR}年与{YEAR - 1}年比对" in page.text
    assert re.search(r'id="cmp-t1-total-increase_develop" class="num changed"><span class="this">1</span>'
                     r'<span class="last">0</span><span class="delta">\+1</span>', page.text)


def test_a_bad_year_is_an_error_page_in_chinese(browser_session, committee):
    page = browser_session.get(f"/orgs/{committee['first']}/reports/abcd")
    assert page.status_code == 400 and "年份无效" in page.text


def test_a_stopped_membership_links_from_the_checks_to_its_name_list_page(api, browser_session, root_id):
    top = create_org(api, root_id, "名单页面党委", "党委")
    branch = create_org(api, top, "名单页面支部")
    member = api.post("/members", json=member_data(branch, name="停籍甲", joined_on="2012-07-01")).json()
    assert api.post(f"/members/{member['id']}/leave",
                    json={"kind": "停止党籍", "date": f"{YEAR}-02-01", "reason": "长期失联"}).status_code == 200
    page = wait_for(lambda: browser_session.get(f"/orgs/{top}/reports/{YEAR}").text,
                    lambda html: 'id="name-list-suspended"' in html, what="the name-list note")
    assert f'href="/orgs/{top}/reports/{YEAR}/name-lists/suspended"' in page
    names = browser_session.get(f"/orgs/{top}/reports/{YEAR}/name-lists/suspended")
    assert names.status_code == 200 and f"{YEAR}年停止党籍党员名单（1）" in names.text
    assert "停籍甲" in names.text and f"{YEAR}-02-01" in names.text and 'id="name-list-export"' in names.text
    bad = browser_session.get(f"/orgs/{top}/reports/{YEAR}/name-lists/everyone")
    assert bad.status_code == 400 and "名单类别无效" in bad.text
