"""组织生活 beyond a record, through the JSON API: voiding a record (kept, uncounted, idempotent),
what is due and who missed the last period (counts kept with each record, carried by a move), the
yearly plan, members' attendance per organization and on a member's history, the Excel exports."""
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from services.org.domain.orglife_rules import previous_key
from tests.support.api import create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error

TODAY = date.today()
THIS_MONTH = datetime.now().replace(hour=0, minute=1, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")
LAST_MONTH = date(*[int(x) for x in (previous_key("month", TODAY)[0], previous_key("month", TODAY)[1][1:], 1)])


def when(day: date, minute: int) -> str:
    return f"{day.isoformat()}T09:{minute:02d}"


@pytest.fixture(scope="module")
def world(api, root_id):
    committee = create_org(api, root_id, "组织生活督查党委", "党委")
    other_committee = create_org(api, root_id, "组织生活督查另一党委", "党委")
    first = create_org(api, committee, "督查第一支部")
    second = create_org(api, committee, "督查第二支部")
    people = {}
    for name, org in (("甲", first), ("乙", first), ("丙", second)):
        created = api.post("/members", json=member_data(org, name=f"督查{name}", joined_on="2010-07-01"))
        assert created.status_code == 201, created.text
        people[name] = created.json()["id"]
    return {"committee": committee, "other_committee": other_committee, "first": first, "second": second,
            "people": people}


def record(api, world, org: str, kind: str, held_at: str, **changes) -> int:
    p = world["people"]
    attendees, absentees = [p["丙"]], []
    if org == "first":
        attendees, absentees = [p["甲"]], [{"member_id": p["乙"], "reason": "病假"}]
    data = {"kind": kind, "held_at": held_at, "place": "活动室", "host": "书记", "recorder": "委员",
            "topic": f"{kind}学习", "attendees": attendees, "absentees": absentees, **changes}
    created = api.post(f"/orgs/{world[org]}/meetings", json=data)
    assert created.status_code == 201, created.text
    return created.json()["id"]


def due(api, org_id: int, key: str = "due") -> dict:
    response = api.get(f"/orgs/{org_id}/org-life/due")
    assert response.status_code == 200, response.text
    return {item["kind"]: item["organizations"] for item in response.json()[key]}


def held(api, org_id: int, year: int, kind: str) -> int:
    return api.get(f"/orgs/{org_id}/org-life/summary", params={"year": year}).json()["kinds"][kind]["held"]


def test_due_counts_follow_records_voids_and_moves(api, world):
    committee = world["committee"]
    assert due(api, committee)["12"] == 2  # two branches owe this month's 支委会
    one = record(api, world, "first", "支委会", THIS_MONTH)
    two = record(api, world, "first", "支委会", THIS_MONTH.replace("T00:01", "T00:02"))
    assert due(api, committee)["12"] == 1 and due(api, world["first"]).get("12") is None
    assert held(api, committee, TODAY.year, "12") == 2
    # Voiding one of two leaves the branch done; voiding both makes it owe again.
    voided = api.post(f"/meetings/{one}/void", json={"reason": "重复录入"})
    assert voided.status_code == 200 and voided.json()["voided"] is True, voided.text
    assert due(api, committee)["12"] == 1 and held(api, committee, TODAY.year, "12") == 1
    assert_error(api.post(f"/meetings/{one}/void", json={"reason": "再来一次"}), 409, "conflict")
    assert held(api, committee, TODAY.year, "12") == 1  # the second void changed nothing
    api.post(f"/meetings/{two}/void", json={"reason": "误录"})
    assert due(api, committee)["12"] == 2 and held(api, committee, TODAY.year, "12") == 0
    # The branch's figures go with it: under the other committee, this one no longer counts it.
    record(api, world, "second", "支委会", THIS_MONTH)
    assert due(api, committee)["12"] == 1
    version = api.get(f"/orgs/{world['second']}").json()["version"]
    moved = api.post(f"/orgs/{world['second']}/move", json={"parent_id": world["other_committee"], "version": version,
                                                            "date": TODAY.isoformat(), "reason": "隶属关系调整"})
    assert moved.status_code == 200, moved.text
    assert due(api, committee)["12"] == 1  # one branch left, and it has not held one
    assert due(api, world["other_committee"]).get("12") is None  # its one branch has
    assert due(api, 1).get("12", 0) >= 1  # the root still counts both (moved within it)


def test_a_voided_record_is_kept_with_its_reason_and_refuses_changes(api, world):
    held_at = when(LAST_MONTH, 11)
    meeting_id = record(api, world, "first", "党课", held_at, speaker="书记", lecture_title="党史")
    assert_error(api.post(f"/meetings/{meeting_id}/void", json={}), 400, "validation")
    assert_error(api.post(f"/meetings/{meeting_id}/void", json={"reason": "误录", "version": 9}), 409, "conflict")
    assert api.get(f"/meetings/{meeting_id}").json()["voided"] is False  # nothing written
    assert api.post(f"/meetings/{meeting_id}/void", json={"reason": "误录", "version": 1}).status_code == 200
    found = api.get(f"/meetings/{meeting_id}").json()
    assert found["voided"] and found["void_reason"] == "误录" and found["history"][0]["action"] == "voided"
    assert_error(api.patch(f"/meetings/{meeting_id}", json={"topic": "改"}), 409, "conflict")
    assert_error(api.post(f"/meetings/{meeting_id}/sign", json={"role": "host"}), 409, "conflict")
    # Its minute is free for the right record; the list still shows the voided one, marked.
    again = record(api, world, "first", "党课", held_at, speaker="书记", lecture_title="党史（更正）")
    listed = api.get(f"/orgs/{world['first']}/meetings", params={"year": LAST_MONTH.year, "kind": "党课"}).json()
    marks = {item["id"]: item["voided"] for item in listed["items"]}
    assert marks[meeting_id] is True and marks[again] is False


def test_the_supervision_list_names_the_branches_that_missed_the_last_period(api, world):
    record(api, world, "first", "主题党日", when(LAST_MONTH, 30))
    listed = api.get(f"/orgs/{world['committee']}/supervision/orglife-behind", params={"size": 200}).json()
    first = next(item for item in listed["items"] if item["id"] == world["first"])
    missed = {m["kind"] for m in first["missed"]}
    assert "21" not in missed and "12" in missed  # held last month's 主题党日, not its 支委会
    assert any("支部委员会" in text for text in first["missing"])
    assert due(api, world["committee"], "behind")["12"] >= 1
    workbook = api.get(f"/orgs/{world['committee']}/supervision/orglife-behind.xlsx")
    assert workbook.status_code == 200
    rows = list(load_workbook(io.BytesIO(workbook.content)).active.values)
    assert any(row[0] == "督查第一支部" for row in rows)


def test_the_yearly_plan(api, world):
    org, year = world["first"], TODAY.year
    empty = api.get(f"/orgs/{org}/org-life/plan", params={"year": year}).json()
    assert empty["saved"] is False and empty["items"] == [] and len(empty["template"]) >= 40
    items = [{"kind": "支委会", "month": TODAY.month, "topic": "学习"}, {"kind": "11", "month": 12}]
    assert_error(api.put(f"/orgs/{org}/org-life/plan", json={"year": year, "items": [{"kind": "茶话会", "month": 1}]}),
                 400, "validation")
    assert_error(api.put(f"/orgs/{org}/org-life/plan", json={"year": year, "items": "x"}), 400)
    saved = api.put(f"/orgs/{org}/org-life/plan", json={"year": year, "items": items})
    assert saved.status_code == 200 and saved.json()["version"] == 1, saved.text
    assert_error(api.put(f"/orgs/{org}/org-life/plan", json={"year": year, "items": items, "version": 0}), 409)
    record(api, world, "first", "支委会", THIS_MONTH.replace("T00:01", "T00:03"))
    plan = api.get(f"/orgs/{org}/org-life/plan", params={"year": year}).json()
    assert plan["saved"] and plan["version"] == 1 and plan["total"] == 2
    by_kind = {item["kind"]: item for item in plan["items"]}
    assert by_kind["12"]["held"] is True and by_kind["11"]["held"] is False
    assert any(s["kind"] == "21" for s in plan["shortfall"])


def test_attendance_rates_and_a_members_history(system, api, world):
    p, year = world["people"], LAST_MONTH.year
    record(api, world, "first", "党小组会", when(LAST_MONTH, 40))
    rates = api.get(f"/orgs/{world['first']}/org-life/attendance", params={"year": year}).json()
    members = {m["member_id"]: m for m in rates["members"]}
    assert members[p["甲"]]["absent"] == 0 and members[p["甲"]]["rate"] == 1.0
    assert members[p["乙"]]["attended"] == 0 and members[p["乙"]]["rate"] == 0.0
    history = api.get(f"/members/{p['乙']}/meetings").json()
    assert history["total"] >= 1 and history["attended"] == 0 and history["items"][0]["reason"] == "病假"
    assert all(not item.get("voided") for item in history["items"])
    outsider = staff_client(system, api, world["other_committee"], "attend")
    try:
        assert outsider.get(f"/members/{p['乙']}/meetings").json()["total"] == 0  # not its organizations
        assert_error(outsider.get(f"/orgs/{world['first']}/org-life/attendance"), 403, "forbidden")
        assert_error(outsider.get(f"/orgs/{world['first']}/org-life/plan"), 403, "forbidden")
        assert_error(outsider.get(f"/orgs/{world['committee']}/org-life/due"), 403, "forbidden")
    finally:
        outsider.close()
    assert_error(api.get(f"/orgs/{world['first']}/org-life/attendance", params={"year": "abc"}), 400)


def test_excel_of_a_years_meetings_and_of_the_summary(api, world):
    response = api.get(f"/orgs/{world['first']}/meetings.xlsx", params={"year": LAST_MONTH.year})
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "application/vnd.openxmlformats"), response.text
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][0] == "时间" and any(row[2] == "党课学习" for row in rows[2:])
    assert any(str(row[-1]).startswith("已作废") for row in rows[2:])
    summary = api.get(f"/orgs/{world['committee']}/org-life/summary.xlsx", params={"year": TODAY.year})
    rows = list(load_workbook(io.BytesIO(summary.content)).active.values)
    assert rows[1][:3] == ("类型", "已开展", "应开展") and rows[-1][0] == "合计"
    assert_error(api.get(f"/orgs/{world['first']}/meetings.xlsx", params={"year": "1800"}), 400)


