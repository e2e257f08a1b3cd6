"""Staff accounts and their scope over HTTP: a new account must change its one-time password
before anything else, and then acts on its organization's subtree only (house rule 4)."""
import re

import httpx
import pytest

from gateway.api.routes import routes
from tests.support.helpers import CJK, assert_error, wait_for

from ..conftest import login
from ..support.factories import code, member_data

FIRST_PASSWORD = "Start#Pass2026"
NEW_PASSWORD = "Branch#Work2026"
SOME_UUID = "00000000-0000-0000-0000-000000000001"


def create_org(api, parent_id: int, name: str, type_: str) -> int:
    response = api.post("/orgs", json={"name": name, "code": code(), "type": type_, "parent_id": parent_id})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def sign_in(system, username: str, password: str) -> httpx.Response:
    """POST /session; a login hashes a password, seconds on a loaded machine (httpx's default is 5 s)."""
    return httpx.post(f"{system.url}/api/v1/session", json={"username": username, "password": password}, timeout=30)


@pytest.fixture(scope="module")
def orgs(api, root_id):
    """A (党委) with branch A1 (党支部), and a sibling committee B with a member in it."""
    a = create_org(api, root_id, "范围测试甲党委", "党委")
    a1 = create_org(api, a, "范围测试甲第一支部", "党支部")
    b = create_org(api, root_id, "范围测试乙党委", "党委")
    b_member = api.post("/members", json=member_data(b, name="乙党员"))
    assert b_member.status_code == 201, b_member.text
    return {"root": root_id, "a": a, "a1": a1, "b": b, "b_member": b_member.json()["id"]}


@pytest.fixture(scope="module")
def username():
    return f"staff{code()}".lower()


@pytest.fixture(scope="module")
def account(api, orgs, username):
    response = api.post("/accounts", json={"username": username, "password": FIRST_PASSWORD, "org_id": orgs["a"]})
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["org_id"] == orgs["a"] and created["username"] == username
    return created


@pytest.fixture(scope="module")
def fresh_login(system, account, username):
    """The new account's first session, before its password is changed."""
    client = login(system.url, username, FIRST_PASSWORD)
    yield client
    client.close()


@pytest.fixture(scope="module")
def staff(system, fresh_login, username):
    """The new account after it has changed its one-time password and logged in again."""
    response = fresh_login.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                           "new_password": NEW_PASSWORD})
    assert response.status_code == 204, response.text
    client = login(system.url, username, NEW_PASSWORD)
    yield client
    client.close()


# --- the first login ---------------------------------------------------------------------------

def test_a_new_account_must_change_its_password_and_is_bound_to_its_org(system, orgs, account, username):
    response = sign_in(system, username, FIRST_PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["must_change_password"] is True
    assert response.json()["org_id"] == orgs["a"]


def _every_other_route():
    """(method, path) of every API route except the public document, login and password change."""
    exempt = {"/openapi.json", "/session", "/session/password"}
    for route in routes:
        if route.path in exempt:
            continue
        for method in sorted(route.methods - {"HEAD"}):
            yield method, route.path


def _concrete(path: str, orgs: dict, member_id: int | None = None) -> str:
    """The path with its parameters filled: the organization A (in scope), a member of A1 for a
    member's paths when given (so a 2xx would be a real leak), harmless values for the rest."""
    values = {"id": orgs["a"], "upload_id": SOME_UUID, "photo_id": SOME_UUID, "variant": "thumb", "row_id": 1,
              "attachment_id": SOME_UUID,
              "batch_id": SOME_UUID, "year": 2025, "entry": 1, "kind": "suspended", "correction_id": 1, "code": "01",
              "key": "ethnicity"}
    if member_id is not None and path.startswith("/members/{id}"):
        values["id"] = member_id
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


@pytest.mark.parametrize("method, path", list(_every_other_route()))
def test_before_the_password_is_changed_every_other_endpoint_is_refused(fresh_login, orgs, method, path):
    """A one-time password opens nothing but the password change (403 password_change_required)."""
    body = member_data(orgs["a1"]) if path == "/members" else {}
    assert_error(fresh_login.request(method, _concrete(path, orgs), json=body), 403, "password_change_required")


def test_the_password_policy_is_enforced_on_change(fresh_login, username):
    """Too short, or containing the user name → 400 with fields.new_password."""
    for weak in ("Ab#1", f"X#9{username.upper()}z"):
        error = assert_error(fresh_login.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                                         "new_password": weak}), 400, "validation")
        assert set(error["fields"]) == {"new_password"}, error
        assert CJK.search(error["fields"]["new_password"])


