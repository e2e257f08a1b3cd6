"""Sessions end when they should, and logins resist guessing (issue 9 §1): logout, a password
change and disabling an account end sessions at once; tokens are opaque; five failures lock an
account for 15 minutes; usernames are unique case-insensitively; weak passwords are refused;
administrators see and manage the accounts of their subtree only."""
import base64
import contextlib
import json

import httpx
import pytest

from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org, new_staff_account
from tests.support.factories import code
from tests.support.helpers import CJK, assert_error, csrf_of

from ..conftest import login

SECOND_PASSWORD = "Other#Work2027q"
TIMEOUT = 60


@pytest.fixture(scope="module")
def orgs(api, root_id):
    a = create_org(api, root_id, "会话测试甲党委", "党委")
    return {"a": a, "a1": create_org(api, a, "会话测试甲第一支部"),
            "b": create_org(api, root_id, "会话测试乙党委", "党委")}


def new_account(system, api, org_id: int, prefix: str = "sess") -> str:
    """A new account bound to `org_id`, its first password already changed to PASSWORD."""
    return new_staff_account(system, api, org_id, f"{prefix}{code('')}".lower())


def token_of(client: httpx.Client) -> str:
    return client.headers["Authorization"].split(" ", 1)[1]


def alive(client: httpx.Client, org_id: int) -> bool:
    response = client.get(f"/orgs/{org_id}")
    if response.status_code == 401:
        assert_error(response, 401, "unauthorized")
        return False
    assert response.status_code == 200, response.text
    return True


def post_login(system, username: str, password: str) -> httpx.Response:
    # A login is one argon2 verify: seconds on a busy shared machine, hence the generous timeout.
    return httpx.post(f"{system.url}/api/v1/session", json={"username": username, "password": password},
                      timeout=TIMEOUT)


def account_row(api, username: str, org_id: int) -> dict:
    items = api.get("/accounts", params={"org_id": org_id, "size": 200}).json()["items"]
    return next(a for a in items if a["username"] == username)


# --- tokens --------------------------------------------------------------------------------------

def test_a_token_is_random_and_opaque(system, api, orgs):
    username = new_account(system, api, orgs["a"])
    tokens = [token_of(login(system.url, username, PASSWORD)) for _ in range(2)]
    assert tokens[0] != tokens[1]
    for token in tokens:
        assert "." not in token and len(token) >= 40  # no payload.signature, as the old tokens had
        assert username not in token
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(decoded) == 32 and username.encode() not in decoded  # 32 random bytes
        with pytest.raises(ValueError):
            json.loads(decoded)  # no readable payload


# --- ending sessions -----------------------------------------------------------------------------

def test_delete_session_ends_the_token_at_once(system, api, orgs):
    username = new_account(system, api, orgs["a"])
    client, other = login(system.url, username, PASSWORD), login(system.url, username, PASSWORD)
    assert alive(client, orgs["a"])
    assert client.delete("/session").status_code == 204
    assert not alive(client, orgs["a"])
    assert_error(client.post("/orgs", json={"name": "退出后", "code": code(), "type": "党支部",
                                            "parent_id": orgs["a"]}), 401, "unauthorized")
    assert_error(client.delete("/session"), 401, "unauthorized")
    assert alive(other, orgs["a"])  # only that session ended


def test_a_password_change_ends_every_other_session(system, api, orgs):
    username = new_account(system, api, orgs["a"])
    current, other = login(system.url, username, PASSWORD), login(system.url, username, PASSWORD)
    assert current.post("/session/password", json={"old_password": PASSWORD,
                                                   "new_password": SECOND_PASSWORD}).status_code == 204
    assert not alive(other, orgs["a"])
    assert alive(current, orgs["a"])
    assert_error(post_login(system, username, PASSWORD), 401, "unauthorized")
    assert post_login(system, username, SECOND_PASSWORD).status_code == 200


