"""流入 members at 组织生活 through the JSON API (issue 14): the org service follows the transfer
service's inflow events; the attendee picker offers an organization's inflows on a day; a meeting
takes 流入 attendees on the organization's inflow list that day (an inflow from this deployment and
one from outside, by name and 活动证 number), refuses those not on it (before the inflow, after it
ended, another organization's) with a Chinese message and nothing written; they are stored apart
and count in no attendance rate; the inflow's meetings are shown to the inflow organization only.
The projection keeps the newest version whatever the order and however often events arrive."""
import io
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from services.org import inflows
from tests.support.api import create_org, staff_client
from tests.support.factories import id_number, member_data
from tests.support.helpers import assert_error, wait_for

TODAY = date.today()
THIS_MORNING = datetime.now().replace(hour=0, minute=5, second=0, microsecond=0)


def at(days_ago: int, hour: int = 9) -> str:
    return (THIS_MORNING - timedelta(days=days_ago)).replace(hour=hour).strftime("%Y-%m-%dT%H:%M")


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def listed(client, org_id: int, on: str | None = None) -> dict:
    params = {"on": on} if on else {}
    return {i["inflow_id"]: i for i in ok(client.get(f"/orgs/{org_id}/meeting-inflows", params=params))["items"]}


@pytest.fixture(scope="module")
def world(system, api, root_id):
    orgs = {"K": create_org(api, root_id, "会议流入测试县委", "地方委员会")}
    orgs["A"] = create_org(api, orgs["K"], "会议流入流出党委", "党委")
    orgs["B"] = create_org(api, orgs["K"], "会议流入流入党委", "党委")
    orgs["C"] = create_org(api, root_id, "会议流入无关党委", "党委")
    orgs["A1"] = create_org(api, orgs["A"], "会议流入流出支部")
    orgs["B1"] = create_org(api, orgs["B"], "会议流入流入支部")
    orgs["C1"] = create_org(api, orgs["C"], "会议流入无关支部")
    clerks = {name: staff_client(system, api, orgs[name], f"mi{name.lower()}") for name in ("A1", "B1", "C1")}
    people = {name: ok(api.post("/members", json=member_data(orgs[org], name=name, joined_on="2010-07-01")), 201)["id"]
              for name, org in (("会议流入甲", "A1"), ("会议流入本支部乙", "B1"), ("会议流入本支部丙", "B1"))}
    out = ok(clerks["A1"].post(f"/members/{people['会议流入甲']}/outflows", json={
        "from_date": ago(40), "reason": "01", "to_org_id": orgs["B1"], "certificate": True,
        "destination": {"code": "110105", "text": "北京市朝阳区"}, "phone": "13900000000"}), 201)
    inside = ok(clerks["B1"].post(f"/orgs/{orgs['B1']}/inflows", json={"outflow_id": out["id"],
                                                                        "from_date": ago(10)}), 201)
    outside = ok(clerks["B1"].post(f"/orgs/{orgs['B1']}/inflows", json={"from_date": ago(8), "external": {
        "name": "系统外流入丁", "id_number": id_number(), "home_org_text": "外省某党支部",
        "certificate_no": "LD-2026-0001"}}), 201)
    wait_for(lambda: listed(clerks["B1"], orgs["B1"]), lambda rows: {inside["id"], outside["id"]} <= set(rows),
             what="the org service's projection of the inflows")
    yield {"orgs": orgs, "clerks": clerks, "people": people, "out": out, "inside": inside["id"],
           "outside": outside["id"]}
    for client in clerks.values():
        client.close()


def meeting(world, **changes) -> dict:
    p = world["people"]
    data = {"kind": "主题党日", "held_at": at(2), "place": "党员活动室", "host": "王书记", "recorder": "赵委员",
            "topic": "流入党员参加主题党日", "attendees": [p["会议流入本支部乙"]],
            "absentees": [{"member_id": p["会议流入本支部丙"], "reason": "病假"}],
            "inflows": [world["inside"], world["outside"]]}
    return {**data, **changes}


def meetings_of(client, org_id: int, year: str) -> int:
    return ok(client.get(f"/orgs/{org_id}/meetings", params={"year": year}))["total"]


def test_the_picker_offers_the_inflows_on_the_day(api, world):
    orgs, there = world["orgs"], world["clerks"]["B1"]
    today = listed(there, orgs["B1"])
    inside, outside = today[world["inside"]], today[world["outside"]]
    assert inside["name"] == "会议流入甲" and inside["member_id"] == world["people"]["会议流入甲"]
    assert inside["external"] is False and inside["certificate_no"] == world["out"]["certificate_no"]
    assert outside["name"] == "系统外流入丁" and outside["external"] is True and outside["member_id"] is None
    assert outside["certificate_no"] == "LD-2026-0001"
    # The committee above sees its subtree's inflows; on a day before the inflows there were none.
    assert {world["inside"], world["outside"]} <= set(listed(api, orgs["B"]))
    assert world["inside"] not in listed(there, orgs["B1"], ago(11))
    assert set(listed(there, orgs["B1"], ago(9))) >= {world["inside"]} and world["outside"] not in listed(
        there, orgs["B1"], ago(9))
    # Out of scope, a bad date.
    assert_error(world["clerks"]["C1"].get(f"/orgs/{orgs['B1']}/meeting-inflows"), 403)
    assert_error(there.get(f"/orgs/{orgs['B1']}/meeting-inflows", params={"on": "2026-13-01"}), 400)
    assert world["inside"] not in listed(world["clerks"]["C1"], orgs["C1"])


