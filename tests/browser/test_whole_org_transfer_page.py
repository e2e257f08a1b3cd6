"""整建制转移 in a real browser, from the organization's card: the new parent found by search, a
refusal named beside the search, the preview with the route and the member count, the question
before 确认发起 (cancelling writes nothing), then the transfer page with the organization and its
members. Screenshots at desktop and phone width (the `screen` fixture) for a person to look at."""
from datetime import date

from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot, shot_path
from .test_confirm import answer


def test_whole_org_transfer_from_the_card(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    sender = create_org(api, root_id, f"整建制页转出党委{tag}", "党委")
    moving = create_org(api, sender, f"整建制页总支{tag}", "党总支")
    for index, branch_name in enumerate(("一", "二")):
        branch = create_org(api, moving, f"整建制页第{branch_name}支部{tag}")
        for n in range(2):
            assert api.post("/members", json=member_data(branch, name=f"整建制页{index}{n}")).status_code == 201
    target = create_org(api, root_id, f"整建制页接收党委{tag}", "党委")
    log_in(page, system, api, sender, f"wop{tag}".lower())

    page.goto(f"{system.url}/orgs/{moving}")
    page.locator("#whole-transfer-link").click()
    expect(page.locator("#whole-title")).to_contain_text(f"整建制页总支{tag}")
    page.get_by_role("button", name="预览路径和介绍信").click()  # nothing chosen: refused beside the search
    expect(page.locator("#form-error")).to_contain_text("新的上级党组织")
    expect(page.locator("#error-whole-to_org_id")).to_be_visible()
    shot(page, f"whole-transfer-refused-{size}")

    page.get_by_label("按名称或代码查找").fill(f"整建制页接收党委{tag}")
    page.locator("#target-choices").get_by_label(f"整建制页接收党委{tag}", exact=False).check()
    page.get_by_label("转接原因").select_option("99")
    shot(page, f"whole-transfer-new-{size}")
    page.get_by_role("button", name="预览路径和介绍信").click()

    expect(page.locator("#member-count")).to_have_text("4 名")
    route = page.locator("#route tbody tr")
    expect(route).to_have_count(2)
    expect(route.nth(0)).to_contain_text(f"整建制页转出党委{tag}")
    expect(route.nth(1)).to_contain_text(f"整建制页接收党委{tag}")
    expect(page.locator("#letter-preview")).to_contain_text("全体党员4名（名单附后）")
    expect(page.locator("#counted")).to_contain_text("整建制转出 4 名")
    no_sideways_scroll(page)
    shot(page, f"whole-transfer-preview-{size}")

    asked = answer(page, accept=False)
    page.get_by_role("button", name="确认发起整建制转移").click()
    expect(page.locator("#confirm-apply")).to_be_visible()
    assert asked and "4名党员" in asked[0]
    assert api.get(f"/orgs/{sender}/transfers", params={"box": "out"}).json()["total"] == 0

    answer(page, accept=True)
    page.get_by_role("button", name="确认发起整建制转移").click()
    expect(page.locator("#flash")).to_have_text("已发起整建制转移")
    expect(page.locator("#whole-org")).to_contain_text(f"整建制页总支{tag}")
    expect(page.locator("#member-count")).to_contain_text("4 名")
    expect(page.locator("#letter-link")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, f"whole-transfer-page-{size}")
    created = api.get(page.url.replace(system.url, "")).json()
    assert (created["kind"], created["org_id"], created["to_org_id"]) == ("whole_org", moving, target)

    # 接收 (the new parent is a 党委: its 接收 is its approval); the move counted, the sending 党委's
    # report lists it in the attachment 整建制转入/转出情况 with the receiving end named.
    receive = api.post(f"/transfers/{created['id']}/receive",
                       json={"version": created["version"], "date": date.today().isoformat()})
    assert receive.status_code == 200, receive.text
    report = f"/orgs/{sender}/reports/{date.today().year}"
    wait_for(lambda: api.get(f"{report}/whole-org-transfers")
             .json()["items"], bool, timeout=30, what="the move to be counted (the org service's saga, then stats)")
    page.goto(f"{system.url}{report}")
    expect(page.locator("#whole-org-table tbody tr")).to_contain_text(f"整建制页总支{tag}")
    row = page.locator("#whole-org-table tbody tr").first
    expect(row).to_contain_text(f"整建制页接收党委{tag}")
    expect(row).to_contain_text("转出")
    expect(page.locator("#whole-org-totals")).to_contain_text("整建制转出党员 4 名")
    no_sideways_scroll(page)
    page.locator("#whole-org").screenshot(path=str(shot_path(f"whole-transfer-report-{size}")))
