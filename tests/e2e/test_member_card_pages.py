"""The member card page's info sets: every set shown with its add form, rows added, edited and
deleted through the forms (plain posts and htmx posts), a stale version or a bad value shown
beside the form with nothing written, and the card printable (print CSS present)."""
import re

import pytest

from tests.support.factories import member_data
from tests.support.helpers import csrf_of

from .test_member_changes_api import create_org
from .test_member_pages import hidden_version


@pytest.fixture(scope="module")
def branch(api, root_id) -> int:
    return create_org(api, root_id, "信息集页面测试支部")


@pytest.fixture
def member(api, branch) -> dict:
    created = api.post("/members", json=member_data(branch, name="周九", joined_on="2012-07-01"))
    assert created.status_code == 201, created.text
    return api.get(f"/members/{created.json()['id']}").json()


def test_the_card_shows_every_info_set_with_required_marks(browser_session, member):
    page = browser_session.get(f"/members/{member['id']}")
    assert page.status_code == 200
    for label in ("学历学位", "工作岗位", "职务", "技术职务", "民主评议", "奖惩情况", "其他党团信息", "困难党员",
                  "党籍信息"):
        assert f">{label}</h2>" in page.text, label
    assert 'id="add-evaluations"' in page.text and 'hx-post="/members/' in page.text
    assert re.search(r'评议年度<span class="req"', page.text)
    assert hidden_version(page.text, "add-evaluations") == str(member["version"])
    css = browser_session.get("/static/pmis.css").text
    assert "@media print" in css and ".no-print" in css


def test_rows_are_added_edited_and_deleted_through_the_forms(browser_session, api, member):
    page = browser_session.get(f"/members/{member['id']}")
    added = browser_session.post(f"/members/{member['id']}/info/work_posts", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "add-work_posts"), "occupation": "3",
        "unit": "某研究所", "post": "", "started_on": "2015-03-01", "ended_on": ""})
    assert added.status_code == 303 and added.headers["location"] == f"/members/{member['id']}"
    card = api.get(f"/members/{member['id']}").json()
    row = card["info_sets"]["work_posts"][0]
    assert (row["occupation"], row["unit"], row["post"], card["occupation"]) == ("3", "某研究所", None, "3")

    page = browser_session.get(f"/members/{member['id']}")
    assert "某研究所" in page.text and "专业技术人员" in page.text
    edited = browser_session.post(f"/members/{member['id']}/info/work_posts/{row['id']}", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, f"edit-work_posts-{row['id']}"),
        "occupation": "4", "unit": "某研究所", "post": "所长", "started_on": "2015-03-01", "ended_on": ""},
        headers={"HX-Request": "true"})
    assert edited.status_code == 303
    assert api.get(f"/members/{member['id']}").json()["info_sets"]["work_posts"][0]["post"] == "所长"

    page = browser_session.get(f"/members/{member['id']}")
    deleted = browser_session.post(f"/members/{member['id']}/info/work_posts/{row['id']}/delete", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "add-work_posts")})
    assert deleted.status_code == 303
    assert api.get(f"/members/{member['id']}").json()["info_sets"]["work_posts"] == []


def test_a_bad_row_shows_field_errors_keeps_the_typed_values_and_writes_nothing(browser_session, api, member):
    page = browser_session.get(f"/members/{member['id']}")
    before = api.get(f"/members/{member['id']}").json()
    response = browser_session.post(f"/members/{member['id']}/info/evaluations", data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "add-evaluations"), "year": "1999",
        "grade": "", "note": "补录"})
    assert response.status_code == 400
    # the grade, named by its label beside its control, which points to it; the summary links to it
    assert '<span class="field-error" id="error-add-evaluations-grade">评议结果：必填</span>' in response.text
    assert 'id="add-evaluations-grade" aria-invalid="true" aria-describedby="error-add-evaluations-grade"' \
        in response.text
    assert '<a href="#add-evaluations-grade">评议结果：必填</a>' in response.text
    assert 'value="1999"' in response.text and '>补录</textarea>' in response.text
    # htmx swaps only 2xx answers: the same refusal comes as 200 with the form open.
    htmx = browser_session.post(f"/members/{member['id']}/info/evaluations", headers={"HX-Request": "true"}, data={
        "csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "add-evaluations"), "year": "2020",
        "grade": ""})
    assert htmx.status_code == 200 and "必填" in htmx.text and 'id="card-body"' in htmx.text
    after = api.get(f"/members/{member['id']}").json()
    after.pop("photo"), before.pop("photo")
    assert after == before


def test_a_stale_row_change_shows_the_409_and_writes_nothing(browser_session, api, member):
    page = browser_session.get(f"/members/{member['id']}")
    stale = hidden_version(page.text, "add-rewards")
    api.patch(f"/members/{member['id']}", json={"version": member["version"], "phone": "13912345678"})
    current = api.get(f"/members/{member['id']}").json()
    response = browser_session.post(f"/members/{member['id']}/info/rewards", data={
        "csrf_token": csrf_of(page.text), "version": stale, "kind": "1", "name": "优秀党员",
        "decided_on": "2021-07-01", "authority": "", "reason": ""})
    assert response.status_code == 409 and "已被他人修改" in response.text
    assert hidden_version(response.text, "add-rewards") == str(current["version"])
    assert api.get(f"/members/{member['id']}").json()["info_sets"]["rewards"] == []


def test_the_basic_edit_form_saves_the_new_fields(browser_session, api, member):
    page = browser_session.get(f"/members/{member['id']}")
    form = {"csrf_token": csrf_of(page.text), "version": hidden_version(page.text, "edit-form"), "name": "周九",
            "id_number": member["id_number"], "ethnicity": "01", "category": "01", "joined_on": "2012-07-01",
            "full_on": "2013-07-01", "native_place": "江苏南京", "education": "20", "occupation": "",
            "branch_joined_on": "2014-01-01", "phone": "025-1234567", "former_name": "", "address": ""}
    saved = browser_session.post(f"/members/{member['id']}/edit", data=form)
    assert saved.status_code == 303, saved.text
    card = api.get(f"/members/{member['id']}").json()
    assert (card["full_on"], card["native_place"], card["education"], card["branch_joined_on"]) == \
        ("2013-07-01", "江苏南京", "20", "2014-01-01")