def test_a_refused_password_change_leaves_the_old_password_valid(system, fresh_login, username):
    assert fresh_login.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                       "new_password": "short"}).status_code == 400
    response = sign_in(system, username, FIRST_PASSWORD)
    assert response.status_code == 200 and response.json()["must_change_password"] is True


def test_a_wrong_old_password_is_refused(fresh_login):
    error = assert_error(fresh_login.post("/session/password", json={"old_password": "Wrong#Pass2026",
                                                                      "new_password": NEW_PASSWORD}), 400)
    assert set(error["fields"]) == {"old_password"}


# --- after the change ---------------------------------------------------------------------------

def test_after_the_change_the_account_logs_in_normally(system, staff, username, orgs):
    response = sign_in(system, username, NEW_PASSWORD)
    assert response.status_code == 200
    assert response.json()["must_change_password"] is False and response.json()["org_id"] == orgs["a"]
    old = sign_in(system, username, FIRST_PASSWORD)
    assert_error(old, 401, "unauthorized")


def test_the_account_works_inside_its_subtree(staff, orgs):
    """It reads A and A1, adds a member to A1, and A's statistics count that member."""
    assert staff.get(f"/orgs/{orgs['a']}").json()["id"] == orgs["a"]
    assert staff.get(f"/orgs/{orgs['a1']}").json()["id"] == orgs["a1"]
    assert [c["id"] for c in staff.get(f"/orgs/{orgs['a']}/children").json()["items"]] == [orgs["a1"]]

    created = staff.post("/members", json=member_data(orgs["a1"], name="甲支部党员"))
    assert created.status_code == 201, created.text
    member = staff.get(f"/members/{created.json()['id']}")
    assert member.status_code == 200 and member.json()["org_id"] == orgs["a1"]

    stats = wait_for(lambda: staff.get(f"/orgs/{orgs['a']}/stats").json(), lambda s: s["members"]["total"] == 1)
    assert stats["members"]["total"] == 1


def test_breadcrumbs_do_not_reveal_orgs_above_the_scope(staff, orgs):
    """Ancestors outside the scope (the root) are left out of an organization's breadcrumbs."""
    ancestors = staff.get(f"/orgs/{orgs['a1']}").json()["ancestors"]
    assert [a["id"] for a in ancestors] == [orgs["a"]]


@pytest.mark.parametrize("path", ["/orgs/{b}", "/orgs/{root}", "/orgs/{b}/children", "/orgs/{b}/members",
                                  "/orgs/{b}/stats", "/orgs/{root}/stats", "/members/{b_member}"])
def test_reads_outside_the_subtree_are_forbidden(staff, orgs, path):
    assert_error(staff.get(path.format(**orgs)), 403, "forbidden")


def test_reconcile_outside_the_subtree_is_forbidden(staff, orgs):
    assert_error(staff.post(f"/orgs/{orgs['b']}/stats/reconcile"), 403, "forbidden")


