"""数据迁移 in a real browser, desktop and phone: a 党委's 系统管理员 opens 数据迁移 from the top bar,
sees every kind with its template, opens the 党费交纳记录表 of a branch by its code (a wrong code is
said so), uploads a sheet with a good and a bad row, sees the refused row's reason, writes the good
one and gets the report link. Every page is shot and scrolls only inside its tables."""
import io
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from PIL import Image
from playwright.sync_api import expect

from services.dues.domain import Month
from tests.support.api import create_org
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import wait_for

from .conftest import log_in, no_sideways_scroll, shot, shot_path

START = Month.of(date.today()) - 6


def preview_from_the_list(page, system, committee: int, key: str, path: str, sheet: str, rows: list[list],
                          shot_name: str, summary: str, problem: str, title: str | None = None) -> None:
    """From 数据迁移 to the kind's import page; the sheet (`rows`, headers first; named `title`, else as
    the workbook) uploaded and previewed."""
    page.goto(f"{system.url}/migration")
    page.locator(f"#kind-{key}").get_by_role("link", name="导入").click()
    page.wait_for_url(f"{system.url}/orgs/{committee}/{path}")
    expect(page.locator("#import-title")).to_have_text(f"从{sheet}导入")
    book = Workbook()
    table = book.active
    table.title = title or sheet
    for row in rows:
        table.append(row)
    filled = shot_path(shot_name).with_suffix(".xlsx")
    book.save(filled)
    page.locator("#import-file").set_input_files(str(filled))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#preview-summary")).to_contain_text(summary, timeout=60000)
    expect(page.locator("#preview-errors tbody")).to_contain_text(problem)