def test_inflow_attendees_are_recorded_apart_and_not_in_the_rate(world):
    orgs, there, p = world["orgs"], world["clerks"]["B1"], world["people"]
    created = ok(there.post(f"/orgs/{orgs['B1']}/meetings", json=meeting(world)), 201)
    found = ok(there.get(f"/meetings/{created['id']}"))
    assert [a["member_id"] for a in found["attendees"]] == [p["会议流入本支部乙"]]
    guests = {i["inflow_id"]: i for i in found["inflows"]}
    assert guests[world["inside"]]["name"] == "会议流入甲" and guests[world["inside"]]["external"] is False
    assert guests[world["outside"]]["certificate_no"] == "LD-2026-0001" and guests[world["outside"]]["external"]

    # The attendance rate's denominators are the rolls' members only: 乙 1/1, 丙 0/1 → 50%.
    rate = ok(there.get(f"/orgs/{orgs['B1']}/org-life/attendance", params={"year": at(2)[:4]}))
    assert {m["member_id"] for m in rate["members"]} == {p["会议流入本支部乙"], p["会议流入本支部丙"]}
    assert rate["listed"] == 2 and rate["rate"] == 0.5
    assert {i["inflow_id"]: i["attended"] for i in rate["inflows"]} == {world["inside"]: 1, world["outside"]: 1}
    # The year's list and its Excel count the 流入 attendees apart from the rolls' 出席/缺席; so does
    # the attendance Excel, below the members and their total, outside any rate.
    line = next(m for m in ok(there.get(f"/orgs/{orgs['B1']}/meetings", params={"year": at(2)[:4]}))["items"]
                if m["id"] == created["id"])
    assert (line["attended"], line["absent"], line["inflow_attended"]) == (1, 1, 2)
    book = there.get(f"/orgs/{orgs['B1']}/meetings.xlsx", params={"year": at(2)[:4]})
    rows = list(load_workbook(io.BytesIO(book.content)).active.values)
    column = rows[1].index("流入党员出席")
    assert rows[1][column - 2:column] == ("出席人数", "缺席人数")
    assert any(row[2] == "流入党员参加主题党日" and str(row[column]) == "2" for row in rows[2:])
    book = there.get(f"/orgs/{orgs['B1']}/org-life/attendance.xlsx", params={"year": at(2)[:4]})
    assert book.status_code == 200, book.text
    rows = list(load_workbook(io.BytesIO(book.content)).active.values)
    assert rows[1] == ("类别", "姓名", "出席次数", "缺席次数", "出席率")
    by_name = {row[1]: row for row in rows[2:]}
    assert by_name["会议流入本支部乙"][0] == "党员" and by_name["会议流入本支部乙"][4] == "100.0%"
    assert rows[2 + len(rate["members"])][0] == "合计" and rows[2 + len(rate["members"])][4] == "50.0%"
    assert by_name["系统外流入丁"][0] == "流入党员（不计入出席率）" and by_name["系统外流入丁"][4] == "—"
    # The member's own history (at the home side) has no attendance from the inflow organization.
    assert ok(world["clerks"]["A1"].get(f"/members/{p['会议流入甲']}/meetings"))["total"] == 0

    # The inflow's meetings: the inflow organization sees them and may open them; the member's home
    # organization sees them as lines of its 返回 report (not openable: the record is not in its scope);
    # an unrelated one sees none, and the outside member's inflow (no home here) shows the home none.
    seen = ok(there.get(f"/inflows/{world['inside']}/meetings"))
    assert created["id"] in [m["id"] for m in seen["items"]] and seen["items"][0]["org_name"] == "会议流入流入支部"
    assert all(m["in_scope"] for m in seen["items"])
    assert ok(world["clerks"]["C1"].get(f"/inflows/{world['inside']}/meetings"))["total"] == 0
    home = ok(world["clerks"]["A1"].get(f"/inflows/{world['inside']}/meetings"))
    assert [m["id"] for m in home["items"]] == [m["id"] for m in seen["items"]]
    assert not any(m["in_scope"] for m in home["items"])
    assert_error(world["clerks"]["A1"].get(f"/meetings/{created['id']}"), 403)
    assert ok(world["clerks"]["A1"].get(f"/inflows/{world['outside']}/meetings"))["total"] == 0

    # A change that drops one 流入 attendee is a history line; the rule holds on a change of date too.
    changed = ok(there.patch(f"/meetings/{created['id']}", json={"inflows": [world["inside"]], "version": 1}))
    after = ok(there.get(f"/meetings/{created['id']}"))
    assert [i["inflow_id"] for i in after["inflows"]] == [world["inside"]]
    assert after["history"][0]["changes"][0]["label"] == "出席的流入党员"
    error = assert_error(there.patch(f"/meetings/{created['id']}", json={
        "held_at": at(9), "inflows": [world["outside"]], "version": changed["version"]}), 400)
    assert "流入党员名单" in error["message"] and "inflows" in error["fields"]
    assert ok(there.get(f"/meetings/{created['id']}"))["version"] == changed["version"]


