"""Changing members through HTTP: PATCH with the version last read, leave / restore / undo, the
history list — each endpoint's success, and bad input answered 4xx with a Chinese message and
nothing written."""
import json
from datetime import date, timedelta

import pytest

from services.shared.codes import CLERK_LEAVE_KINDS
from tests.support.helpers import assert_error, wait_for

from ..conftest import login
from ..support.factories import code, id_number, member_data

FIRST_PASSWORD = "Start#Pass2026c"
PASSWORD = "Change#Work2026"


def create_org(api, parent_id: int, name: str, type_: str = "党支部") -> int:
    response = api.post("/orgs", json={"name": name, "code": code(), "type": type_, "parent_id": parent_id})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture(scope="module")
def orgs(api, root_id) -> dict:
    committee = create_org(api, root_id, "变动接口测试党委", "党委")
    return {"committee": committee, "a": create_org(api, committee, "变动接口甲支部"),
            "b": create_org(api, committee, "变动接口乙支部")}


@pytest.fixture
def member(api, orgs) -> dict:
    created = api.post("/members", json=member_data(orgs["a"], name="赵七", category="预备党员",
                                                    joined_on="2015-07-01"))
    assert created.status_code == 201, created.text
    return api.get(f"/members/{created.json()['id']}").json()


@pytest.fixture(scope="module")
def outsider(system, api, orgs):
    """An account bound to branch B (password already changed)."""
    username = f"chg{code('')}".lower()
    assert api.post("/accounts", json={"username": username, "password": FIRST_PASSWORD,
                                       "org_id": orgs["b"]}).status_code == 201
    first = login(system.url, username, FIRST_PASSWORD)
    assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                 "new_password": PASSWORD}).status_code == 204
    first.close()
    client = login(system.url, username, PASSWORD)
    yield client
    client.close()


def state(api, member_id: int) -> dict:
    """What a refused request must leave as it was."""
    member = api.get(f"/members/{member_id}").json()
    member.pop("photo")
    return member


def post_raw(api, path: str, body: bytes):
    return api.post(path, content=body, headers={"Content-Type": "application/json"})


# --- PATCH /members/{id} ------------------------------------------------------------------------

def test_patch_changes_basic_information(api, member):
    number = id_number(birth=date(1980, 5, 6), female=True)
    response = api.patch(f"/members/{member['id']}", json={"version": member["version"], "name": "赵七七",
                                                           "id_number": number, "category": "正式党员"})
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["name"], changed["id_number"], changed["sex"], changed["birth_date"], changed["category"]) == \
        ("赵七七", number, "2", "1980-05-06", "01")
    assert changed["version"] == member["version"] + 1
    assert api.get(f"/members/{member['id']}").json()["version"] == changed["version"]


def test_a_stale_patch_is_a_409_and_changes_nothing(api, member):
    first = api.patch(f"/members/{member['id']}", json={"version": member["version"], "name": "第一次"})
    assert first.status_code == 200, first.text
    before = state(api, member["id"])
    error = assert_error(api.patch(f"/members/{member['id']}", json={"version": member["version"], "name": "第二次"}),
                         409, "conflict")
    assert "已被他人修改" in error["message"] and error["fields"] == {"version": "版本已过期"}
    assert state(api, member["id"]) == before


def test_a_patch_to_another_members_id_number_is_a_409(api, orgs, member):
    other = api.post("/members", json=member_data(orgs["b"])).json()["id"]
    number = api.get(f"/members/{other}").json()["id_number"]
    before = state(api, member["id"])
    error = assert_error(api.patch(f"/members/{member['id']}", json={"version": member["version"],
                                                                     "id_number": number}), 409, "conflict")
    assert error["fields"] == {"id_number": "该公民身份号码已存在"}
    assert state(api, member["id"]) == before


@pytest.mark.parametrize("body, field", [
    ({"version": "1", "name": "甲"}, "version"), ({"version": 1, "name": 5}, "name"),
    ({"version": 1, "joined_on": 20100701}, "joined_on"), ({"version": True, "name": "甲"}, "version"),
    ({"name": "甲"}, "version"), ({"version": 1}, "data"), ({"version": 1, "org_id": 2}, "org_id"),
    ({"version": 1, "id_number": "110105194912310021"}, "id_number"), ({"version": 1, "joined_on": "2099-01-01"},
                                                                         "joined_on"),
])
def test_bad_patches_are_400_per_field_and_change_nothing(api, member, body, field):
    before = state(api, member["id"])
    error = assert_error(api.patch(f"/members/{member['id']}", json=body), 400, "validation")
    assert field in error["fields"], error
    assert state(api, member["id"]) == before