def test_migration_through_the_pages(system, api, root_id, screen):
    page, size = screen
    tag = code("")
    committee = create_org(api, root_id, f"迁移页面党委{tag}", "党委")
    branch = create_org(api, committee, f"迁移页面支部{tag}")
    person = member_data(branch, name="页面迁移甲")
    member_id = api.post("/members", json=person).json()["id"]
    wait_for(lambda: api.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200)
    assert api.put(f"/orgs/{branch}/dues/settings", json={"registration_start": str(START)}).is_success
    branch_code = api.get(f"/orgs/{branch}").json()["code"]

    log_in(page, system, api, committee, f"mp{tag}".lower())
    page.locator("#nav-migration").click()
    expect(page.locator("#migration-kinds tbody tr")).to_have_count(14)
    expect(page.locator("#kind-dues-payments")).to_contain_text("可导入")
    expect(page.locator("#migration-not-yet")).to_have_count(0)  # every kind can be imported
    expect(page.locator("#kind-meeting-files")).to_contain_text("组织生活附件清单")
    expect(page.locator("#kind-outflows")).to_contain_text("流出党员采集表")
    expect(page.locator("#kind-inflows")).to_contain_text("流入党员采集表")
    expect(page.locator("#kind-terms")).to_contain_text("换届采集表")
    expect(page.locator("#kind-meetings")).to_contain_text("组织生活采集表")
    no_sideways_scroll(page)
    shot(page, f"migration-{size}")

    row = page.locator("#kind-dues-payments")
    row.get_by_label("党组织代码").fill("no-such-code")
    row.get_by_role("button", name="导入").click()
    expect(page.locator("#migration-problem")).to_have_text("没有这个党组织代码")
    page.locator("#kind-dues-payments").get_by_label("党组织代码").fill(branch_code)
    page.locator("#kind-dues-payments").get_by_role("button", name="导入").click()
    page.wait_for_url(f"{system.url}/orgs/{branch}/dues/payments/import")

    book = Workbook()
    sheet = book.active
    sheet.title = "党费交纳记录表"
    sheet.append(["姓名", "公民身份号码", "交纳月份", "交纳金额（元）", "交纳日期", "交纳方式", "收缴人"])
    sheet.append(["页面迁移甲", person["id_number"], str(START), "20", START.first_day.isoformat(), "本人", ""])
    sheet.append(["页面迁移甲", person["id_number"], str(START + 1), "二十", (START + 1).first_day.isoformat(), "", ""])
    filled = shot_path(f"migration-payments-{size}").with_suffix(".xlsx")
    book.save(filled)
    page.locator("#import-file").set_input_files(str(filled))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#preview-summary")).to_contain_text("共 2 行，有效 1 行", timeout=60000)
    expect(page.locator("#preview-errors tbody")).to_contain_text("交纳金额")
    expect(page.locator("#import-report")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, f"migration-payments-{size}")
    page.locator("#commit-import").click()
    expect(page.locator("#commit-status")).to_contain_text("已写入 1 个月的党费，跳过 1 行", timeout=60000)
    with page.expect_download() as download:
        page.locator("#import-report").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, f"migration-payments-done-{size}")

    # The 党籍变动历史表's page, reached from the list (not per organization).
    page.goto(f"{system.url}/migration")
    page.locator("#kind-member-history").get_by_role("link", name="导入").click()
    page.wait_for_url(f"{system.url}/orgs/{committee}/history-import")
    expect(page.locator("#import-title")).to_have_text("从党籍变动历史表导入")
    no_sideways_scroll(page)
    shot(page, f"migration-history-{size}")

    # A 转入 before PMIS, imported, reads on the member's 变更历史 as a line of its own.
    history = Workbook()
    rows = history.active
    rows.title = "党籍变动历史表"
    rows.append(["公民身份号码", "姓名", "变动类型", "变动日期", "减少类型", "说明"])
    rows.append([person["id_number"], "页面迁移甲", "转入", "2015-03-01", "", "原某市第三党支部"])
    filled = shot_path(f"migration-history-{size}").with_suffix(".xlsx")
    history.save(filled)
    page.locator("#import-file").set_input_files(str(filled))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#preview-summary")).to_contain_text("共 1 行，有效 1 行", timeout=60000)
    page.locator("#commit-import").click()
    expect(page.locator("#commit-status")).to_contain_text("已写入 1 条党籍变动", timeout=60000)
    page.goto(f"{system.url}/members/{member_id}/history")
    expect(page.locator("#member-history")).to_contain_text("转入：2015-03-01 原某市第三党支部")
    no_sideways_scroll(page)
    shot(page, f"migration-member-history-{size}")

    # The 党员信息集采集表: a 学历学位 sheet of the workbook, a good row and one the set's rules refuse.
    preview_from_the_list(page, system, committee, "member-info", "info-import", "党员信息集采集表", [
        ["公民身份号码", "姓名", "学历", "毕业院校", "入学日期", "毕业日期"],
        [person["id_number"], "页面迁移甲", "大学本科", "某大学", "2003-09-01", "2007-07-01"],
        [person["id_number"], "页面迁移甲", "研究生", "某大学", "2012-09-01", "2010-07-01"],
    ], f"migration-info-{size}", "共 2 行，有效 1 行", "学历学位：毕业日期", title="学历学位")
    no_sideways_scroll(page)
    shot(page, f"migration-info-{size}")
    page.locator("#commit-import").click()
    expect(page.locator("#commit-status")).to_contain_text("已写入 1 条信息，跳过 1 行", timeout=60000)

    # The 流出党员采集表: a member away when the province moves, registered as 流出登记 does.
    away = member_data(branch, name="页面流出乙")
    assert api.post("/members", json=away).status_code == 201
    preview_from_the_list(page, system, committee, "outflows", "outflow-import", "流出党员采集表", [
        ["公民身份号码", "姓名", "流出日期", "流出原因", "流向地", "流向地行政区划代码", "联系电话"],
        [away["id_number"], "页面流出乙", "2025-03-01", "外出务工经商", "广东省广州市天河区", "440106", "13900000000"],
        [away["id_number"], "页面流出乙", "2025-03-01", "出差", "广州", "440106", "13900000000"],
    ], f"migration-outflows-{size}", "共 2 行，有效 1 行", "流出原因")
    no_sideways_scroll(page)
    shot(page, f"migration-outflows-{size}")
    page.locator("#commit-import").click()
    expect(page.locator("#commit-status")).to_contain_text("已写入 1 名流出党员，跳过 1 行", timeout=60000)
    page.goto(f"{system.url}/orgs/{branch}/mobility")
    expect(page.locator("main")).to_contain_text("页面流出乙")
    shot(page, f"migration-outflows-done-{size}")

    # The 流入党员采集表: a member from outside at the branch, one who has left since, a bad row.
    preview_from_the_list(page, system, committee, "inflows", "inflow-import", "流入党员采集表", [
        ["流入党组织代码", "姓名", "公民身份号码", "原所在党组织", "活动证编号", "流入日期", "离开日期"],
        [branch_code, "页面流入丙", id_number(), "外省某社区党支部", "520100000007", "2025-03-01", ""],
        [branch_code, "页面流入丁", id_number(), "外省某党委", "", "2025-03-01", "2025-09-30"],
        ["no-such-code", "页面流入戊", id_number(), "外省某党委", "", "2025-03-01", ""],
    ], f"migration-inflows-{size}", "共 3 行，有效 2 行", "没有代码为“no-such-code”的党组织")
    no_sideways_scroll(page)
    shot(page, f"migration-inflows-{size}")
    page.locator("#commit-import").click()
    expect(page.locator("#commit-status")).to_contain_text("已写入 2 名流入党员，跳过 1 行", timeout=60000)
    page.goto(f"{system.url}/orgs/{branch}/mobility?tab=in")
    expect(page.locator("main")).to_contain_text("页面流入丙")
    shot(page, f"migration-inflows-done-{size}")

    # The 组织生活附件清单: a meeting's files named in a manifest, chosen on the page, sent to the meeting.
    held = (datetime.now() - timedelta(days=2)).replace(hour=9, minute=30, second=0, microsecond=0)
    meeting = api.post(f"/orgs/{branch}/meetings", json={
        "kind": "支部委员会", "held_at": held.strftime("%Y-%m-%dT%H:%M"), "place": "活动室", "host": "甲",
        "recorder": "乙", "topic": "迁移附件", "attendees": [member_id]})
    assert meeting.status_code == 201, meeting.text
    preview_from_the_list(page, system, committee, "meeting-files", "meeting-file-import", "组织生活附件清单", [
        ["党组织代码", "组织生活类型", "会议时间", "文件名"],
        *([branch_code, "支部委员会", held.strftime("%Y-%m-%d %H:%M"), name]
          for name in ("会议记录.pdf", "现场.png", "签到表.exe")),
    ], f"migration-meeting-files-{size}", "共 3 行，有效 2 行", "不支持的文件类型")
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(picture, "PNG")
    page.locator("#import-files").set_input_files([
        {"name": "会议记录.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
        {"name": "现场.png", "mimeType": "image/png", "buffer": picture.getvalue()}])
    expect(page.locator("#files-matched")).to_have_text("清单中有效的 2 个文件，已选择其中 2 个")
    no_sideways_scroll(page)
    shot(page, f"migration-meeting-files-{size}")
    page.locator("#commit-import").click()
    expect(page.locator("#commit-status")).to_contain_text("已写入 2 个附件，跳过 1 行", timeout=60000)
    names = {item["filename"] for item in api.get(f"/meetings/{meeting.json()['id']}/attachments").json()["items"]}
    assert names == {"会议记录.pdf", "现场.png"}

    # The 换届采集表's and the 组织生活采集表's pages, reached from the list.
    for key, path, title in (("sanctions", "sanction-import", "从组织奖惩采集表导入"),
                             ("terms", "term-import", "从换届采集表导入"),
                             ("meetings", "meeting-import", "从组织生活采集表导入")):
        page.goto(f"{system.url}/migration")
        page.locator(f"#kind-{key}").get_by_role("link", name="导入").click()
        page.wait_for_url(f"{system.url}/orgs/{committee}/{path}")
        expect(page.locator("#import-title")).to_have_text(title)
        no_sideways_scroll(page)
        shot(page, f"migration-{key}-{size}")
