"""The server-rendered pages: sessions in HttpOnly cookies, CSRF on every form, errors shown
in Chinese beside the form, nothing written by a refused form."""
import httpx

from tests.support.factories import code, id_number
from tests.support.helpers import csrf_of

from .conftest import PASSWORD


def test_login_form_without_its_csrf_token_is_refused(system):
    with httpx.Client(base_url=system.url) as client:
        response = client.post("/login", data={"username": "admin", "password": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.text


def test_wrong_password_is_shown_on_the_form(system):
    with httpx.Client(base_url=system.url) as client:
        page = client.get("/login")
        response = client.post("/login", data={"username": "admin", "password": "wrong",
                                               "csrf_token": csrf_of(page.text)})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text


def test_pages_need_a_session(system):
    with httpx.Client(base_url=system.url) as client:
        response = client.get("/orgs/1")
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_form_post_without_csrf_changes_nothing(browser_session, api, root_id):
    before = api.get(f"/orgs/{root_id}/children").json()["items"]
    response = browser_session.post(f"/orgs/{root_id}/children",
                                    data={"name": "伪造请求", "code": code("X"), "type": "31"})
    assert response.status_code == 403
    assert api.get(f"/orgs/{root_id}/children").json()["items"] == before


def test_cookie_session_cannot_call_the_api_without_csrf(browser_session, root_id):
    """The JSON API accepts the web cookie only with the CSRF header on writes."""
    response = browser_session.post("/api/v1/orgs", json={"name": "伪造", "code": code("X"), "type": "31",
                                                          "parent_id": root_id})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf"


def test_invalid_member_form_shows_field_errors_and_writes_nothing(browser_session, api, root_id):
    branch = api.post("/orgs", json={"name": "表单测试支部", "code": code(), "type": "31", "parent_id": root_id})
    branch_id = branch.json()["id"]
    page = browser_session.get(f"/orgs/{branch_id}")
    assert "新增党员" in page.text and "新建下级党组织" not in page.text  # a branch has no sub-organizations
    response = browser_session.post(f"/orgs/{branch_id}/members", data={
        "csrf_token": csrf_of(page.text), "name": "赵六", "id_number": "110105194912310021",
        "ethnicity": "01", "category": "01", "joined_on": "2010-07-01"})
    assert response.status_code == 400
    assert "校验码错误" in response.text
    assert 'value="赵六"' in response.text  # the form keeps what was typed
    assert api.get(f"/orgs/{branch_id}/members").json()["total"] == 0

    response = browser_session.post(f"/orgs/{branch_id}/members", data={
        "csrf_token": csrf_of(page.text), "name": "赵六", "id_number": id_number(),
        "ethnicity": "01", "category": "01", "joined_on": "2010-07-01"})
    assert response.status_code == 303 and response.headers["location"].startswith("/members/")


def test_tree_node_expands_through_a_partial(browser_session, api, root_id):
    parent = api.post("/orgs", json={"name": "树节点党委", "code": code(), "type": "11", "parent_id": root_id})
    api.post("/orgs", json={"name": "树节点下级支部", "code": code(), "type": "31", "parent_id": parent.json()["id"]})
    root_partial = browser_session.get(f"/orgs/{root_id}/tree")
    assert root_partial.status_code == 200 and "<html" not in root_partial.text
    assert f'hx-get="/orgs/{parent.json()["id"]}/tree"' in root_partial.text
    child_partial = browser_session.get(f"/orgs/{parent.json()['id']}/tree")
    assert "树节点下级支部" in child_partial.text


def test_out_of_scope_page_is_a_chinese_403(system, api, root_id):
    a = api.post("/orgs", json={"name": "甲党委", "code": code(), "type": "11", "parent_id": root_id}).json()
    b = api.post("/orgs", json={"name": "乙党委", "code": code(), "type": "11", "parent_id": root_id}).json()
    username = f"scoped{code('')}"
    api.post("/accounts", json={"username": username, "password": "Init#Pass2026s", "org_id": a["id"]})
    with httpx.Client(base_url=system.url) as client:
        page = client.get("/login")
        client.post("/login", data={"username": username, "password": "Init#Pass2026s",
                                    "csrf_token": csrf_of(page.text)})
        form = client.get("/password")
        client.post("/password", data={"old_password": "Init#Pass2026s", "new_password": PASSWORD,
                                       "confirm_password": PASSWORD, "csrf_token": csrf_of(form.text)})
        response = client.get(f"/orgs/{b['id']}")
    assert response.status_code == 403
    assert "不在本账号的管理范围内" in response.text