@pytest.mark.parametrize("path", ["", "/leave", "/restore", "/status/undo"])
@pytest.mark.parametrize("body", [b"{not json", b"[1]", b"\xff"], ids=["broken", "array", "bad-utf8"])
def test_malformed_bodies_are_refused(api, member, path, body):
    before = state(api, member["id"])
    url = f"/members/{member['id']}{path}"
    response = api.patch(url, content=body) if not path else post_raw(api, url, body)
    assert_error(response, 400, "malformed")
    assert state(api, member["id"]) == before


@pytest.mark.parametrize("method, path", [("PATCH", ""), ("POST", "/leave"), ("POST", "/restore"),
                                          ("POST", "/status/undo")])
def test_unknown_members_are_404(api, method, path):
    body = {"version": 1, "name": "无"} if method == "PATCH" else {"kind": "死亡", "date": "2024-01-01"}
    assert_error(api.request(method, f"/members/999999999{path}", json=body), 404, "not_found")
    assert_error(api.request(method, f"/members/abc{path}", json=body), 404, "not_found")


# --- leave, restore, undo -----------------------------------------------------------------------

def test_leave_restore_and_undo(api, orgs, member):
    response = api.post(f"/members/{member['id']}/leave", json={"kind": "停止党籍", "date": "2024-02-01",
                                                                "reason": "长期失联", "version": member["version"]})
    assert response.status_code == 200, response.text
    left = response.json()
    assert (left["status"], left["leave_kind_name"], left["left_on"], left["leave_reason"]) == \
        ("left", "停止党籍", "2024-02-01", "长期失联")

    history = api.get(f"/orgs/{orgs['a']}/members", params={"history": "1", "size": 200}).json()
    assert member["id"] in [m["id"] for m in history["items"]] and history["history"] is True
    active = api.get(f"/orgs/{orgs['a']}/members", params={"size": 200}).json()
    assert member["id"] not in [m["id"] for m in active["items"]]

    restored = api.post(f"/members/{member['id']}/restore")  # no body: today, no reason
    assert restored.status_code == 200, restored.text
    assert restored.json()["status"] == "active" and restored.json()["status_changes"][0]["action"] == "restore"

    undone = api.post(f"/members/{member['id']}/status/undo", json={})
    assert undone.status_code == 200, undone.text
    assert (undone.json()["status"], undone.json()["leave_kind"]) == ("left", "30")


@pytest.mark.parametrize("body, field", [
    ({"kind": "升职", "date": "2024-01-01"}, "kind"),
    ({"kind": "组织关系转出", "date": "2024-01-01"}, "kind"),  # only a transfer records it
    ({"kind": "死亡", "date": (date.today() + timedelta(days=1)).isoformat()}, "date"),
    ({"kind": "开除党籍", "date": "2024-01-01"}, "reason"),
    ({"kind": "死亡", "date": "2024/01/01"}, "date"),
    ({"kind": ["死亡"], "date": "2024-01-01"}, "kind"),
    ({"kind": "死亡", "date": 20240101}, "date"),
    ({"kind": "死亡", "date": "2024-01-01", "reason": 7}, "reason"),
    ({"kind": "死亡", "date": "2024-01-01", "version": "2"}, "version"),
    ({"kind": "死亡", "date": "2010-01-01"}, "date"),  # before joining (2015-07-01)
    ({"kind": "取消预备党员资格", "date": "2024-01-01"}, "reason"),
    ({}, "kind"),
])
def test_bad_leaves_are_400_per_field_and_change_nothing(api, orgs, member, body, field):
    before = state(api, member["id"])
    error = assert_error(api.post(f"/members/{member['id']}/leave", json=body), 400, "validation")
    assert field in error["fields"], error
    assert state(api, member["id"]) == before
    assert member["id"] in [m["id"] for m in api.get(f"/orgs/{orgs['a']}/members", params={"size": 200})
                            .json()["items"]]


def test_leave_with_an_empty_body_is_malformed(api, member):
    assert_error(post_raw(api, f"/members/{member['id']}/leave", b""), 400, "malformed")


