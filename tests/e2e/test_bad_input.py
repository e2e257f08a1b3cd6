"""Bad input gets a clear answer (house rule 7): typed errors become 400/401/404/409/413 with one
error body and a Chinese message, no stack trace reaches the user, and nothing is half-written."""
import base64
import json
import secrets
from contextlib import contextmanager

import httpx
import pytest

from services.member.domain.id_number import check_char
from tests.support.helpers import assert_error

from ..support.factories import code, id_number, member_data


@pytest.fixture(scope="module")
def tree(api, root_id):
    """A committee with one branch under it: where the rejected writes are aimed."""
    committee = api.post("/orgs", json={"name": "输入校验测试党委", "code": code(), "type": "党委",
                                        "parent_id": root_id})
    assert committee.status_code == 201, committee.text
    branch = api.post("/orgs", json={"name": "输入校验测试支部", "code": code(), "type": "党支部",
                                     "parent_id": committee.json()["id"]})
    assert branch.status_code == 201, branch.text
    existing = api.post("/members", json=member_data(branch.json()["id"], name="已有党员"))
    assert existing.status_code == 201, existing.text
    return {"committee": committee.json()["id"], "branch": branch.json()["id"],
            "existing_id_number": api.get(f"/members/{existing.json()['id']}").json()["id_number"]}


@contextmanager
def nothing_written(api, tree):
    """The committee's sub-organizations and the branch's members are the same afterwards."""
    def snapshot():
        children = api.get(f"/orgs/{tree['committee']}/children")
        members = api.get(f"/orgs/{tree['branch']}/members", params={"size": 200})
        assert children.status_code == 200 and members.status_code == 200
        return ([c["id"] for c in children.json()["items"]],
                members.json()["total"], [m["id"] for m in members.json()["items"]])

    before = snapshot()
    yield
    assert snapshot() == before, "被拒绝的请求写入了数据"


def post_raw(api, path: str, body: bytes) -> httpx.Response:
    return api.post(path, content=body, headers={"Content-Type": "application/json"})


def org_body(tree, **overrides) -> dict:
    body = {"name": "不应创建的支部", "code": code(), "type": "党支部", "parent_id": tree["committee"]}
    body.update(overrides)
    return body


def member_body(tree, **overrides) -> dict:
    body = member_data(tree["branch"], name="不应录入的党员")
    body.update(overrides)
    return body


WRITES = ["/orgs", "/members"]


def valid_body(path, tree):
    return org_body(tree) if path == "/orgs" else member_body(tree)


# --- the body itself ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", WRITES)
@pytest.mark.parametrize("body", [b'{"name": "\xe6\x94\xaf\xe9\x83\xa8", ', b"not json", b"", b"\xff\xfe{}"],
                         ids=["truncated", "text", "empty", "bad-utf8"])
def test_malformed_json_is_refused(api, tree, path, body):
    """A body that is not JSON → 400 "malformed"."""
    with nothing_written(api, tree):
        assert_error(post_raw(api, path, body), 400, "malformed")


@pytest.mark.parametrize("path", WRITES)
def test_a_json_array_is_not_an_object(api, tree, path):
    """Only a JSON object is accepted; an array of valid objects is still malformed."""
    with nothing_written(api, tree):
        assert_error(post_raw(api, path, json.dumps([valid_body(path, tree)]).encode()), 400, "malformed")


@pytest.mark.parametrize("path", WRITES)
def test_a_body_over_64_kb_is_refused(api, tree, path):
    """Bodies are bounded at 64 KB, whether the length is declared or the body is streamed."""
    body = valid_body(path, tree)
    body["padding"] = "x" * (64 * 1024)
    encoded = json.dumps(body).encode()
    with nothing_written(api, tree):
        assert_error(post_raw(api, path, encoded), 413, "too_large")

        def chunks():  # no Content-Length: the gateway must count as it reads
            for start in range(0, len(encoded), 8192):
                yield encoded[start:start + 8192]

        streamed = api.post(path, content=chunks(), headers={"Content-Type": "application/json"})
        assert "content-length" not in streamed.request.headers
        assert_error(streamed, 413, "too_large")


def test_a_body_just_under_the_limit_is_read(api, tree):
    """The limit is 64 KB, not less: a large but allowed body reaches validation."""
    body = org_body(tree, name=None)
    body["padding"] = "x" * (60 * 1024)
    with nothing_written(api, tree):
        error = assert_error(api.post("/orgs", json=body), 400, "validation")
    assert set(error["fields"]) == {"name"}