def test_sorting_its_own_top_org_among_the_parents_children_is_forbidden(api, staff, orgs, root_id):
    """Sorting A among the root's children would move B too: it needs the parent's scope."""
    before = [child["id"] for child in api.get(f"/orgs/{root_id}/children").json()["items"]]
    response = staff.post(f"/orgs/{orgs['a']}/sort", json={"move": "down"})
    assert response.status_code == 403, response.text
    assert "管理范围" in response.json()["error"]["message"]
    assert [child["id"] for child in api.get(f"/orgs/{root_id}/children").json()["items"]] == before
    inside = staff.post(f"/orgs/{orgs['a1']}/sort", json={"move": "up"})
    assert inside.status_code == 200, inside.text


def test_creating_an_org_under_b_is_forbidden(api, staff, orgs):
    before = api.get(f"/orgs/{orgs['b']}/children").json()["items"]
    response = staff.post("/orgs", json={"name": "越权支部", "code": code(), "type": "党支部", "parent_id": orgs["b"]})
    assert_error(response, 403, "forbidden")
    assert api.get(f"/orgs/{orgs['b']}/children").json()["items"] == before


def test_creating_a_member_in_b_is_forbidden(api, staff, orgs):
    before = api.get(f"/orgs/{orgs['b']}/members").json()["total"]
    assert_error(staff.post("/members", json=member_data(orgs["b"], name="越权党员")), 403, "forbidden")
    assert api.get(f"/orgs/{orgs['b']}/members").json()["total"] == before


def test_creating_an_account_for_b_is_forbidden(system, staff, orgs):
    """An account can only hand out accounts inside its own scope."""
    username = f"intruder{code()}".lower()
    response = staff.post("/accounts", json={"username": username, "password": "Other#Pass2026", "org_id": orgs["b"]})
    assert_error(response, 403, "forbidden")
    refused = sign_in(system, username, "Other#Pass2026")
    assert refused.status_code == 401


def test_creating_an_account_inside_the_subtree_is_allowed(system, staff, orgs):
    username = f"helper{code()}".lower()
    response = staff.post("/accounts", json={"username": username, "password": "Other#Pass2026", "org_id": orgs["a1"]})
    assert response.status_code == 201, response.text
    login(system.url, username, "Other#Pass2026").close()  # raises unless the login succeeds


def test_the_password_policy_is_enforced_for_new_accounts(api, orgs):
    username = f"weak{code()}".lower()
    for weak in ("Ab#1", f"Aa#1{username}"):
        error = assert_error(api.post("/accounts", json={"username": username, "password": weak, "org_id": orgs["a"]}),
                             400, "validation")
        assert set(error["fields"]) == {"password"}


def test_a_duplicate_username_is_a_conflict(api, orgs, account, username):
    response = api.post("/accounts", json={"username": username, "password": "Other#Pass2026", "org_id": orgs["b"]})
    assert_error(response, 409, "conflict")


# --- login -------------------------------------------------------------------------------------

@pytest.mark.parametrize("credentials", [
    {"username": "admin", "password": "Wrong#Pass2026"},
    {"username": "nobody-here", "password": "Wrong#Pass2026"},
    {"username": "admin", "password": ""},
    {"username": "admin"},
], ids=["wrong-password", "unknown-user", "empty-password", "no-password"])
def test_a_bad_login_is_unauthorized_with_one_message(system, credentials):
    """Wrong password and unknown user get the same 401 and message (no user enumeration)."""
    response = httpx.post(f"{system.url}/api/v1/session", json=credentials, timeout=60)  # argon2 even when unknown
    error = assert_error(response, 401, "unauthorized")
    assert error["message"] == "用户名或密码错误"
    assert "token" not in response.json()