def test_conflicting_status_changes_are_409(api, member):
    stale = assert_error(api.post(f"/members/{member['id']}/leave", json={
        "kind": "死亡", "date": "2024-01-01", "version": member["version"] + 1}), 409, "conflict")
    assert stale["fields"] == {"version": "版本已过期"}
    nothing = assert_error(api.post(f"/members/{member['id']}/status/undo"), 409, "conflict")
    assert nothing["message"] == "该党员没有可回退的党籍变动"
    active = assert_error(api.post(f"/members/{member['id']}/restore"), 409, "conflict")
    assert active["message"] == "该党员在党员名册中，无需找回"

    assert api.post(f"/members/{member['id']}/leave", json={"kind": "除名", "date": "2024-01-01",
                                                            "reason": "支部大会决定"}).status_code == 200
    before = state(api, member["id"])
    again = assert_error(api.post(f"/members/{member['id']}/leave", json={"kind": "死亡", "date": "2024-02-01"}),
                         409, "conflict")
    assert "不能再办理减少" in again["message"]
    refused = assert_error(api.post(f"/members/{member['id']}/restore"), 409, "conflict")
    assert "一般不能恢复党籍" in refused["message"]
    assert state(api, member["id"]) == before


# --- scope ------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, body", [
    ("PATCH", "", {"version": 1, "name": "越权"}), ("POST", "/leave", {"kind": "死亡", "date": "2024-01-01"}),
    ("POST", "/restore", {}), ("POST", "/status/undo", {})])
def test_out_of_scope_changes_are_403_and_change_nothing(api, outsider, member, method, path, body):
    if path in ("/restore", "/status/undo"):
        api.post(f"/members/{member['id']}/leave", json={"kind": "死亡", "date": "2024-01-01"})
    before = state(api, member["id"])
    error = assert_error(outsider.request(method, f"/members/{member['id']}{path}", json=body), 403, "forbidden")
    assert "不在本账号的管理范围内" in error["message"]
    assert state(api, member["id"]) == before


def test_out_of_scope_history_list_is_403(outsider, orgs):
    assert_error(outsider.get(f"/orgs/{orgs['a']}/members", params={"history": "1"}), 403, "forbidden")


# --- the history list and the document ----------------------------------------------------------

@pytest.mark.parametrize("value", ["yes", "2", "-1"])
def test_a_bad_history_flag_is_400(api, orgs, value):
    error = assert_error(api.get(f"/orgs/{orgs['a']}/members", params={"history": value}), 400, "validation")
    assert set(error["fields"]) == {"history"}


def test_history_list_has_kind_and_date_and_the_counts_follow(api, orgs):
    branch = create_org(api, orgs["committee"], "历史列表测试支部")
    ids = [api.post("/members", json=member_data(branch, name=name)).json()["id"] for name in ("甲", "乙", "丙")]
    api.post(f"/members/{ids[0]}/leave", json={"kind": "死亡", "date": "2023-01-01"})
    api.post(f"/members/{ids[1]}/leave", json={"kind": "退党", "date": "2024-01-01", "reason": "本人申请退党"})

    history = api.get(f"/orgs/{branch}/members?history=1").json()
    assert [(m["id"], m["leave_kind_name"], m["left_on"]) for m in history["items"]] == \
        [(ids[1], "退党除名", "2024-01-01"), (ids[0], "死亡", "2023-01-01")]
    assert [m["id"] for m in api.get(f"/orgs/{branch}/members").json()["items"]] == [ids[2]]
    wait_for(lambda: api.get(f"/orgs/{branch}/stats").json()["members"]["total"], lambda n: n == 1,
             what="the stats to drop the two who left")


def test_openapi_lists_the_new_paths_and_the_kinds(api):
    document = api.get("/openapi.json").json()
    paths = document["paths"]
    assert "patch" in paths["/members/{id}"]
    for path in ("/members/{id}/leave", "/members/{id}/restore", "/members/{id}/status/undo"):
        assert "post" in paths[path]
    kind = paths["/members/{id}/leave"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "properties"]["kind"]
    # the kinds a clerk records: 组织关系转出 (40) only comes by a transfer
    assert set(kind["enum"]) == set(CLERK_LEAVE_KINDS.names()) | set(CLERK_LEAVE_KINDS.codes())
    assert "40" not in kind["enum"] and "组织关系转出" not in kind["enum"]
    params = {p["name"] for p in paths["/orgs/{id}/members"]["get"]["parameters"]}
    assert "history" in params
    json.dumps(document, ensure_ascii=False)  # serializable as is
