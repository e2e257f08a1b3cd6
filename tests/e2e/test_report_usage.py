"""报表使用情况 through the gateway (docs/REPORT_TABLES.md "报表使用情况"): a committee and five branches
whose reports are left generated with an audit error, checked, submitted, accepted and returned
(the committee's own not generated); the counts per state, the state and level filters, the page;
scope (a branch's account sees its own subtree only), the 统计报表 right, bad year and filters."""
from datetime import date

import pytest

from tests.support.api import create_org, staff_client
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, wait_for

from .test_rights import new_login, refused_for_right

YEAR = date.today().year
BRANCHES = ("generated", "checked", "submitted", "accepted", "returned")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(scope="module")
def tree(api, root_id):
    committee = create_org(api, root_id, "使用情况党委", "党委")
    branches = {state: create_org(api, committee, f"使用情况{state}支部") for state in BRANCHES}
    for org_id in branches.values():
        ok(api.post("/members", json=member_data(org_id, joined_on="2015-07-01")), 201)
    for org_id in branches.values():  # counted before generating: the audit compares with last year
        wait_for(lambda: ok(api.get(f"/orgs/{org_id}/reports/{YEAR}"))["year_end_total"], lambda n: n == 1,
                 what="支部的本年底党员数")
    for state, org_id in branches.items():
        base = f"/orgs/{org_id}/reports/{YEAR}"
        ok(api.post(base + "/generate"))
        if state == "generated":  # a hand correction that breaks the audit
            ok(api.post(base + "/corrections", json={"table": "t1", "row": "total", "column": "year_end",
                                                     "value": 3, "reason": "录错"}))
        if state in ("submitted", "accepted", "returned"):
            ok(api.post(base + "/submit"))
        if state == "accepted":
            ok(api.post(base + "/accept", json={}))
        if state == "returned":
            ok(api.post(base + "/return", json={"comment": "请核对学历"}))
    return {"committee": committee, **branches}


def test_every_state_is_counted_and_shown_for_the_subtree(api, tree):
    usage = ok(api.get(f"/orgs/{tree['committee']}/reports/{YEAR}/usage"))
    assert usage["year"] == YEAR and usage["total"] == 6
    assert {c["state"]: c["count"] for c in usage["counts"]} == {
        "none": 1, "generated": 1, "checked": 1, "submitted": 1, "accepted": 1, "returned": 1}
    by_org = {item["org_id"]: item for item in usage["items"]}
    assert by_org[tree["committee"]]["state_name"] == "未生成" and by_org[tree["committee"]]["level"] == 1
    for state in BRANCHES:
        assert by_org[tree[state]]["state"] == state and by_org[tree[state]]["level_name"] == "下一级", state
        assert by_org[tree[state]]["source_name"] == "直统"
    assert by_org[tree["returned"]]["comment"] == "请核对学历" and by_org[tree["accepted"]]["decided_at"]
    assert by_org[tree["submitted"]]["submitted_at"]
    assert usage["levels"] == [{"level": 1, "level_name": "本组织", "count": 1},
                               {"level": 2, "level_name": "下一级", "count": 5}]


def test_the_filters_narrow_the_list_and_the_counts_follow_the_level(api, tree):
    base = f"/orgs/{tree['committee']}/reports/{YEAR}/usage"
    returned = ok(api.get(base, params={"state": "returned"}))
    assert [item["org_id"] for item in returned["items"]] == [tree["returned"]] and returned["total"] == 6
    own = ok(api.get(base, params={"level": "1"}))
    assert [item["org_id"] for item in own["items"]] == [tree["committee"]]
    assert {c["state"]: c["count"] for c in own["counts"]}["none"] == 1 and own["total"] == 1


def test_the_page_shows_the_counts_and_links_from_the_report_page(browser_session, tree):
    web, base = browser_session, f"/orgs/{tree['committee']}/reports/{YEAR}"
    page = web.get(base + "/usage")
    assert page.status_code == 200, page.text
    assert 'id="count-returned">1<' in page.text and "已退回" in page.text and "请核对学历" in page.text
    assert f'data-org="{tree["accepted"]}"' in page.text
    filtered = web.get(base + "/usage?state=checked")
    assert f'data-org="{tree["checked"]}"' in filtered.text and f'data-org="{tree["returned"]}"' not in filtered.text
    moved = web.get(base + f"/usage?year={YEAR - 1}&state=none")
    assert moved.status_code == 303 and moved.headers["location"].endswith(f"/reports/{YEAR - 1}/usage?state=none")
    report = web.get(base)
    assert f'href="{base}/usage" id="usage-link"' in report.text


def test_a_branch_account_sees_its_own_subtree_only(system, api, tree):
    client = staff_client(system, api, tree["checked"], "usage")
    try:
        own = ok(client.get(f"/orgs/{tree['checked']}/reports/{YEAR}/usage"))
        assert [item["org_id"] for item in own["items"]] == [tree["checked"]]
        assert client.get(f"/orgs/{tree['committee']}/reports/{YEAR}/usage").status_code in (403, 404)
        assert client.get(f"/orgs/{tree['returned']}/reports/{YEAR}/usage").status_code in (403, 404)
    finally:
        client.close()


def test_an_account_without_the_stats_right_is_refused(system, api, tree):
    admin, _ = new_login(system, api, tree["committee"], "useadm", "系统管理员")
    role = ok(admin.post("/roles", json={"name": f"只管党员{code('')}", "rights": {"daily": "read"}}), 201)
    client, _ = new_login(system, admin, tree["committee"], "nostats", role["name"])
    try:
        refused_for_right(client.get(f"/orgs/{tree['committee']}/reports/{YEAR}/usage"), "统计报表")
    finally:
        client.close()
        admin.close()


@pytest.mark.parametrize("query, field", [({}, "year"), ({"state": "bogus"}, "state"), ({"level": "0"}, "level")])
def test_bad_year_or_filters_are_refused_in_chinese(api, tree, query, field):
    year = 1900 if field == "year" else YEAR
    error = assert_error(api.get(f"/orgs/{tree['committee']}/reports/{year}/usage", params=query), 400, "validation")
    assert field in error["fields"] and "无效" in error["message"], error


def test_the_openapi_document_describes_the_usage(api):
    operation = api.get("/openapi.json").json()["paths"]["/orgs/{id}/reports/{year}/usage"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"id", "year", "state", "level"}
    assert "报表使用情况" in operation["summary"]
