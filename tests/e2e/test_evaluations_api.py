"""民主评议情况 through the JSON API: a branch's record of last year — its counts come from the members'
grades in their 民主评议 info set (a grade changed there changes them), 优秀 above a third is a warning
and keeps the record from being closed, the year's 民主评议党员 meeting is linked; the subtree's list of
the committee and its branches; the annual report's table 8 counts the same grades; scope and bad
input change nothing."""
from datetime import date

import pytest

from tests.support.api import create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error, wait_for

YEAR = date.today().year - 1


def grade(api, member_id: int, value: str) -> int:
    card = api.get(f"/members/{member_id}").json()
    added = api.post(f"/members/{member_id}/info/evaluations",
                     json={"version": card["version"], "year": YEAR, "grade": value})
    assert added.status_code == 201, added.text
    return next(r["id"] for r in added.json()["info_sets"]["evaluations"] if r["year"] == YEAR)


@pytest.fixture(scope="module")
def world(api, root_id):
    committee = create_org(api, root_id, "民主评议测试党委", "党委")
    first = create_org(api, committee, "民主评议第一支部")
    second = create_org(api, committee, "民主评议第二支部")
    people = {}
    for name, org, joined in (("甲", first, "2010-07-01"), ("乙", first, "2012-07-01"), ("丙", first, "2015-07-01"),
                              ("丁", first, "2016-07-01"), ("戊", first, f"{YEAR}-03-01"),
                              ("己", second, "2010-07-01")):
        created = api.post("/members", json=member_data(org, name=f"评议{name}", joined_on=joined))
        assert created.status_code == 201, created.text
        people[name] = created.json()["id"]
    rows = {name: grade(api, people[name], value)
            for name, value in (("甲", "优秀"), ("乙", "优秀"), ("丙", "合格"), ("己", "不合格"))}
    return {"committee": committee, "first": first, "second": second, "people": people, "rows": rows}


def evaluation(api, org_id: int) -> dict:
    response = api.get(f"/orgs/{org_id}/evaluation", params={"year": YEAR})
    assert response.status_code == 200, response.text
    return response.json()


def grades(body: dict) -> dict:
    return {g["name"]: g["count"] for g in body["grades"]}


def t8(api, org_id: int) -> dict:
    report = api.get(f"/orgs/{org_id}/reports/{YEAR}").json()
    return next(t for t in report["tables"] if t["key"] == "t8")["rows"][0]["cells"]


def test_the_record_counts_the_members_grades_and_closes_within_a_third(api, world):
    body = evaluation(api, world["first"])
    # 甲乙丙丁 were members all year (丁 has no grade yet); 戊 joined during it and is not expected.
    assert (body["record"], body["status"], body["on"]) == (None, "none", f"{YEAR}-12-31")
    assert (body["expected"], body["participated"]) == (4, 3)
    assert grades(body) == {"优秀": 2, "合格": 1, "基本合格": 0, "不合格": 0}
    assert body["excellent_over"] and body["excellent_limit"] == 1
    assert body["warnings"] == ["优秀2人，超过实参评人数（3人）的三分之一（至多1人）",
                                f"1名应参评党员尚无{YEAR}年度民主评议结果"]
    listed = {m["name"]: (m["grade_name"], m["expected"]) for m in body["members"]}
    assert listed == {"评议甲": ("优秀", True), "评议乙": ("优秀", True), "评议丙": ("合格", True),
                      "评议丁": (None, True), "评议戊": (None, False)}

    opened = api.put(f"/orgs/{world['first']}/evaluation", json={"year": YEAR, "started_on": f"{YEAR}-12-01"})
    assert opened.status_code == 200, opened.text
    assert (opened.json()["version"], opened.json()["status"]) == (1, "open")
    # Closing is refused while 优秀 is above a third; nothing changes.
    refused = assert_error(api.put(f"/orgs/{world['first']}/evaluation", json={
        "year": YEAR, "started_on": f"{YEAR}-12-01", "ended_on": f"{YEAR}-12-20", "version": 1}), 422, "refused")
    assert "三分之一" in refused["message"] and "ended_on" in refused["fields"]
    assert evaluation(api, world["first"])["record"]["version"] == 1

    # The grade is corrected in 乙's info set, and 戊 (who joined during the year) is graded too.
    p = world["people"]
    card = api.get(f"/members/{p['乙']}").json()
    changed = api.patch(f"/members/{p['乙']}/info/evaluations/{world['rows']['乙']}",
                        json={"version": card["version"], "grade": "合格"})
    assert changed.status_code == 200, changed.text
    grade(api, p["戊"], "基本合格")
    body = evaluation(api, world["first"])
    assert (body["expected"], body["participated"], body["excellent_over"]) == (5, 4, False)
    assert grades(body) == {"优秀": 1, "合格": 2, "基本合格": 1, "不合格": 0}

    closed = api.put(f"/orgs/{world['first']}/evaluation", json={
        "year": YEAR, "started_on": f"{YEAR}-12-01", "ended_on": f"{YEAR}-12-20", "note": "与组织生活会合并召开",
        "version": 1})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["version"], closed.json()["status_name"]) == (2, "已完成")
    record = evaluation(api, world["first"])["record"]
    assert (record["started_on"], record["ended_on"], record["note"]) == (
        f"{YEAR}-12-01", f"{YEAR}-12-20", "与组织生活会合并召开")
    assert_error(api.put(f"/orgs/{world['first']}/evaluation", json={
        "year": YEAR, "started_on": f"{YEAR}-12-02", "version": 1}), 409, "conflict")
    history = api.get(f"/orgs/{world['first']}/history").json()
    assert any(line["action_name"] == "民主评议情况" for line in history["items"]), history


