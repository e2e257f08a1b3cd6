"""Quick search within the account's scope: name, pinyin initials, ID number prefixes."""
import httpx
import pytest

from tests.conftest import login
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import assert_error


@pytest.fixture(scope="module")
def people(api, root_id):
    unit = api.post("/orgs", json={"name": "查询党委", "code": code(), "type": "11", "parent_id": root_id}).json()["id"]
    branch = api.post("/orgs", json={"name": "查询支部", "code": code(), "type": "31", "parent_id": unit}).json()["id"]
    elsewhere = api.post("/orgs", json={"name": "外单位支部", "code": code(), "type": "31",
                                        "parent_id": root_id}).json()["id"]
    numbers = {}
    for name, org in (("欧阳修文", branch), ("单雄信武", branch), ("欧阳锋外", elsewhere)):
        numbers[name] = id_number()
        assert api.post("/members", json=member_data(org, name=name, id_number=numbers[name])).status_code == 201
    return {"unit": unit, "numbers": numbers}


def names(response) -> set:
    assert response.status_code == 200, response.text
    return {m["name"] for m in response.json()["items"]}


def test_name_initials_and_id_prefixes(api, people):
    assert {"欧阳修文", "欧阳锋外"} <= names(api.get("/members", params={"q": "欧阳"}))
    assert "欧阳修文" in names(api.get("/members", params={"q": "oyxw"}))
    assert "单雄信武" in names(api.get("/members", params={"q": "SXX"}))  # 单 as a surname reads shan
    number = people["numbers"]["单雄信武"]
    assert names(api.get("/members", params={"q": number[:14]})) >= {"单雄信武"}
    assert names(api.get("/members", params={"q": number.lower()})) == {"单雄信武"}


def test_results_are_paged(api, people):
    first = api.get("/members", params={"q": "欧阳", "size": 1, "page": 1}).json()
    second = api.get("/members", params={"q": "欧阳", "size": 1, "page": 2}).json()
    assert first["total"] >= 2 and len(first["items"]) == 1
    assert first["more"] is False
    assert first["items"][0]["id"] != second["items"][0]["id"]


def test_search_stays_in_the_scope(system, api, people):
    username = f"qs{code('')}"
    api.post("/accounts", json={"username": username, "password": "Init#Pass2026q", "org_id": people["unit"]})
    client = login(system.url, username, "Init#Pass2026q")
    client.post("/session/password", json={"old_password": "Init#Pass2026q", "new_password": "Query#Pass2026"})
    client = login(system.url, username, "Query#Pass2026")
    assert names(client.get("/members", params={"q": "欧阳"})) == {"欧阳修文"}


def test_bad_queries(api):
    assert_error(api.get("/members"), 400, "validation")
    assert_error(api.get("/members", params={"q": "  "}), 400, "validation")
    assert_error(api.get("/members", params={"q": "张" * 51}), 400, "validation")
    assert_error(api.get("/members", params={"q": "张", "size": "999"}), 400, "validation")
    assert api.get("/members", params={"q": "%_"}).json()["total"] == 0  # wildcards are plain characters


def test_search_page(system, api, people):
    username = f"qp{code('')}"
    api.post("/accounts", json={"username": username, "password": "Init#Pass2026p", "org_id": people["unit"]})
    with httpx.Client(base_url=system.url, follow_redirects=True) as web:
        page = web.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        form = web.post("/login", data={"username": username, "password": "Init#Pass2026p", "csrf_token": token})
        token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        web.post("/password", data={"old_password": "Init#Pass2026p", "new_password": "Page#Pass2026",
                                    "confirm_password": "Page#Pass2026", "csrf_token": token})
        result = web.get("/search", params={"q": "oyx"})
        assert result.status_code == 200 and "欧阳修文" in result.text and "欧阳锋外" not in result.text
        assert "不能超过" in web.get("/search", params={"q": "张" * 51}).text
