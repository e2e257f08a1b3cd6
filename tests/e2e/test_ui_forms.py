"""The UI kit's forms and histories through the web pages: errors named by Chinese labels beside
their controls with a summary that links to them, Post/Redirect/Get with a one-time message,
required selects starting at 请选择, organization records editable, readable histories (names,
not codes; who, when, before → after), and 找回 vs 回退 explained — a mistaken death taken back
by 回退 leaves the annual report as it was."""
import re
from datetime import date

import pytest

from tests.support.api import create_org
from tests.support.factories import member_data
from tests.support.helpers import csrf_of, wait_for

from .test_member_pages import hidden_version

YEAR = date.today().year


@pytest.fixture(scope="module")
def branch(api, root_id) -> int:
    return create_org(api, root_id, "表单体验测试支部")


@pytest.fixture
def member(api, branch) -> dict:
    created = api.post("/members", json=member_data(branch, name="钱七", joined_on="2012-07-01"))
    assert created.status_code == 201, created.text
    return api.get(f"/members/{created.json()['id']}").json()


def summary_of(html: str) -> str:
    """The error summary's text, tags removed."""
    found = re.search(r'<div class="alert error-summary".*?</div>', html, flags=re.S)
    assert found, "no error summary"
    return re.sub(r"<[^>]+>", "", found.group(0))


def assert_labelled(html: str, control: str, text: str) -> None:
    """`text` beside the control `control`, which points to it, and in the summary as a link to it."""
    assert f'<span class="field-error" id="error-{control}">{text}</span>' in html
    assert re.search(rf'id="{control}"[^>]*aria-invalid="true" aria-describedby="error-{control}"', html)
    assert f'<a href="#{control}">{text}</a>' in html


MACHINE_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


# --- 1. errors named by their labels -----------------------------------------------------------

def test_a_basic_information_error_names_the_field_in_chinese(browser_session, api, member):
    page = browser_session.get(f"/members/{member['id']}")
    response = browser_session.post(f"/members/{member['id']}/edit", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "edit-form"), "name": "钱七",
        "id_number": "110105194912310021", "ethnicity": "01", "category": "01", "joined_on": "2012-07-01"})
    assert response.status_code == 400
    error = re.search(r'<span class="field-error" id="error-basic-id_number">([^<]*)</span>', response.text).group(1)
    assert error.startswith("公民身份号码") and "校验码" in error
    assert_labelled(response.text, "basic-id_number", error)
    summary = summary_of(response.text)
    assert "填写有误" in summary and not MACHINE_NAME.search(summary) and "id_number" not in summary
    assert '<script src="/static/forms.js" defer></script>' in response.text
    js = browser_session.get("/static/forms.js")
    assert js.status_code == 200 and "scrollIntoView" in js.text and "focus" in js.text


def test_an_info_set_row_error_names_the_field_in_chinese(browser_session, member):
    page = browser_session.get(f"/members/{member['id']}")
    response = browser_session.post(f"/members/{member['id']}/info/rewards", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "add-rewards"), "kind": "1",
        "name": "优秀党员", "decided_on": "", "authority": "", "reason": ""})
    assert response.status_code == 400
    text = re.search(r'id="error-add-rewards-decided_on">([^<]*)<', response.text).group(1)
    assert text.startswith("批准日期")
    assert_labelled(response.text, "add-rewards-decided_on", text)
    assert "decided_on" not in summary_of(response.text)


def test_a_status_change_error_names_the_field_and_the_kind_starts_at_please_choose(browser_session, api, member):
    page = browser_session.get(f"/members/{member['id']}")
    form = page.text[page.text.index('id="leave-form"'):]
    assert re.search(r'<select name="kind"[^>]*required><option value="">请选择</option>', form)
    assert "组织关系转出" not in form[:form.index("</select>")]  # only a transfer records it
    response = browser_session.post(f"/members/{member['id']}/leave", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "leave-form"), "kind": "",
        "date": "2024-03-01", "reason": ""})
    assert response.status_code == 400
    text = re.search(r'id="error-leave-kind">([^<]*)<', response.text).group(1)
    assert text.startswith("减少类型：")
    assert_labelled(response.text, "leave-kind", text)
    assert api.get(f"/members/{member['id']}").json()["status"] == "active"