def test_disabling_an_account_ends_all_its_sessions_and_its_logins(system, api, orgs):
    username = new_account(system, api, orgs["a1"])
    sessions = [login(system.url, username, PASSWORD) for _ in range(2)]
    account_id = account_row(api, username, orgs["a1"])["id"]
    disabled = api.post(f"/accounts/{account_id}/disable")
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["status"] == "disabled" and disabled.json()["status_label"] == "已停用"
    assert not any(alive(s, orgs["a1"]) for s in sessions)
    error = assert_error(post_login(system, username, PASSWORD), 403, "forbidden")
    assert "停用" in error["message"]
    assert account_row(api, username, orgs["a1"])["status_label"] == "已停用"

    assert api.post(f"/accounts/{account_id}/enable").json()["status"] == "active"
    assert alive(login(system.url, username, PASSWORD), orgs["a1"])
    assert not any(alive(s, orgs["a1"]) for s in sessions)  # enabling does not bring old sessions back


def test_an_administrator_cannot_disable_its_own_account(api, orgs):
    me = next(a for a in api.get("/accounts", params={"size": 200}).json()["items"] if a["username"] == "admin")
    assert_error(api.post(f"/accounts/{me['id']}/disable"), 409, "conflict")
    assert api.get("/accounts").status_code == 200


def test_web_logout_ends_the_cookie_session(system, api, orgs):
    username = new_account(system, api, orgs["a"])
    with httpx.Client(base_url=system.url, timeout=TIMEOUT) as web:
        page = web.get("/login")
        assert web.post("/login", data={"username": username, "password": PASSWORD,
                                        "csrf_token": csrf_of(page.text)}).status_code == 303
        cookie = web.cookies["pmis_session"]
        home = web.get(f"/orgs/{orgs['a']}")
        assert home.status_code == 200 and "用户管理" in home.text
        assert web.post("/logout", data={"csrf_token": csrf_of(home.text)}).status_code == 303
    # The stolen copy of the cookie, replayed after logout, opens nothing.
    with httpx.Client(base_url=system.url, timeout=TIMEOUT, cookies={"pmis_session": cookie}) as replay:
        response = replay.get(f"/orgs/{orgs['a']}")
        assert response.status_code == 303 and response.headers["location"] == "/login"
    assert_error(httpx.get(f"{system.url}/api/v1/orgs/{orgs['a']}", headers={"Authorization": f"Bearer {cookie}"},
                           timeout=TIMEOUT), 401, "unauthorized")


@contextlib.contextmanager
def web_login(system, username: str):
    """A browser-like client holding a session cookie."""
    with httpx.Client(base_url=system.url, timeout=TIMEOUT) as web:
        page = web.get("/login")
        assert web.post("/login", data={"username": username, "password": PASSWORD,
                                        "csrf_token": csrf_of(page.text)}).status_code == 303
        yield web


def set_cookie_headers(response: httpx.Response, name: str) -> list[str]:
    return [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]


@pytest.mark.parametrize("ending", ["password", "disable"])
def test_a_dead_session_cookie_is_cleared_with_a_message(system, api, orgs, ending):
    username = new_account(system, api, orgs["a1"])
    with web_login(system, username) as web:
        assert web.get(f"/orgs/{orgs['a1']}").status_code == 200
        if ending == "password":  # changed on another device: this browser's session ends
            other = login(system.url, username, PASSWORD)
            assert other.post("/session/password", json={"old_password": PASSWORD,
                                                          "new_password": SECOND_PASSWORD}).status_code == 204
        else:
            account_id = account_row(api, username, orgs["a1"])["id"]
            assert api.post(f"/accounts/{account_id}/disable").status_code == 200

        response = web.get(f"/orgs/{orgs['a1']}")
        assert response.status_code == 303 and response.headers["location"] == "/login"
        [cleared] = set_cookie_headers(response, "pmis_session")
        flags = {part.strip().lower() for part in cleared.split(";")}
        assert cleared.startswith('pmis_session="";') or cleared.startswith("pmis_session=;"), cleared
        assert {"max-age=0", "httponly", "path=/", "samesite=lax"} <= flags, cleared
        assert "pmis_session" not in web.cookies  # the browser forgets it

        login_page = web.get("/login")
        assert "登录已失效，请重新登录" in login_page.text
        # Said once: without the cookie the next refusal is a plain redirect, nothing to clear.
        again = web.get(f"/orgs/{orgs['a1']}")
        assert again.status_code == 303 and not set_cookie_headers(again, "pmis_session")
        assert "登录已失效" not in web.get("/login").text


