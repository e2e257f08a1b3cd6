"""发展党员 part two in a real browser, on a desktop and a 390-px phone, as the 党委's clerk: the
organization's 发展党员 page with the year's plan versus what happened (a plan made through the
form, the totals and completion, a named person), and the 导入发展纪实 page (a paper history
uploaded, previewed and written; the 工作督查 then lists it). Every page is shot."""
from playwright.sync_api import expect

from tests.support.development import PATH, add_applicant, development_tree, history_sheet, walk
from tests.support.factories import code

from .conftest import log_in, no_sideways_scroll, shot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_plan_and_import_pages(system, api, root_id, screen):
    page, size = screen
    tree = development_tree(api, root_id, f"浏览器计划党委{code('')}", "浏览器计划支部", ("王计划", "李计划"))
    committee, branch = tree["committee"], tree["branch"]
    walk(api, tree["full"], add_applicant(api, branch, name="郑已发展"), PATH)  # accepted at the 2023 支部大会
    add_applicant(api, branch, applied_on="2023-02-01", name="钱计划")
    paper = add_applicant(api, branch, applied_on="2023-01-10", name="孙纸质")
    number = api.get(f"/applicants/{paper}").json()["id_number"]
    log_in(page, system, api, committee, f"pl{code('')}".lower())

    page.goto(f"{system.url}/orgs/{committee}/development?year=2023#plan")
    table = page.locator("#plan-table")
    expect(table).to_contain_text("浏览器计划支部")
    expect(table).to_contain_text("未制定")
    page.locator("#plan summary").click()
    form = page.locator("#plan-form")
    form.get_by_label("计划发展党员数").fill("2")
    form.get_by_label("计划确定入党积极分子数").fill("3")
    form.get_by_label("计划确定发展对象数").fill("1")
    form.get_by_label("钱计划（入党申请人）").check()
    form.get_by_role("button", name="保存计划").click()
    expect(page.locator("#flash")).to_have_text("已保存2023年发展计划")
    total = page.locator("#plan-table tr.total")
    expect(total).to_contain_text("50%")
    expect(page.locator("#plan-named")).to_contain_text("钱计划：未发展（入党申请人）")
    no_sideways_scroll(page)
    shot(page, f"development-plan-{size}")

    page.goto(f"{system.url}/orgs/{branch}/development-import")
    expect(page.get_by_role("heading", name="从发展纪实采集表导入")).to_be_visible()
    sheet = history_sheet(api, [[number, "孙纸质", "派人谈话", "2023-01-20"],
                                [number, "孙纸质", "确定为入党积极分子", "2023-03-01"],
                                [number, "孙纸质", "列为发展对象", "2023-06-01"],
                                [number, "别人", "集中培训", "2023-06-10"]])
    page.locator("#import-file").set_input_files(files=[{"name": "发展纪实.xlsx", "mimeType": XLSX, "buffer": sheet}])
    page.get_by_role("button", name="上传并预览").click()
    # the sheet is read in a worker process: slower than a page on a busy machine
    expect(page.locator("#preview-summary")).to_have_text("共 4 行，有效 3 行，问题 1 处", timeout=30_000)
    expect(page.locator("#preview-errors tbody")).to_contain_text("不一致")
    no_sideways_scroll(page)
    shot(page, f"development-import-{size}")
    page.get_by_role("button", name="写入有效行").click()
    expect(page.locator("#commit-status")).to_have_text("已写入 3 个发展步骤，跳过 1 行", timeout=30_000)

    page.goto(f"{system.url}/orgs/{branch}/development")
    expect(page.locator("#development-supervision")).to_contain_text("孙纸质")
    expect(page.locator("#development-supervision")).to_contain_text("满1年")
    page.goto(f"{system.url}/applicants/{paper}")
    expect(page.locator("#development-steps")).to_contain_text("导入于")
