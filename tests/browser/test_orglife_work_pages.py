"""组织生活's second slice in a real browser, desktop and phone: a branch secretary changes a signed
record (refused without a reason, then with it; the history shows the reason), voids another (asks
first; the record stays, marked), saves the yearly plan from the frequencies' template, reads the
members' attendance rates, sees what is due on the home page and on 工作督查, and a member's
attendance history on the member card. Every page is shot and scrolls only inside its tables."""
from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data

from .conftest import log_in, no_sideways_scroll, shot


def test_edit_void_plan_attendance_and_reminders(system, api, root_id, screen):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())
    tag = code("")
    branch = create_org(api, root_id, f"页面督查支部{tag}")
    people = [api.post("/members", json=member_data(branch, name=name)).json()["id"] for name in ("周一", "吴二")]
    held = (datetime.now() - timedelta(days=1)).replace(hour=15, minute=0)

    def meeting(minute: int, topic: str) -> int:
        created = api.post(f"/orgs/{branch}/meetings", json={
            "kind": "支部党员大会", "held_at": held.replace(minute=minute).strftime("%Y-%m-%dT%H:%M"),
            "place": "活动室", "host": "周一", "recorder": "吴二", "topic": topic, "attendees": [people[0]],
            "absentees": [{"member_id": people[1], "reason": "出差"}]})
        assert created.status_code == 201, created.text
        return created.json()["id"]
    signed, wrong = meeting(0, "学习党章"), meeting(5, "误录的会议")
    for role in ("host", "recorder"):
        assert api.post(f"/meetings/{signed}/sign", json={"role": role}).status_code == 200
    log_in(page, system, api, branch, f"ow{tag}".lower())

    expect(page.locator("#home-orglife")).to_contain_text("组织生活提醒")
    shot(page, f"orglife-home-due-{size}")

    page.goto(f"{system.url}/meetings/{signed}")
    page.locator("#edit-meeting").click()
    expect(page.locator("#edit-title")).to_have_text("修改组织生活记录")
    page.get_by_label("会议主题").fill("学习贯彻党章")
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator("#form-error")).to_contain_text("修改原因")
    shot(page, f"orglife-meeting-edit-{size}")
    no_sideways_scroll(page)
    page.get_by_label("修改原因").fill("主题记录有误")
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator("#flash")).to_have_text("已保存修改")
    expect(page.locator("#meeting-title")).to_contain_text("学习贯彻党章")
    expect(page.locator("#meeting-history")).to_contain_text("原因：主题记录有误")

    page.goto(f"{system.url}/meetings/{wrong}")
    page.get_by_label("作废原因").fill("重复录入")
    page.locator("#void-button").click()
    expect(page.locator("#flash")).to_have_text("已作废")
    expect(page.locator("#void-note")).to_contain_text("重复录入")
    expect(page.locator("#edit-meeting")).to_have_count(0)
    shot(page, f"orglife-meeting-voided-{size}")

    page.goto(f"{system.url}/orgs/{branch}/org-life?year={held.year}")
    expect(page.locator("#meeting-list")).to_contain_text("已作废")
    expect(page.locator('#summary-table tr[data-kind="11"] td[data-label="已开展"]')).to_have_text("1")
    page.locator("#orglife-links").get_by_role("link", name="年度计划").click()
    expect(page.locator("#plan-progress")).to_contain_text("尚未制定计划")
    page.get_by_role("button", name="保存计划").click()
    expect(page.locator("#flash")).to_have_text("已保存计划")
    expect(page.locator("#plan-progress")).to_contain_text("已落实")
    expect(page.locator("#plan-shortfall")).to_have_count(0)
    no_sideways_scroll(page)
    shot(page, f"orglife-plan-{size}")

    page.goto(f"{system.url}/orgs/{branch}/org-life/attendance?year={held.year}")
    expect(page.locator("#attendance-table")).to_contain_text("周一")
    expect(page.locator("#attendance-rate")).to_have_text("50.0%")
    no_sideways_scroll(page)
    shot(page, f"orglife-attendance-{size}")

    page.goto(f"{system.url}/members/{people[1]}#tab-orglife")
    expect(page.locator("#member-attendance-rate")).to_contain_text("出席率 0.0%")
    expect(page.locator("#member-meetings")).to_contain_text("缺席（出差）")
    shot(page, f"orglife-member-attendance-{size}")

    page.goto(f"{system.url}/orgs/{branch}/supervision")
    expect(page.locator("#orglife-behind-title")).to_contain_text("组织生活未按期开展的党支部")
    no_sideways_scroll(page)
    shot(page, f"orglife-supervision-{size}")