def test_a_page_without_a_cookie_redirects_without_clearing_anything(system):
    response = httpx.get(f"{system.url}/", timeout=TIMEOUT)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert not response.headers.get_list("set-cookie")


# --- lockout -------------------------------------------------------------------------------------

def test_five_failures_lock_the_account_even_against_the_right_password(system, api, orgs):
    username = new_account(system, api, orgs["a1"])
    for _ in range(4):
        assert_error(post_login(system, username, "Wrong#Guess2026"), 401, "unauthorized")
    locked = assert_error(post_login(system, username, "Wrong#Guess2026"), 429, "locked")
    assert "已锁定，请15分钟后再试" in locked["message"]
    refused = assert_error(post_login(system, username, PASSWORD), 429, "locked")
    assert refused["message"] == locked["message"]

    row = account_row(api, username, orgs["a1"])
    assert row["status"] == "locked" and row["status_label"].startswith("已锁定至")
    assert row["locked_until"]
    unlocked = api.post(f"/accounts/{row['id']}/unlock")
    assert unlocked.status_code == 200 and unlocked.json()["status"] == "active"
    assert post_login(system, username, PASSWORD).status_code == 200


def test_a_success_resets_the_count(system, api, orgs):
    username = new_account(system, api, orgs["a1"])
    for _ in range(4):
        assert_error(post_login(system, username, "Wrong#Guess2026"), 401)
    assert post_login(system, username, PASSWORD).status_code == 200
    for _ in range(4):
        assert_error(post_login(system, username, "Wrong#Guess2026"), 401)
    assert post_login(system, username, PASSWORD).status_code == 200


def test_the_lock_shows_on_the_web_login_form(system, api, orgs):
    username = new_account(system, api, orgs["a1"])
    for _ in range(5):
        post_login(system, username, "Wrong#Guess2026")
    with httpx.Client(base_url=system.url, timeout=TIMEOUT) as web:
        page = web.get("/login")
        response = web.post("/login", data={"username": username, "password": PASSWORD,
                                            "csrf_token": csrf_of(page.text)})
    assert response.status_code == 429 and "已锁定，请15分钟后再试" in response.text
    assert "pmis_session" not in response.headers.get("set-cookie", "")


# --- usernames -----------------------------------------------------------------------------------

def test_usernames_are_unique_whatever_their_case(system, api, orgs):
    username = new_account(system, api, orgs["a"], prefix="case")
    error = assert_error(api.post("/accounts", json={"username": username.upper(), "password": "Third#Work2027r",
                                                     "org_id": orgs["b"]}), 409, "conflict")
    assert "仅大小写不同" in error["message"] and error["fields"] == {"username": "用户名已存在"}
    assert_error(api.post("/accounts", json={"username": "ADMIN", "password": "Third#Work2027r",
                                             "org_id": orgs["b"]}), 409, "conflict")
    assert post_login(system, username.upper(), PASSWORD).status_code == 200  # login ignores case too


# --- password strength ---------------------------------------------------------------------------

@pytest.mark.parametrize("weak", ["Password1", "P@ssw0rd", "Admin@123", "Aa123456", "1qaz@WSX"])
def test_the_well_known_weak_passwords_are_refused(system, api, orgs, weak):
    username = f"weak{code('')}".lower()
    error = assert_error(api.post("/accounts", json={"username": username, "password": weak, "org_id": orgs["a"]}),
                         400, "validation")
    assert set(error["fields"]) == {"password"} and "容易猜测" in error["fields"]["password"]
    assert post_login(system, username, weak).status_code == 401  # nothing was created

    existing = new_account(system, api, orgs["a"])
    client = login(system.url, existing, PASSWORD)
    error = assert_error(client.post("/session/password", json={"old_password": PASSWORD, "new_password": weak}),
                         400, "validation")
    assert set(error["fields"]) == {"new_password"} and CJK.search(error["fields"]["new_password"])


def test_the_organization_name_is_a_guessable_word(api, root_id):
    org_id = create_org(api, root_id, "Hongxing", "党委")
    error = assert_error(api.post("/accounts", json={"username": f"hx{code('')}".lower(), "password": "Hongxing#2026",
                                                     "org_id": org_id}), 400, "validation")
    assert "单位名称" in error["fields"]["password"]