def test_an_org_card_error_names_the_field_in_chinese(browser_session, api, branch):
    page = browser_session.get(f"/orgs/{branch}")
    org = api.get(f"/orgs/{branch}").json()
    response = browser_session.post(f"/orgs/{branch}/card", data={
        "csrf_token": csrf_of(page.text), "version": str(org["version"]), "code": org["code"], "type": "31",
        "postcode": "12ab"})
    assert response.status_code == 400
    assert_labelled(response.text, "card-postcode", "邮政编码应为6位数字")
    sanction = browser_session.post(f"/orgs/{branch}/sanctions", data={
        "csrf_token": csrf_of(page.text), "version": str(org["version"]), "kind": "", "name": "先进党组织",
        "approved_on": "", "approver": "县委"})
    assert sanction.status_code == 400
    summary = summary_of(sanction.text)
    assert "批准日期" in summary and "奖惩类别" in summary and "approved_on" not in summary


def test_required_selects_start_at_please_choose_and_an_empty_choice_is_a_field_error(browser_session, api, branch):
    page = browser_session.get(f"/orgs/{branch}")
    form = page.text[page.text.index('id="member-form"'):]
    for name in ("ethnicity", "category"):
        assert re.search(rf'<select name="{name}"[^>]*required><option value="">请选择</option>', form), name
    response = browser_session.post(f"/orgs/{branch}/members", data={
        "csrf_token": csrf_of(page.text), "name": "请选择测试", "id_number": member_data(branch)["id_number"],
        "ethnicity": "", "category": "", "joined_on": "2012-07-01"})
    assert response.status_code == 400
    for control, label in (("member-ethnicity", "民族"), ("member-category", "党员类别")):
        text = re.search(rf'id="error-{control}">([^<]*)<', response.text).group(1)
        assert text.startswith(label)
        assert_labelled(response.text, control, text)
    assert "请选择测试" not in api.get(f"/orgs/{branch}/members", params={"size": 100}).text


# --- 2. Post/Redirect/Get ------------------------------------------------------------------------

def test_each_kind_of_form_answers_303_and_the_next_page_says_what_was_done_once(browser_session, api, branch,
                                                                                member):
    page = browser_session.get(f"/members/{member['id']}")
    token = csrf_of(page.text)
    saved = browser_session.post(f"/members/{member['id']}/edit", data={
        "csrf_token": token, "version": hidden_version(page.text, "edit-form"), "name": "钱七",
        "id_number": member["id_number"], "ethnicity": "01", "category": "01", "joined_on": "2012-07-01",
        "phone": "13800000001"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/members/{member['id']}"
    after = browser_session.get(saved.headers["location"])
    assert '<p class="note flash" role="status" id="flash">已保存</p>' in after.text
    assert 'id="flash"' not in browser_session.get(saved.headers["location"]).text  # once: F5 shows nothing new

    row = browser_session.post(f"/members/{member['id']}/info/positions", data={
        "csrf_token": token, "version": hidden_version(after.text, "add-positions"), "title": "支部书记",
        "unit": "", "started_on": "2020-01-01", "ended_on": ""})
    assert row.status_code == 303
    org = api.get(f"/orgs/{branch}").json()
    card = browser_session.post(f"/orgs/{branch}/card", data={"csrf_token": token, "version": str(org["version"]),
                                                             "contact_person": "联系人甲"})
    assert card.status_code == 303 and card.headers["location"] == f"/orgs/{branch}"
    assert "已保存" in browser_session.get(f"/orgs/{branch}").text
    page = browser_session.get(f"/members/{member['id']}")
    left = browser_session.post(f"/members/{member['id']}/leave", data={
        "csrf_token": token, "version": hidden_version(page.text, "leave-form"), "kind": "30",
        "date": "2024-03-01", "reason": "不参加组织生活"})
    assert left.status_code == 303
    assert "已办理，该党员转入历史党员" in browser_session.get(left.headers["location"]).text


# --- 4. every record editable ---------------------------------------------------------------------

def test_an_org_unit_record_is_edited_through_the_page(browser_session, api, branch):
    api.post(f"/orgs/{branch}/units", json={"name": "编辑前单位", "category": "10", "party_setup": "1"})
    org = api.get(f"/orgs/{branch}").json()
    unit = org["units"][0]
    page = browser_session.get(f"/orgs/{branch}")
    assert f'id="unit-{unit["id"]}-form"' in page.text and ">编辑</summary>" in page.text
    edited = browser_session.post(f"/orgs/{branch}/units/{unit['id']}", data={
        "csrf_token": csrf_of(page.text), "version": str(org["version"]), "name": "编辑后单位", "category": "10",
        "party_setup": "1", "industry": "C", "credit_code": ""})
    assert edited.status_code == 303, edited.text
    units = api.get(f"/orgs/{branch}").json()["units"]
    assert [(u["id"], u["name"], u["industry"]) for u in units] == [(unit["id"], "编辑后单位", "C")]
    bad = browser_session.post(f"/orgs/{branch}/units/{unit['id']}", data={
        "csrf_token": csrf_of(page.text), "version": str(api.get(f"/orgs/{branch}").json()["version"]),
        "name": "", "category": "10", "party_setup": "1"})
    assert bad.status_code == 400
    assert f'id="error-unit-{unit["id"]}-name"' in bad.text and "单位名称" in summary_of(bad.text)


# --- 5. readable histories ------------------------------------------------------------------------

def test_the_org_history_shows_names_not_codes(browser_session, api, branch):
    org = api.get(f"/orgs/{branch}").json()
    assert api.patch(f"/orgs/{branch}", json={"version": org["version"], "type": "32"}).status_code == 200
    api.post(f"/orgs/{branch}/units", json={"name": "行业单位", "category": "10", "party_setup": "1",
                                            "industry": "S"})
    history = browser_session.get(f"/orgs/{branch}/history").text
    assert "党组织类别：党支部 → 联合党支部" in history and "党组织类别：31" not in history
    industries = re.findall(r"行业：（空） → ([^<]+)<", history)
    assert industries and industries[0] != "S"


def test_the_member_history_records_basic_information_and_rows_with_names(browser_session, api, member):
    page = browser_session.get(f"/members/{member['id']}")
    assert f'href="/members/{member["id"]}/history"' in page.text
    browser_session.post(f"/members/{member['id']}/edit", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "edit-form"), "name": "钱七",
        "id_number": member["id_number"], "ethnicity": "02", "category": "01", "joined_on": "2012-07-01"})
    card = api.get(f"/members/{member['id']}").json()
    assert api.post(f"/members/{member['id']}/info/work_posts", json={
        "version": card["version"], "occupation": "3", "started_on": "2015-03-01"}).status_code == 201
    history = api.get(f"/members/{member['id']}/history").json()
    assert history["total"] == 2
    row, basic = history["items"]
    assert basic["action_name"] == "修改基本信息" and basic["actor_name"].startswith("web")
    assert [(c["label"], c["old"], c["old_name"], c["new_name"]) for c in basic["changes"]] == [
        ("民族", "01", "汉族", "蒙古族")]
    assert row["action_name"] == "新增工作岗位" and row["changes"][0]["label"] == "工作岗位"
    assert row["changes"][0]["new_name"] not in (None, "3")
    html = browser_session.get(f"/members/{member['id']}/history").text
    assert "民族：汉族 → 蒙古族" in html and basic["actor_name"] in html and basic["at"][:10] in html
    assert browser_session.get("/members/999999999/history").status_code == 404


