"""发展党员 in the annual report page and the 发展纪实 printouts, in a real browser on a desktop and
a 390-px phone, as the 党委's clerk: the applicant's card and the member card's 发展纪实 tab link
the PDF and the Excel (both served to the page's session); the report of the meeting's year shows
表13–15 and the applicants' table like the others, each scrolling inside its own box."""
from playwright.sync_api import expect

from tests.support.development import PATH, add_applicant, development_tree, upto, walk
from tests.support.factories import code
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot, shot_path


def test_the_record_links_and_the_development_tables(system, api, root_id, screen):
    page, size = screen
    tree = development_tree(api, root_id, f"浏览器纪实党委{code('')}", "浏览器纪实支部", ("纪实王", "纪实李"))
    committee, branch, full = tree["committee"], tree["branch"], tree["full"]
    accepted = add_applicant(api, branch, name="纪实接收")
    member_id = walk(api, full, accepted, PATH)["member_id"]
    activist = add_applicant(api, branch, name="纪实积极分子")
    walk(api, full, activist, upto("candidate"))
    wait_for(lambda: next(t for t in api.get(f"/orgs/{committee}/reports/2023").json()["tables"]
                          if t["key"] == "t14")["rows"][0]["cells"]["total"], lambda n: n == 1, what="表14")
    log_in(page, system, api, committee, f"jsb{code('')}".lower())

    page.goto(f"{system.url}/applicants/{activist}")
    expect(page.locator("#record-pdf")).to_have_attribute("href", f"/api/v1/applicants/{activist}/record.pdf")
    expect(page.locator("#record-xlsx")).to_have_attribute("href", f"/api/v1/applicants/{activist}/record.xlsx")
    pdf = page.request.get(f"{system.url}/api/v1/applicants/{activist}/record.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    page.locator("#record-pdf").scroll_into_view_if_needed()
    no_sideways_scroll(page)
    shot(page, f"development-record-links-{size}")

    page.goto(f"{system.url}/members/{member_id}#tab-development")
    expect(page.locator("#tab-development #record-pdf")).to_have_attribute(
        "href", f"/api/v1/applicants/{accepted}/record.pdf")
    xlsx = page.request.get(f"{system.url}/api/v1/applicants/{accepted}/record.xlsx")
    assert xlsx.status == 200 and xlsx.body()[:2] == b"PK"
    shot(page, f"development-member-record-{size}")

    page.goto(f"{system.url}/orgs/{committee}/reports/2023")
    for key, title in (("t13", "预备党员转正"), ("t14", "发展党员（一）"), ("t15", "发展党员（二）"),
                       ("applicants", "入党申请人、入党积极分子和发展对象")):
        expect(page.locator(f"#table-{key} caption")).to_contain_text(title)
    expect(page.locator("#cell-t14-total-total")).to_have_text("1")
    expect(page.locator("#cell-t13-total-probationary_end")).to_have_text("1")
    expect(page.locator("#cell-applicants-total-activists")).to_have_text("1")
    page.locator("#table-t13").scroll_into_view_if_needed()
    no_sideways_scroll(page)
    shot(page, f"report-development-tables-{size}")
    page.locator("#table-applicants").screenshot(path=str(shot_path(f"report-applicants-table-{size}")))