# --- administering accounts ----------------------------------------------------------------------

def test_the_list_shows_the_subtree_with_status(system, api, orgs):
    inside = new_account(system, api, orgs["a1"])
    listed = api.get("/accounts", params={"org_id": orgs["a"], "size": 200})
    assert listed.status_code == 200
    row = next(a for a in listed.json()["items"] if a["username"] == inside)
    assert row["status"] == "active" and row["status_label"] == "正常" and row["org_id"] == orgs["a1"]
    assert {a["org_id"] for a in listed.json()["items"]} <= {orgs["a"], orgs["a1"]}


def test_an_administrator_outside_the_scope_is_refused(system, api, orgs):
    target = new_account(system, api, orgs["b"])
    target_id = account_row(api, target, orgs["b"])["id"]
    admin_a = login(system.url, new_account(system, api, orgs["a"]), PASSWORD)
    for action in ("disable", "enable", "unlock"):
        assert_error(admin_a.post(f"/accounts/{target_id}/{action}"), 403, "forbidden")
    assert_error(admin_a.get("/accounts", params={"org_id": orgs["b"]}), 403, "forbidden")
    own = admin_a.get("/accounts", params={"size": 200}).json()["items"]
    assert target not in {a["username"] for a in own}
    assert all(a["org_id"] in (orgs["a"], orgs["a1"]) for a in own)
    assert post_login(system, target, PASSWORD).status_code == 200  # untouched


def test_an_unknown_account_is_not_found(api):
    assert_error(api.post("/accounts/999999999/disable"), 404, "not_found")


def test_the_accounts_page_unlocks_with_its_form(system, api, orgs):
    username = new_account(system, api, orgs["a1"])
    for _ in range(5):
        post_login(system, username, "Wrong#Guess2026")
    admin_name = new_account(system, api, orgs["a"])
    with httpx.Client(base_url=system.url, timeout=TIMEOUT) as web:
        page = web.get("/login")
        web.post("/login", data={"username": admin_name, "password": PASSWORD, "csrf_token": csrf_of(page.text)})
        accounts = web.get("/accounts")
        assert accounts.status_code == 200 and "用户管理" in accounts.text
        assert username in accounts.text and "已锁定至" in accounts.text
        account_id = account_row(api, username, orgs["a1"])["id"]
        done = web.post(f"/accounts/{account_id}/unlock", data={"csrf_token": csrf_of(accounts.text)})
        assert done.status_code == 303 and done.headers["location"] == "/accounts"
        forged = web.post(f"/accounts/{account_id}/disable", data={})
        assert forged.status_code == 403  # no CSRF token, nothing done
    assert post_login(system, username, PASSWORD).status_code == 200


# --- the forced change page ----------------------------------------------------------------------

def test_the_password_page_asks_to_confirm_the_new_password(system, api, orgs):
    username = f"conf{code('')}".lower()
    assert api.post("/accounts", json={"username": username, "password": FIRST_PASSWORD,
                                       "org_id": orgs["a"]}).status_code == 201
    with httpx.Client(base_url=system.url, timeout=TIMEOUT) as web:
        page = web.get("/login")
        web.post("/login", data={"username": username, "password": FIRST_PASSWORD, "csrf_token": csrf_of(page.text)})
        form = web.get("/password")
        assert "确认新密码" in form.text and 'name="confirm_password"' in form.text
        mismatch = web.post("/password", data={"old_password": FIRST_PASSWORD, "new_password": PASSWORD,
                                               "confirm_password": PASSWORD + "x", "csrf_token": csrf_of(form.text)})
        assert mismatch.status_code == 400 and "与新密码不一致" in mismatch.text
        assert post_login(system, username, FIRST_PASSWORD).json()["must_change_password"] is True  # unchanged
        done = web.post("/password", data={"old_password": FIRST_PASSWORD, "new_password": PASSWORD,
                                           "confirm_password": PASSWORD, "csrf_token": csrf_of(mismatch.text)})
        assert done.status_code == 303 and done.headers["location"] == "/"
        assert web.get(f"/orgs/{orgs['a']}").status_code == 200  # the same session carries on
