"""The member card's forms: edit with the version in a hidden field (a stale save shows the 409
message and keeps what was typed), 出党/死亡/停止党籍, 找回 and 回退 where allowed, and the
organization page's 历史党员 list — each form carrying its CSRF token, refusals writing nothing."""
import re

import pytest

from tests.support.factories import code, id_number, member_data
from tests.support.helpers import csrf_of


@pytest.fixture(scope="module")
def branch(api, root_id) -> int:
    response = api.post("/orgs", json={"name": "卡片表单测试支部", "code": code(), "type": "31", "parent_id": root_id})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def member(api, branch) -> dict:
    created = api.post("/members", json=member_data(branch, name="孙八", joined_on="2012-07-01"))
    assert created.status_code == 201, created.text
    return api.get(f"/members/{created.json()['id']}").json()


def hidden_version(html: str, form_id: str) -> str:
    form = html[html.index(f'id="{form_id}"'):]
    return re.search(r'name="version" value="(\d+)"', form[:form.index("</form>")]).group(1)


def forms_have_csrf(html: str) -> bool:
    """Every POST form on the page carries the CSRF token."""
    forms = re.findall(r'<form method="post".*?</form>', html, flags=re.S)
    return bool(forms) and all('name="csrf_token"' in form for form in forms)


def test_the_card_shows_status_and_offers_the_forms(browser_session, member):
    page = browser_session.get(f"/members/{member['id']}")
    assert page.status_code == 200
    assert "在册" in page.text and 'id="edit-form"' in page.text and 'id="leave-form"' in page.text
    assert 'id="restore-form"' not in page.text and 'id="undo-form"' not in page.text
    assert hidden_version(page.text, "edit-form") == str(member["version"])
    for group in ("死亡", "出党", "停止党籍"):
        # each group carries the confirmation saying what leaving does (pmis.js asks it first)
        assert re.search(rf'<optgroup label="{group}" data-confirm="[^"]*{group}[^"]*历史党员', page.text), group
    assert forms_have_csrf(page.text)


def test_edit_saves_and_a_stale_save_shows_the_409_and_keeps_the_typed_values(browser_session, api, member):
    page = browser_session.get(f"/members/{member['id']}")
    form = {"csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "edit-form"),
            "name": "孙八改", "id_number": member["id_number"], "ethnicity": "01", "category": "01",
            "joined_on": "2012-07-01"}
    saved = browser_session.post(f"/members/{member['id']}/edit", data=form)
    assert saved.status_code == 303 and saved.headers["location"] == f"/members/{member['id']}"
    assert api.get(f"/members/{member['id']}").json()["name"] == "孙八改"

    current = api.get(f"/members/{member['id']}").json()
    stale = browser_session.post(f"/members/{member['id']}/edit", data={**form, "name": "迟到的修改"})
    assert stale.status_code == 409
    assert "已被他人修改" in stale.text and 'id="stale-note"' in stale.text
    assert 'value="迟到的修改"' in stale.text  # what was typed is kept
    assert hidden_version(stale.text, "edit-form") == str(current["version"])
    assert api.get(f"/members/{member['id']}").json() == current


def test_an_invalid_edit_shows_field_errors_and_writes_nothing(browser_session, api, member):
    page = browser_session.get(f"/members/{member['id']}")
    before = api.get(f"/members/{member['id']}").json()
    response = browser_session.post(f"/members/{member['id']}/edit", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "edit-form"), "name": "孙八",
        "id_number": "110105194912310021", "ethnicity": "01", "category": "01", "joined_on": "2012-07-01"})
    assert response.status_code == 400
    assert "校验码错误" in response.text and 'value="110105194912310021"' in response.text
    assert api.get(f"/members/{member['id']}").json() == before


def test_an_edit_without_csrf_is_refused(browser_session, api, member):
    before = api.get(f"/members/{member['id']}").json()
    response = browser_session.post(f"/members/{member['id']}/edit", data={
        "version": str(member["version"]), "name": "伪造", "id_number": id_number(), "ethnicity": "01",
        "category": "01", "joined_on": "2012-07-01"})
    assert response.status_code == 403
    assert api.get(f"/members/{member['id']}").json() == before


def test_leave_then_restore_then_undo_through_the_card(browser_session, api, branch, member):
    page = browser_session.get(f"/members/{member['id']}")
    refused = browser_session.post(f"/members/{member['id']}/leave", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "leave-form"), "kind": "21",
        "date": "2024-03-01", "reason": ""})
    assert refused.status_code == 400 and "出党须填写原因" in refused.text
    assert '<option value="21" selected>' in refused.text  # the chosen kind is kept
    assert api.get(f"/members/{member['id']}").json()["status"] == "active"

    left = browser_session.post(f"/members/{member['id']}/leave", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "leave-form"), "kind": "10",
        "date": "2024-03-01", "reason": "病故"})
    assert left.status_code == 303
    card = browser_session.get(f"/members/{member['id']}").text
    assert "历史" in card and "死亡" in card and "2024-03-01" in card and "病故" in card
    assert 'id="leave-form"' not in card and 'id="restore-form"' in card and 'id="undo-form"' in card
    assert forms_have_csrf(card)

    history = browser_session.get(f"/orgs/{branch}?history=1")
    assert history.status_code == 200 and 'id="history-members"' in history.text
    assert "孙八" in history.text and "死亡" in history.text
    assert f'href="/members/{member["id"]}"' not in browser_session.get(f"/orgs/{branch}").text

    restored = browser_session.post(f"/members/{member['id']}/restore", data={
        "csrf_token": csrf_of(card), "version": hidden_version(card, "restore-form"), "date": "", "reason": "误操作"})
    assert restored.status_code == 303
    assert api.get(f"/members/{member['id']}").json()["status"] == "active"

    card = browser_session.get(f"/members/{member['id']}").text
    undone = browser_session.post(f"/members/{member['id']}/status/undo", data={
        "csrf_token": csrf_of(card), "version": hidden_version(card, "undo-form")})
    assert undone.status_code == 303
    assert api.get(f"/members/{member['id']}").json()["status"] == "left"
    assert "已回退" in browser_session.get(f"/members/{member['id']}").text


def test_expelled_member_shows_why_there_is_no_restore(browser_session, api, member):
    assert api.post(f"/members/{member['id']}/leave", json={"kind": "开除党籍", "date": "2024-03-01",
                                                            "reason": "严重违纪"}).status_code == 200
    card = browser_session.get(f"/members/{member['id']}").text
    assert 'id="restore-form"' not in card and 'id="restore-refused"' in card and "一般不能恢复党籍" in card
    # A forged restore post is refused by the service with the same message, and nothing changes.
    before = api.get(f"/members/{member['id']}").json()
    response = browser_session.post(f"/members/{member['id']}/restore", data={"csrf_token": csrf_of(card)})
    assert response.status_code == 409 and "一般不能恢复党籍" in response.text
    assert api.get(f"/members/{member['id']}").json() == before


def test_the_org_page_links_to_its_history(browser_session, branch):
    page = browser_session.get(f"/orgs/{branch}")
    assert f'href="/orgs/{branch}?history=1"' in page.text and "历史党员" in page.text
    assert browser_session.get(f"/orgs/{branch}?history=maybe").status_code == 400