# --- missing fields and wrong types ------------------------------------------------------------

def test_an_empty_org_names_every_missing_field(api, tree):
    """Every missing field of an organization gets its own Chinese message, all at once."""
    with nothing_written(api, tree):
        error = assert_error(api.post("/orgs", json={}), 400, "validation")
    assert set(error["fields"]) == {"name", "code", "type", "parent_id"}


def test_an_empty_member_names_every_missing_field(api, tree):
    """Every missing field of a member gets its own Chinese message, all at once."""
    with nothing_written(api, tree):
        error = assert_error(api.post("/members", json={}), 400, "validation")
    assert set(error["fields"]) == {"org_id", "name", "id_number", "ethnicity", "category", "joined_on"}


def test_a_member_with_only_its_org_names_the_other_missing_fields(api, tree):
    with nothing_written(api, tree):
        error = assert_error(api.post("/members", json={"org_id": tree["branch"]}), 400, "validation")
    assert set(error["fields"]) == {"name", "id_number", "ethnicity", "category", "joined_on"}
    assert all(message == "必填" for message in error["fields"].values()), error["fields"]


@pytest.mark.parametrize("path, overrides, field", [
    ("/orgs", {"parent_id": "abc"}, "parent_id"),
    ("/orgs", {"name": 12345}, "name"),
    ("/orgs", {"parent_id": True}, "parent_id"),
    ("/members", {"org_id": "abc"}, "org_id"),
    ("/members", {"name": 12345}, "name"),
    ("/members", {"org_id": 1.5}, "org_id"),
    ("/members", {"joined_on": 20100701}, "joined_on"),
])
def test_wrong_json_types_are_refused_per_field(api, tree, path, overrides, field):
    """A field of the wrong JSON type → 400 with that field named, not a 500 or a coercion."""
    body = org_body(tree, **overrides) if path == "/orgs" else member_body(tree, **overrides)
    with nothing_written(api, tree):
        error = assert_error(api.post(path, json=body), 400, "validation")
    assert field in error["fields"], error


# --- member values -----------------------------------------------------------------------------

def _bad_check_digit() -> str:
    valid = id_number()
    return valid[:17] + next(c for c in "0123456789X" if c != valid[17])


def _impossible_birth_date() -> str:
    """2023-02-30, with the check digit that would be right, so only the date is wrong."""
    first17 = "110101" + "20230230" + "001"
    return first17 + check_char(first17)


@pytest.mark.parametrize("bad, expected", [
    (_bad_check_digit(), "校验码"),
    (id_number()[:17], "18位"),
    (_impossible_birth_date(), "出生日期"),
], ids=["check-digit", "17-digits", "2023-02-30"])
def test_invalid_id_numbers_are_refused(api, tree, bad, expected):
    """GB 11643: length, a real birth date and the check digit are all enforced."""
    with nothing_written(api, tree):
        error = assert_error(api.post("/members", json=member_body(tree, id_number=bad)), 400, "validation")
    assert set(error["fields"]) == {"id_number"}, error
    assert expected in error["fields"]["id_number"], error


def test_an_unknown_ethnicity_is_refused(api, tree):
    """Ethnicity must be one of GB/T 3304's 56 (name or code)."""
    with nothing_written(api, tree):
        error = assert_error(api.post("/members", json=member_body(tree, ethnicity="火星族")), 400, "validation")
    assert set(error["fields"]) == {"ethnicity"}
    assert "火星族" in error["fields"]["ethnicity"]


def test_a_duplicate_id_number_is_a_conflict(api, tree):
    """One person, one member record: the same ID number again → 409, nothing written."""
    with nothing_written(api, tree):
        error = assert_error(api.post("/members", json=member_body(tree, id_number=tree["existing_id_number"])),
                             409, "conflict")
    assert "id_number" in error["fields"]


def test_a_duplicate_id_number_in_lower_case_x_is_the_same_person(api, tree):
    """The check character X is normalized, so "…x" does not slip past the duplicate check."""
    first = id_number()
    while not first.endswith("X"):
        first = id_number()
    created = api.post("/members", json=member_body(tree, id_number=first))
    assert created.status_code == 201, created.text
    with nothing_written(api, tree):
        assert_error(api.post("/members", json=member_body(tree, id_number=first.lower())), 409, "conflict")


