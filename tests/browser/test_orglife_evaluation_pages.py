"""民主评议情况 in a real browser, desktop and phone: a committee's secretary sees the committee and its
branches with their status, opens a branch, keeps its dates (an end before the start is refused
beside the field), closes it, and reaches it from the year's 民主评议党员 meeting. Every page is shot
and scrolls only inside its tables."""
from datetime import date

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data

from .conftest import log_in, no_sideways_scroll, shot

YEAR = date.today().year - 1


def test_the_committee_list_and_a_branch_record(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    committee = create_org(api, root_id, f"评议页面党委{tag}", "党委")
    branch = create_org(api, committee, f"评议页面第一支部{tag}")
    create_org(api, committee, f"评议页面第二支部{tag}")
    people = []
    for name, value in (("赵一", "优秀"), ("钱二", "合格"), ("孙三", "合格"), ("李四", None)):
        created = api.post("/members", json=member_data(branch, name=name))
        assert created.status_code == 201, created.text
        member = api.get(f"/members/{created.json()['id']}").json()
        people.append(member["id"])
        if value:
            added = api.post(f"/members/{member['id']}/info/evaluations",
                             json={"version": member["version"], "year": YEAR, "grade": value})
            assert added.status_code == 201, added.text
    meeting = api.post(f"/orgs/{branch}/meetings", json={
        "kind": "民主评议党员", "held_at": f"{YEAR}-12-10T09:00", "place": "活动室", "host": "赵一", "recorder": "钱二",
        "topic": "年度民主评议", "attendees": people[:3], "absentees": [{"member_id": people[3], "reason": "病假"}]})
    assert meeting.status_code == 201, meeting.text
    log_in(page, system, api, committee, f"ev{tag}".lower())

    page.goto(f"{system.url}/orgs/{committee}/org-life?year={YEAR}")
    page.locator("#orglife-links").get_by_role("link", name="民主评议").click()
    overview = page.locator("#evaluation-overview")
    expect(overview.locator(f'tr[data-org="{committee}"] td[data-label="支部数"]')).to_have_text("2")
    expect(overview.locator(f'tr[data-org="{branch}"] td[data-label="状态"]')).to_contain_text("未开展")
    expect(overview.locator(f'tr[data-org="{branch}"] td[data-label="实参评"]')).to_have_text("3")
    no_sideways_scroll(page)
    shot(page, f"orglife-evaluation-list-{size}")

    overview.get_by_role("link", name=f"评议页面第一支部{tag}").click()
    expect(page.locator("#count-expected")).to_have_text("4")
    expect(page.locator("#count-grade-1")).to_have_text("1")
    expect(page.locator("#evaluation-warnings")).to_contain_text("1名应参评党员尚无")
    expect(page.locator("#evaluation-meetings")).to_contain_text("年度民主评议")
    page.get_by_label("开展日期").fill(f"{YEAR}-12-01")
    page.get_by_label("结束日期（评议结束后填写）").fill(f"{YEAR}-11-20")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#error-evaluation-ended_on")).to_contain_text("不能早于开展日期")
    no_sideways_scroll(page)
    shot(page, f"orglife-evaluation-refused-{size}")
    page.get_by_label("结束日期（评议结束后填写）").fill(f"{YEAR}-12-20")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#flash")).to_have_text("已保存民主评议情况")
    expect(page.locator("#evaluation-status")).to_have_text("已完成")
    expect(page.locator("#evaluation-members")).to_contain_text("未录入")
    no_sideways_scroll(page)
    shot(page, f"orglife-evaluation-branch-{size}")

    page.goto(f"{system.url}/meetings/{meeting.json()['id']}")
    page.locator("#evaluation-link").get_by_role("link", name=f"{YEAR}年度民主评议情况").click()
    expect(page.locator("#evaluation-status")).to_have_text("已完成")
