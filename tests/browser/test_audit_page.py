"""操作日志 page (/audit) on a desktop and a 390-px phone: a member edit's entry reads before → after
with names, the filters work, the member card links to its own log, nothing scrolls sideways."""
from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot


def test_the_audit_page_shows_a_members_changes(system, api, root_id, screen):
    page, size = screen
    branch = create_org(api, root_id, f"日志页面支部{code('')}")
    member_id = api.post("/members", json=member_data(branch, name="页面日志党员", ethnicity="汉族")).json()["id"]
    card = api.get(f"/members/{member_id}").json()
    assert api.patch(f"/members/{member_id}", json={"version": card["version"], "ethnicity": "满族",
                                                    "name": "页面日志党员乙"}).status_code == 200
    wait_for(lambda: api.get("/audit", params={"entity": "member", "entity_id": member_id}).json()["items"],
             lambda items: any(e["action"] == "修改基本信息" for e in items), what="党员修改的日志")
    log_in(page, system, api, root_id, f"auditpage{code('')}".lower())
    page.goto(f"{system.url}/members/{member_id}")
    page.locator("#audit-link").click()
    page.wait_for_url(f"**/audit?entity=member&entity_id={member_id}")
    table = page.locator("#audit-entries")
    edit = table.locator("tr", has_text="修改基本信息")
    assert "汉族 → 满族" in edit.inner_text() and "页面日志党员 → 页面日志党员乙" in edit.inner_text()
    assert table.locator("tr", has_text="新增党员").count() == 1
    no_sideways_scroll(page)
    shot(page, f"audit-{size}")
    page.get_by_label("操作", exact=True).fill("新增")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**kind=**")
    assert table.locator("tr", has_text="修改基本信息").count() == 0
    assert table.locator("tr", has_text="新增党员").count() == 1
    assert page.locator("#audit-export").get_attribute("href").startswith("/api/v1/audit.xlsx?")
