"""换届选举 in a real browser, desktop and phone, as the 党委's clerk: the home page reminds of a
branch whose term ends within 6 months; on the branch's 班子届次 page a refused election names the
rule, recorded for the record it leaves the term as it was and shows in the history with its
reason, the corrected one opens the next term (asked first), the term's length is corrected with
a reason (kept and shown), 届中 补选 and the 批复 are recorded; the
organization card shows the committee read-only with links, the member card the post; 工作督查
lists the branch. Every page is shot and scrolls only inside its tables."""
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data

from .conftest import log_in, no_sideways_scroll, shot


def test_election_midterm_approval_card_and_reminders(system, api, root_id, screen):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())
    tag = code("")
    committee = create_org(api, root_id, f"页面换届党委{tag}", "党委")
    branch = create_org(api, committee, f"页面换届支部{tag}")
    names = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八"]
    people = [api.post("/members", json=member_data(branch, name=f"{n}{tag[-2:]}")).json()["id"] for n in names]
    today = date.today()
    first = (today.replace(year=today.year - 3) + timedelta(days=40)).isoformat()
    created = api.post(f"/orgs/{branch}/terms", json={"elected_on": first, "method": "党员大会选举", "members": [
        {"member_id": people[0], "post": "书记"}, {"member_id": people[1], "post": "组织委员"},
        {"member_id": people[2], "post": "宣传委员"}]})
    assert created.status_code == 201, created.text
    log_in(page, system, api, committee, f"hjp{tag}".lower())

    expect(page.locator("#home-subordinate-terms")).to_contain_text("1 个下级党组织180天内届满")
    shot(page, f"terms-home-{size}")
    page.goto(f"{system.url}/orgs/{committee}/supervision")
    expect(page.locator("#terms-due")).to_contain_text(f"页面换届支部{tag}")

    page.goto(f"{system.url}/orgs/{committee}/terms")
    expect(page.locator("#due-list")).to_contain_text(f"页面换届支部{tag}")
    expect(page.locator("#none-title")).to_contain_text("（1）")  # the 党委 itself: no term recorded
    no_sideways_scroll(page)
    shot(page, f"terms-committee-{size}")

    page.goto(f"{system.url}/orgs/{branch}/terms")
    expect(page.locator("#term-number")).to_have_text("第1届")
    expect(page.locator("#term-expires")).to_contain_text("还有")

    def fill_election(present: str) -> None:
        page.get_by_text("办理换届").click()
        page.get_by_label("选举（指派）日期", exact=True).fill(today.isoformat())
        page.get_by_label("应到人数（正式党员）").fill("8")
        page.get_by_label("实到人数").fill(present)
        page.get_by_label("应选名额").fill("3")
        for n, votes in enumerate((6, 6, 5, 1)):
            page.get_by_label(f"{names[n]}{tag[-2:]}的得票").fill(str(votes))
        page.get_by_label(f"{names[0]}{tag[-2:]}的职务").select_option(label="书记")
        page.get_by_label(f"{names[1]}{tag[-2:]}的职务").select_option(label="组织委员")
        page.get_by_label(f"{names[2]}{tag[-2:]}的职务").select_option(label="宣传委员")

    fill_election("6")
    page.locator("#term-button").click()
    expect(page.locator("#form-error")).to_contain_text("五分之四")
    no_sideways_scroll(page)
    shot(page, f"terms-refused-{size}")
    # The same election recorded for the record: the term stays, the history lists it with its reason.
    page.get_by_label("选举未成功，仅作记录（不换届）").check()
    page.locator("#term-button").click()
    expect(page.locator("#flash")).to_have_text("已记录未成功的选举（未换届）")
    expect(page.locator("#term-number")).to_have_text("第1届")
    expect(page.locator("#failed-elections")).to_contain_text("五分之四")
    page.locator("#failed-elections").scroll_into_view_if_needed()
    no_sideways_scroll(page)
    shot(page, f"terms-failed-election-{size}")
    fill_election("8")
    page.locator("#term-button").click()
    expect(page.locator("#flash")).to_have_text("已换届")
    expect(page.locator("#term-number")).to_have_text("第2届")
    expect(page.locator("#election-result")).to_contain_text("当选")
    expect(page.locator("#history")).to_contain_text("第1届")

    page.get_by_text("届中调整（补选、指派）").click()
    page.get_by_label("党员", exact=True).select_option(label=f"{names[4]}{tag[-2:]}")
    page.get_by_label("职务", exact=True).select_option(label="纪检委员")
    page.locator("#committee-add-form").get_by_role("button", name="保存").click()
    expect(page.locator("#flash")).to_have_text("已调整班子成员")
    expect(page.locator("#committee")).to_contain_text("纪检委员")

    page.get_by_text("录入上级批复").click()
    page.get_by_label("批复日期", exact=True).fill(today.isoformat())
    page.get_by_label("批复文号", exact=True).fill(f"组字〔{today.year}〕{tag[-3:]}号")
    page.get_by_role("button", name="保存批复").click()
    expect(page.locator("#flash")).to_have_text("已录入批复")
    expect(page.locator("#term-approval")).to_contain_text("组字")

    page.get_by_text("更正届次信息").click()
    page.get_by_label("任期（年）更正为").fill("5")
    page.get_by_label("更正原因").fill("村党支部任期应为5年")
    page.get_by_role("button", name="保存更正").click()
    expect(page.locator("#flash")).to_have_text("已更正届次信息")
    expect(page.locator("#term-corrections")).to_contain_text("任期（年）由 3 改为 5")
    expect(page.locator("#term-corrections")).to_contain_text("村党支部任期应为5年")
    no_sideways_scroll(page)
    shot(page, f"terms-branch-{size}")

    page.goto(f"{system.url}/orgs/{branch}")
    expect(page.locator("#org-term")).to_contain_text("第2届")
    expect(page.locator("#org-committee")).to_contain_text(f"书记 {names[0]}{tag[-2:]}")
    shot(page, f"terms-org-card-{size}")
    page.locator("#org-committee").get_by_role("link", name=f"{names[0]}{tag[-2:]}").click()
    expect(page.locator("#member-posts")).to_contain_text("第2届书记")
    no_sideways_scroll(page)
    shot(page, f"terms-member-card-{size}")