def test_the_year_s_meeting_is_linked(api, world):
    p = world["people"]
    created = api.post(f"/orgs/{world['first']}/meetings", json={
        "kind": "民主评议党员", "held_at": f"{YEAR}-12-10T09:00", "place": "活动室", "host": "书记", "recorder": "委员",
        "topic": f"{YEAR}年度民主评议党员", "attendees": [p["甲"], p["乙"], p["丙"]],
        "absentees": [{"member_id": p["丁"], "reason": "病假"}]})
    assert created.status_code == 201, created.text
    assert [m["id"] for m in evaluation(api, world["first"])["meetings"]] == [created.json()["id"]]


def test_the_committee_sees_itself_and_its_branches(api, world):
    response = api.get(f"/orgs/{world['committee']}/evaluations", params={"year": YEAR})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["branch"] is False
    rows = {row["org_id"]: row for row in body["items"]}
    total, first, second = rows[world["committee"]], rows[world["first"]], rows[world["second"]]
    assert body["items"][0]["level"] == "self"
    assert (total["branches"], total["recorded"], total["done"], total["status"]) == (2, 1, 1, "open")
    assert (total["expected"], total["participated"]) == (6, 5)
    assert (first["status"], first["expected"], first["participated"]) == ("done", 5, 4)
    assert (second["status_name"], second["expected"], second["participated"]) == ("未开展", 1, 1)
    assert {g["name"]: g["count"] for g in second["grades"]}["不合格"] == 1
    # A branch's record is its own: the committee's is refused with a reason.
    error = assert_error(api.get(f"/orgs/{world['committee']}/evaluation", params={"year": YEAR}), 400, "validation")
    assert "党支部" in error["message"]


def test_the_annual_report_counts_the_same_grades(api, world):
    body = evaluation(api, world["first"])
    expected = {"participants": body["participated"],
                **{f"grade_{g['code']}": g["count"] for g in body["grades"]}}
    cells = wait_for(lambda: t8(api, world["first"]),
                     lambda c: all(c.get(k) == v for k, v in expected.items()), what="表8与民主评议情况一致")
    assert cells["participants"] == 4


def test_scope_and_bad_input_change_nothing(system, api, world):
    staff = staff_client(system, api, world["second"], "eval")
    try:
        assert_error(staff.get(f"/orgs/{world['first']}/evaluation", params={"year": YEAR}), 403, "forbidden")
        assert_error(staff.put(f"/orgs/{world['first']}/evaluation", json={
            "year": YEAR, "started_on": f"{YEAR}-12-01"}), 403, "forbidden")
        assert_error(staff.get(f"/orgs/{world['committee']}/evaluations", params={"year": YEAR}), 403, "forbidden")
        own = staff.put(f"/orgs/{world['second']}/evaluation", json={"year": YEAR, "started_on": f"{YEAR}-11-05"})
        assert own.status_code == 200, own.text
    finally:
        staff.close()
    first = world["first"]
    before = evaluation(api, first)["record"]
    for params, field in (({"year": "abcd"}, "year"), ({"year": date.today().year + 1}, "year")):
        assert field in assert_error(api.get(f"/orgs/{first}/evaluation", params=params), 400, "validation")["fields"]
    bad = [({"year": YEAR, "started_on": "2099-01-01"}, "started_on"),
           ({"year": YEAR, "started_on": f"{YEAR - 1}-12-31"}, "started_on"),
           ({"year": YEAR, "started_on": f"{YEAR}-12-01", "ended_on": f"{YEAR}-11-01"}, "ended_on"),
           ({"year": YEAR, "started_on": 20251201}, "started_on"),
           ({"year": YEAR, "started_on": f"{YEAR}-12-01", "version": "2"}, "version"),
           ({"year": YEAR}, "started_on"), ({"started_on": f"{YEAR}-12-01"}, "year")]
    for data, field in bad:
        error = assert_error(api.put(f"/orgs/{first}/evaluation", json=data), 400, "validation")
        assert field in error["fields"], (data, error)
    assert_error(api.put(f"/orgs/{world['committee']}/evaluation", json={
        "year": YEAR, "started_on": f"{YEAR}-12-01"}), 400, "validation")
    assert_error(api.put("/orgs/999999999/evaluation", json={"year": YEAR, "started_on": f"{YEAR}-12-01"}), 404)
    assert evaluation(api, first)["record"] == before