# --- 6. 找回 or 回退 --------------------------------------------------------------------------------

def death_count(api, org_id: int) -> int:
    report = api.get(f"/orgs/{org_id}/reports/{YEAR}").json()
    return next(t for t in report["tables"] if t["key"] == "t1")["rows"][0]["cells"]["decrease_death"]


def test_a_mistaken_death_leads_to_undo_which_leaves_the_report_unchanged(browser_session, api, root_id):
    org = create_org(api, root_id, "回退测试支部")
    created = api.post("/members", json=member_data(org, name="误录死亡", joined_on="2012-07-01"))
    member_id = created.json()["id"]
    wait_for(lambda: api.get(f"/orgs/{org}/reports/{YEAR}").json(), lambda r: r["year_end_total"] == 1,
             what="报表计入该党员")
    before = death_count(api, org)

    page = browser_session.get(f"/members/{member_id}")
    assert "不在年报中留下任何记录" in page.text and "计入年报的党员增加" in page.text
    left = browser_session.post(f"/members/{member_id}/leave", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "leave-form"), "kind": "10",
        "date": date.today().isoformat(), "reason": ""})
    assert left.status_code == 303
    wait_for(lambda: death_count(api, org), lambda n: n == before + 1, what="死亡计入报表")

    card = browser_session.get(f"/members/{member_id}").text
    hint = re.search(r'<p class="note" id="restore-hint">(.*?)</p>', card, flags=re.S).group(1)
    assert "是您于" in hint and "死亡不会真实恢复" in hint and "请使用“回退”更正" in hint and 'href="#undo"' in hint
    undone = browser_session.post(f"/members/{member_id}/status/undo", data={
        "csrf_token": csrf_of(card), "version": hidden_version(card, "undo-form")})
    assert undone.status_code == 303
    report = wait_for(lambda: api.get(f"/orgs/{org}/reports/{YEAR}").json(),
                      lambda r: r["year_end_total"] == 1 and death_count(api, org) == before, what="回退后报表复原")
    assert report["year_end_total"] == 1
    card = browser_session.get(f"/members/{member_id}").text
    assert "已回退（误录已更正，不计入年报）" in card and 'id="restore-hint"' not in card
