"""发展党员 in a real browser, on a desktop and a 390-px phone, as the 党委's clerk: the applicant's
发展纪实 with the next steps as forms (a refused 入党介绍人 with one name, then two), 回退 that asks
first and keeps its reason, the organization's 发展党员 page (due list, a batch 集中培训), the
member card's 发展纪实 tab and its 转正 form, and the home page's reminder. Every page is shot."""
from playwright.sync_api import expect

from tests.support.development import PATH, add_applicant, development_tree, upto, walk
from tests.support.factories import code

from .conftest import log_in, no_sideways_scroll, shot


def test_the_pipeline_through_the_pages(system, api, root_id, screen):
    page, size = screen
    tree = development_tree(api, root_id, f"浏览器发展党委{code('')}", "浏览器发展支部", ("王介绍", "李介绍"))
    committee, branch, full = tree["committee"], tree["branch"], tree["full"]
    keyed = add_applicant(api, branch, name="周发展")
    walk(api, full, keyed, upto("introducers"))
    trainee = add_applicant(api, branch, name="吴培训")
    walk(api, full, trainee, upto("training"))
    accepted = add_applicant(api, branch, name="郑转正")
    member_id = walk(api, full, accepted, PATH)["member_id"]
    add_applicant(api, branch, applied_on="2026-01-05", name="冯未谈话")
    confirmations = []
    page.on("dialog", lambda dialog: (confirmations.append(dialog.message), dialog.accept()))
    log_in(page, system, api, committee, f"dv{code('')}".lower())

    expect(page.locator("#home-development")).to_contain_text("冯未谈话")
    expect(page.locator("#home-development")).to_contain_text("已超期")
    shot(page, f"development-home-{size}")

    page.goto(f"{system.url}/applicants/{keyed}")
    expect(page.locator("#development-steps li")).to_have_count(len(upto("introducers")))
    no_sideways_scroll(page)
    shot(page, f"development-applicant-{size}")
    page.locator("#step-introducers summary").click()
    form = page.locator("#step-introducers-form")
    form.get_by_label("入党介绍人1").select_option(label="王介绍（正式党员）")
    form.get_by_role("button", name="办理").click()
    expect(page.locator("#form-error")).to_contain_text("入党介绍人应为2名正式党员")
    expect(page.locator("#step-introducers")).to_have_attribute("open", "")
    shot(page, f"development-refused-{size}")
    form.get_by_label("入党介绍人2").select_option(label="李介绍（正式党员）")
    form.get_by_role("button", name="办理").click()
    expect(page.locator("#flash")).to_have_text("已办理：确定入党介绍人")
    expect(page.locator("#development-steps li").last).to_contain_text("王介绍、李介绍")

    page.locator("#undo summary").click()
    page.get_by_label("回退原因").fill("介绍人填错")
    page.get_by_role("button", name="确定回退").click()
    expect(page.locator("#flash")).to_have_text("已回退最后一个步骤")
    assert "确定入党介绍人" in confirmations[-1]
    expect(page.locator("#development-steps li.undone-step")).to_contain_text("介绍人填错")
    shot(page, f"development-undone-{size}")

    page.goto(f"{system.url}/orgs/{branch}/development?step=training")
    expect(page.locator("#development-due-list")).to_contain_text("冯未谈话")
    batch = page.locator("#batch-form")
    batch.get_by_label("办理日期").fill("2023-05-10")
    batch.get_by_label("培训天数").fill("3")
    batch.get_by_label("吴培训").check()
    no_sideways_scroll(page)
    shot(page, f"development-batch-{size}")
    batch.get_by_role("button", name="办理").click()
    expect(page.locator("#flash")).to_have_text("已为选中的人员办理：集中培训")

    page.goto(f"{system.url}/members/{member_id}#tab-development")
    expect(page.locator("#tab-development")).to_contain_text("上级党委审批")
    page.locator("#probation summary").click()
    probation = page.locator("#probation-form")
    probation.get_by_label("处理结果").select_option(label="按期转为正式党员")
    probation.get_by_label("支部大会日期").fill("2024-07-05")
    probation.get_by_label("上级党委审批日期").fill("2024-07-20")
    no_sideways_scroll(page)
    shot(page, f"development-member-{size}")
    probation.get_by_role("button", name="办理").click()
    expect(page.locator("#flash")).to_have_text("已办理")
    expect(page.locator("#member-full-on")).to_have_text("2024-07-01")
    expect(page.locator("#probation-decisions")).to_contain_text("按期转为正式党员")