def test_a_duplicate_org_code_is_a_conflict(api, tree):
    taken = code()
    assert api.post("/orgs", json=org_body(tree, code=taken)).status_code == 201
    with nothing_written(api, tree):
        error = assert_error(api.post("/orgs", json=org_body(tree, code=taken)), 409, "conflict")
    assert "code" in error["fields"]


# --- references to organizations that do not exist ---------------------------------------------

def test_a_member_in_an_unknown_org_is_a_validation_error(api, tree):
    """An unknown organization is a bad field of the new member (as a new org's unknown parent is):
    400 with fields.org_id, not a 404 that would read as "no such endpoint"."""
    with nothing_written(api, tree):
        error = assert_error(api.post("/members", json=member_data(999999)), 400, "validation")
    assert set(error["fields"]) == {"org_id"}
    assert "党组织" in error["message"]


def test_an_org_under_an_unknown_parent_is_a_validation_error(api, tree):
    """An unknown parent is a bad field of the new organization: 400 with fields.parent_id."""
    with nothing_written(api, tree):
        error = assert_error(api.post("/orgs", json=org_body(tree, parent_id=999999)), 400, "validation")
    assert set(error["fields"]) == {"parent_id"}


def test_an_org_under_a_branch_is_refused(api, tree):
    """Branches (党支部) are the leaves of the tree."""
    with nothing_written(api, tree):
        error = assert_error(api.post("/orgs", json=org_body(tree, parent_id=tree["branch"])), 400, "validation")
    assert set(error["fields"]) == {"parent_id"}
    assert api.get(f"/orgs/{tree['branch']}/children").json()["items"] == []


@pytest.mark.parametrize("path", ["/orgs/999999", "/orgs/abc", "/orgs/0", "/orgs/-1", "/orgs/999999/children",
                                  "/orgs/abc/members", "/members/999999", "/members/abc"])
def test_unknown_or_malformed_ids_are_not_found(api, path):
    assert_error(api.get(path), 404, "not_found")


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/no-such-route", 404), ("DELETE", "/members", 405), ("PUT", "/orgs/1", 405), ("PUT", "/members/1", 405),
])
def test_unknown_routes_and_methods_get_the_one_error_body(api, method, path, status):
    """Starlette's own 404/405 inside /api/v1 are JSON with a Chinese message, not plain English text."""
    response = api.request(method, path)
    assert_error(response, status)
    if status == 405:
        assert response.headers["allow"]


# --- authentication ----------------------------------------------------------------------------

@pytest.mark.parametrize("authorization", [None, "Bearer garbage.token.here", "Bearer", "Basic YWRtaW46YWRtaW4="],
                         ids=["none", "garbage", "empty-bearer", "basic"])
@pytest.mark.parametrize("method, path", [("POST", "/orgs"), ("POST", "/members"), ("GET", "/orgs/{committee}")])
def test_requests_without_a_valid_token_are_unauthorized(system, api, tree, method, path, authorization):
    """No token or a forged one → 401 before anything is read or written."""
    headers = {"Authorization": authorization} if authorization else {}
    with httpx.Client(base_url=f"{system.url}/api/v1", timeout=20) as anonymous, nothing_written(api, tree):
        response = anonymous.request(method, path.format(**tree), json=valid_body(path, tree), headers=headers)
        assert_error(response, 401, "unauthorized")


def test_a_token_the_server_never_issued_is_unauthorized(system, api, tree):
    """A token is only good while the server keeps its session: a made-up one of the right shape
    opens nothing, nor does a readable payload naming the administrator."""
    payload = base64.urlsafe_b64encode(json.dumps({"a": 1, "u": "admin", "s": "/", "m": False}).encode()).decode()
    for forged in (secrets.token_urlsafe(32), payload + ".Z2FyYmFnZQ.c2lnbmF0dXJl"):
        with httpx.Client(base_url=f"{system.url}/api/v1", timeout=20,
                          headers={"Authorization": f"Bearer {forged}"}) as client, nothing_written(api, tree):
            assert_error(client.post("/orgs", json=org_body(tree)), 401, "unauthorized")


# --- at the end --------------------------------------------------------------------------------

def test_counters_still_match_a_recount_after_all_the_rejections(system, api, tree):
    """Nothing half-written reached the stats service either: counters equal a recount."""
    assert system.wait_consistent() == []
    members = api.get(f"/orgs/{tree['branch']}/members").json()["total"]
    stats = api.get(f"/orgs/{tree['committee']}/stats").json()
    assert stats["members"]["total"] == members