def test_edit_keeps_history(api, world):
    meeting_id = record(api, world, "first", "支部党员大会", when(LAST_MONTH, 50))
    changed = api.patch(f"/meetings/{meeting_id}", json={"topic": "改后的主题", "version": 1})
    assert changed.status_code == 200, changed.text
    assert api.get(f"/meetings/{meeting_id}").json()["history"][0]["changes"][0]["new"] == "改后的主题"


def test_the_summary_keeps_attendance_with_each_record_change_and_void(api, root_id):
    """The subtree's attendance rate per kind is counted with each record (no scan): a change of the
    attendees, of the kind, and a void move it; 流入 members are in no rate."""
    committee = create_org(api, root_id, "出席率统计党委", "党委")
    branch = create_org(api, committee, "出席率统计支部")
    ids = [api.post("/members", json=member_data(branch, name=f"出席{n}", joined_on="2010-07-01")).json()["id"]
           for n in "甲乙丙"]
    year = LAST_MONTH.year

    def kinds() -> dict:
        summary = api.get(f"/orgs/{committee}/org-life/summary", params={"year": year}).json()
        return {code: (k["attended"], k["listed"], k["attendance"]) for code, k in summary["kinds"].items()
                if k["listed"]} | {"all": (summary["attended"], summary["listed"], summary["attendance"])}

    created = api.post(f"/orgs/{branch}/meetings", json={
        "kind": "主题党日", "held_at": when(LAST_MONTH, 12), "place": "社区", "host": "甲", "recorder": "乙",
        "topic": "志愿服务", "attendees": ids[:2], "absentees": [{"member_id": ids[2], "reason": "病假"}]})
    assert created.status_code == 201, created.text
    meeting = created.json()["id"]
    assert kinds() == {"21": (2, 3, 0.6667), "all": (2, 3, 0.6667)}
    changed = api.patch(f"/meetings/{meeting}", json={"attendees": ids, "absentees": [], "version": 1})
    assert changed.status_code == 200, changed.text
    assert kinds() == {"21": (3, 3, 1.0), "all": (3, 3, 1.0)}
    moved = api.patch(f"/meetings/{meeting}", json={"kind": "支部党员大会", "version": 2})
    assert moved.status_code == 200, moved.text
    assert kinds() == {"11": (3, 3, 1.0), "all": (3, 3, 1.0)}
    assert api.post(f"/meetings/{meeting}/void", json={"reason": "误录"}).status_code == 200
    assert kinds() == {"all": (0, 0, None)}