def test_attendees_not_on_the_inflow_list_that_day_are_refused(world):
    orgs, there, p = world["orgs"], world["clerks"]["B1"], world["people"]
    year = at(12)[:4]
    before = meetings_of(there, orgs["B1"], year)
    # Before the inflow began.
    error = assert_error(there.post(f"/orgs/{orgs['B1']}/meetings", json=meeting(
        world, held_at=at(12), inflows=[world["inside"]])), 400)
    assert f"不在本组织{ago(12)}的流入党员名单中" in error["message"]
    assert str(world["inside"]) in error["fields"]["inflows"]
    # Another organization's meeting (the inflow is at B1), an unknown inflow id, hostile values.
    other = assert_error(world["clerks"]["C1"].post(f"/orgs/{orgs['C1']}/meetings", json=meeting(
        world, attendees=[], absentees=[], inflows=[world["inside"]])), 400)
    assert "流入党员名单" in other["message"]
    assert_error(there.post(f"/orgs/{orgs['B1']}/meetings", json=meeting(world, inflows=[999999999])), 400)
    assert_error(there.post(f"/orgs/{orgs['B1']}/meetings", json=meeting(world, inflows=["甲"])), 400)
    assert_error(there.post(f"/orgs/{orgs['B1']}/meetings", json=meeting(world, inflows={"a": 1})), 400)
    assert_error(there.post(f"/orgs/{orgs['B1']}/meetings", json=meeting(world, inflows=list(range(1, 3000)))), 400)
    # An in-system 流入 member is not on the inflow organization's rolls: as an ordinary attendee, refused.
    assert_error(there.post(f"/orgs/{orgs['B1']}/meetings", json=meeting(
        world, attendees=[p["会议流入甲"]], inflows=[])), 400)
    assert meetings_of(there, orgs["B1"], year) == before
    assert meetings_of(world["clerks"]["C1"], orgs["C1"], year) == 0


def test_an_ended_inflow_is_on_the_list_until_the_day_it_ended(world):
    orgs, there = world["orgs"], world["clerks"]["B1"]
    viewed = ok(there.get(f"/inflows/{world['outside']}"))
    ok(there.post(f"/inflows/{world['outside']}/end", json={"date": ago(4), "version": viewed["version"]}))
    wait_for(lambda: listed(there, orgs["B1"]), lambda rows: world["outside"] not in rows,
             what="the org service to learn the inflow ended")
    assert world["outside"] in listed(there, orgs["B1"], ago(4))
    error = assert_error(there.post(f"/orgs/{orgs['B1']}/meetings", json=meeting(
        world, kind="党小组会", held_at=at(3), inflows=[world["outside"]])), 400)
    assert str(world["outside"]) in error["fields"]["inflows"]
    ok(there.post(f"/orgs/{orgs['B1']}/meetings", json=meeting(
        world, kind="党小组会", held_at=at(4, 20), inflows=[world["outside"]])), 201)


def test_the_projection_keeps_the_newest_version_in_any_order(system, world):
    """The projection's rule applied to made-up events (not published: the statistics would count a
    made-up inflow): the newer ended state first, then the older opened one, then the ended one
    again — the inflow stays ended, and a repeated event is taken once."""
    inflow_id = 10**12 + uuid.uuid4().int % 10**9
    b1 = world["orgs"]["B1"]

    def event(event_type, version, **facts):
        return {"event_id": str(uuid.uuid4()), "type": event_type, "aggregate_id": f"inflow-{inflow_id}",
                "aggregate_version": version, "occurred_at": datetime.now(timezone.utc).isoformat(),
                "actor": "test", "request_id": "", "payload": {
                    "inflow_id": inflow_id, "org_id": b1, "org_path": None, "outflow_id": None, "member_id": None,
                    "member_name": "乱序流入戊", "certificate_no": "LD-X", "from_date": ago(30), **facts}}
    ended = event("inflow_ended", 2, state="ended", ended_on=ago(20))
    opened = event("inflow_opened", 1, state="in", ended_on=None)
    engine = create_engine(system.env["PMIS_DATABASE_URL"])
    try:
        sessions = sessionmaker(engine, expire_on_commit=False)
        assert [inflows.project(sessions, e) for e in (ended, opened, ended)] == [True, True, False]
        with engine.connect() as conn:
            state = conn.execute(text("SELECT state, ended_on::text, version FROM org.inflows WHERE inflow_id = :id"),
                                 {"id": inflow_id}).one()
    finally:
        engine.dispose()
    assert tuple(state) == ("ended", ago(20), 2)
    there = world["clerks"]["B1"]
    assert inflow_id in listed(there, b1, ago(25)) and inflow_id not in listed(there, b1, ago(19))
