"""移动党组织 over HTTP: 200 with the new path and version; bad input, a stale version and a
target below the organization get the one error body in Chinese; the tree reads the same after."""
from datetime import date

from tests.support.factories import code
from tests.support.helpers import assert_error, csrf_of

TODAY = date.today().isoformat()


def create_org(api, parent_id: int, name: str, type_: str) -> dict:
    response = api.post("/orgs", json={"name": name, "code": code("V"), "type": type_, "parent_id": parent_id})
    assert response.status_code == 201, response.text
    return response.json()


def read(api, org_id: int) -> dict:
    response = api.get(f"/orgs/{org_id}")
    assert response.status_code == 200, response.text
    return response.json()


def test_move_over_http(api, root_id):
    a = create_org(api, root_id, "接口移动甲党委", "党委")
    b = create_org(api, root_id, "接口移动乙党委", "党委")
    a1 = create_org(api, a["id"], "接口移动甲第二党委", "党委")
    version = read(api, a1["id"])["version"]

    error = assert_error(api.post(f"/orgs/{a1['id']}/move", json={"parent_id": b["id"], "date": "2999-01-01",
                                                                  "reason": "调整", "version": version}),
                         400, "validation")
    assert error["fields"]["date"] == "移动日期不能晚于今天"
    assert_error(api.post(f"/orgs/{a['id']}/move", json={"parent_id": a1["id"], "date": TODAY, "reason": "调整",
                                                         "version": read(api, a["id"])["version"]}),
                 400, "validation")
    assert_error(api.post(f"/orgs/{a1['id']}/move", json={"parent_id": b["id"], "date": TODAY, "reason": "调整",
                                                          "version": version + 5}), 409)
    assert_error(api.post(f"/orgs/{a1['id']}/move", json=[1]), 400)

    moved = api.post(f"/orgs/{a1['id']}/move", json={"parent_id": b["id"], "date": TODAY, "reason": "隶属关系调整",
                                                     "version": version})
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["parent_id"] == b["id"] and body["path"] == f"{b['path']}{a1['id']}/"
    assert body["version"] == version + 1
    card = read(api, a1["id"])
    assert card["parent_id"] == b["id"] and card["path"] == body["path"]
    history = api.get(f"/orgs/{a1['id']}/history").json()["items"][0]
    assert history["action_name"] == "移动" and history["note"] == "隶属关系调整"


def test_move_from_the_org_card_page(api, browser_session, root_id):
    """The 移动 form on the organization card picks the new parent by its code; a refusal comes
    back beside the form with what was typed; success returns to the card under the new parent."""
    a = create_org(api, root_id, "网页移动甲党委", "党委")
    b = create_org(api, root_id, "网页移动乙党委", "党委")
    a1 = create_org(api, a["id"], "网页移动甲第一支部", "党支部")
    page = browser_session.get(f"/orgs/{a1['id']}")
    assert page.status_code == 200 and 'id="move-form"' in page.text and "确认移动党组织" in page.text
    form = {"csrf_token": csrf_of(page.text), "version": str(read(api, a1["id"])["version"]),
            "date": TODAY, "reason": "隶属关系调整"}

    refused = browser_session.post(f"/orgs/{a1['id']}/move", data={**form, "parent_code": "NO-SUCH-CODE"})
    assert refused.status_code == 400
    assert "没有代码为“NO-SUCH-CODE”的党组织" in refused.text and 'value="隶属关系调整"' in refused.text
    below = browser_session.post(f"/orgs/{a1['id']}/move", data={**form, "parent_code": read(api, a1["id"])["code"]})
    assert below.status_code == 400 and "不能移动到本组织或其下级党组织之下" in below.text

    moved = browser_session.post(f"/orgs/{a1['id']}/move", data={**form, "parent_code": read(api, b["id"])["code"]})
    assert moved.status_code == 303 and moved.headers["location"] == f"/orgs/{a1['id']}"
    assert read(api, a1["id"])["parent_id"] == b["id"]
    card = browser_session.get(f"/orgs/{a1['id']}")
    assert "网页移动乙党委" in card.text
