"""The member card through HTTP: GET with every info set, rows added, edited and deleted with
the version last read (stale → 409), basic fields by PATCH, and bad input answered 4xx with a
Chinese message and nothing written."""
import pytest

from tests.support.helpers import assert_error

from ..support.factories import member_data
from .test_member_changes_api import create_org, state


@pytest.fixture(scope="module")
def branch(api, root_id) -> int:
    return create_org(api, root_id, "信息卡接口测试支部")


@pytest.fixture
def member(api, branch) -> dict:
    created = api.post("/members", json=member_data(branch, name="卡片接口", joined_on="2012-07-01",
                                                    native_place="河北保定", phone="13800000000"))
    assert created.status_code == 201, created.text
    return api.get(f"/members/{created.json()['id']}").json()


def test_the_card_has_every_info_set_and_the_new_basic_fields(member):
    assert set(member["info_sets"]) == {"educations", "work_posts", "positions", "titles", "evaluations", "rewards",
                                        "other_parties", "hardships", "trainings"}
    assert (member["native_place"], member["phone"], member["full_on"]) == ("河北保定", "13800000000", None)
    assert member["status_changes"] == [] and member["from_info_sets"] == []


def test_a_row_is_added_edited_and_deleted_with_the_version(api, member):
    added = api.post(f"/members/{member['id']}/info/evaluations",
                     json={"version": member["version"], "year": 2023, "grade": "优秀"})
    assert added.status_code == 201, added.text
    card = added.json()
    row = card["info_sets"]["evaluations"][0]
    assert (row["year"], row["grade_name"], card["version"]) == (2023, "优秀", member["version"] + 1)

    edited = api.patch(f"/members/{member['id']}/info/evaluations/{row['id']}",
                       json={"version": card["version"], "grade": "合格", "note": "年度评议"})
    assert edited.status_code == 200, edited.text
    saved = edited.json()["info_sets"]["evaluations"][0]
    assert (saved["grade"], saved["note"]) == ("2", "年度评议")

    # The version read before the edit is stale now, for every set and the basic fields alike.
    before = state(api, member["id"])
    assert_error(api.delete(f"/members/{member['id']}/info/evaluations/{row['id']}",
                            params={"version": card["version"]}), 409, "conflict")
    assert_error(api.post(f"/members/{member['id']}/info/rewards", json={
        "version": card["version"], "kind": "奖励", "name": "先进", "decided_on": "2020-01-01"}), 409)
    assert_error(api.patch(f"/members/{member['id']}", json={"version": card["version"], "phone": "123456"}), 409)
    assert state(api, member["id"]) == before

    deleted = api.delete(f"/members/{member['id']}/info/evaluations/{row['id']}",
                         params={"version": edited.json()["version"]})
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["info_sets"]["evaluations"] == []


def test_patch_sets_the_basic_fields(api, member):
    response = api.patch(f"/members/{member['id']}", json={"version": member["version"], "former_name": "曾用",
                                                            "full_on": "2013-07-01", "education": "大专",
                                                            "address": "保定市"})
    assert response.status_code == 200, response.text
    card = response.json()
    assert (card["former_name"], card["full_on"], card["education_name"], card["address"]) == \
        ("曾用", "2013-07-01", "大学专科", "保定市")


@pytest.mark.parametrize("path, body, status, fields", [
    ("info/work_posts", {"occupation": "宇航员", "started_on": "2030-01-01"}, 400, {"occupation", "started_on"}),
    ("info/evaluations", {"year": 2023, "grade": ["优秀"]}, 400, {"grade"}),
    ("info/evaluations", {"grade": "优秀"}, 400, {"year"}),
    ("info/positions", {"title": "书记", "started_on": "2019-01-01", "extra": 1}, 400, {"extra"}),
])
def test_bad_rows_are_refused_and_change_nothing(api, member, path, body, status, fields):
    before = state(api, member["id"])
    error = assert_error(api.post(f"/members/{member['id']}/{path}", json={"version": member["version"], **body}),
                         status, "validation")
    assert fields <= set(error["fields"])
    assert state(api, member["id"]) == before


def test_missing_version_unknown_row_and_unknown_set(api, member):
    before = state(api, member["id"])
    error = assert_error(api.post(f"/members/{member['id']}/info/rewards",
                                  json={"kind": "奖励", "name": "先进", "decided_on": "2020-01-01"}), 400)
    assert error["fields"] == {"version": "必填"}
    assert_error(api.delete(f"/members/{member['id']}/info/rewards/999999999", params={"version": 1}), 404)
    assert api.post(f"/members/{member['id']}/info/pets", json={"version": 1}).status_code in (404, 405)
    assert state(api, member["id"]) == before


def test_openapi_documents_each_set(api):
    document = api.get("/openapi.json").json()
    body = document["paths"]["/members/{id}/info/evaluations"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert body["required"] == ["version", "year", "grade"]
    assert "优秀" in body["properties"]["grade"]["enum"]
    assert "info_sets" in document["components"]["schemas"]["MemberCard"]["properties"]