# --- the API document --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def document(system):
    response = httpx.get(f"{system.url}/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_lists_every_route_and_method(document):
    """Every route in gateway/api/routes.py (except the document itself) is documented, per method."""
    for route in routes:
        if route.path == "/openapi.json":
            continue
        assert route.path in document["paths"], f"{route.path} 未写入 OpenAPI 文档"
        documented = set(document["paths"][route.path])
        assert {m.lower() for m in route.methods - {"HEAD"}} <= documented, route.path


def _enum(schema: dict, field: str) -> list:
    return schema["properties"][field]["enum"]


def test_openapi_enums_list_the_chinese_names(document):
    def body(path):
        return document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]

    assert "党支部" in _enum(body("/orgs"), "type")
    assert "正式党员" in _enum(body("/members"), "category")
    assert "汉族" in _enum(body("/members"), "ethnicity")
    assert "01" in _enum(body("/members"), "ethnicity")  # codes are accepted too


# --- the authorization matrix: missing module right, read-only role (issue 16) ------------------

@pytest.fixture(scope="module")
def a1_member(api, orgs) -> int:
    response = api.post("/members", json=member_data(orgs["a1"], name="矩阵党员"))
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture(scope="module")
def limited(system, staff, orgs):
    """Accounts of A made by A's 系统管理员 (staff): a 党费-only clerk and a read-only one."""
    role = staff.post("/roles", json={"name": f"矩阵党费{code()}", "rights": {"dues": "write"}})
    assert role.status_code == 201, role.text
    clients = {}
    for kind, role_name in (("clerk", role.json()["name"]), ("reader", "只读")):
        username = f"{kind}{code()}".lower()
        created = staff.post("/accounts", json={"username": username, "password": FIRST_PASSWORD,
                                                "org_id": orgs["a"], "role": role_name})
        assert created.status_code == 201, created.text
        first = login(system.url, username, FIRST_PASSWORD)
        assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                     "new_password": NEW_PASSWORD}).status_code == 204
        first.close()
        clients[kind] = login(system.url, username, NEW_PASSWORD)
    yield clients
    for client in clients.values():
        client.close()


# Operations open to every account: the organization tree everyone navigates, and blank templates.
OPEN_TO_ALL = {("GET", "/orgs/{id}"), ("GET", "/orgs/{id}/children"), ("GET", "/orgs"), ("GET", "/org-fields")}
# POSTs that only read (a query sent as a body): a read-only account may use them.
READING_POSTS = {("POST", "/member-queries")}


def _not_dues(operation) -> bool:
    method, path = operation
    return "dues" not in path and operation not in OPEN_TO_ALL and not path.endswith("template.xlsx")


@pytest.mark.parametrize("method, path", [op for op in _every_other_route() if _not_dues(op)])
def test_without_the_modules_right_nothing_is_done_or_shown(limited, orgs, a1_member, method, path):
    """A 党费-only clerk in scope (organization A, A1's member) gets no 2xx outside 党费; a read is
    refused for the right itself (403), not for a missing record."""
    response = limited["clerk"].request(method, _concrete(path, orgs, a1_member), json={})
    assert not 200 <= response.status_code < 400, (response.status_code, response.text[:300])
    if method == "GET":  # refused for the right itself, or its input refused before any call
        assert response.status_code in (400, 403), response.text[:300]
        if response.status_code == 403:
            assert assert_error(response, 403, "forbidden")["message"].startswith("无权操作")


@pytest.mark.parametrize("method, path", [op for op in _every_other_route()
                                          if op[0] != "GET" and op not in READING_POSTS])
def test_a_read_only_account_changes_nothing(limited, orgs, a1_member, method, path):
    response = limited["reader"].request(method, _concrete(path, orgs, a1_member), json={})
    assert not 200 <= response.status_code < 400, (response.status_code, response.text[:300])


def test_a_read_only_account_reads_in_scope_and_not_outside(limited, orgs, a1_member):
    reader = limited["reader"]
    assert reader.get(f"/members/{a1_member}").status_code == 200
    assert reader.get(f"/orgs/{orgs['a']}/members").status_code == 200
    assert_error(reader.get(f"/members/{orgs['b_member']}"), 403, "forbidden")
    assert_error(reader.get(f"/orgs/{orgs['b']}/members"), 403, "forbidden")
