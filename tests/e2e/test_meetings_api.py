"""组织生活 through the JSON API: a branch records its meetings (attendees from its rolls on the
day), reads them back, signs and locks a record, changes it with a reason and history; the year's
summary counts held versus required over the subtree. Refusals write nothing: a meeting in the
future, an attendee not on the rolls that day, out of scope, a locked record changed without a
reason, the same meeting keyed twice at once, two changes of one version at once."""
import threading
from datetime import date, datetime, timedelta

import pytest

from tests.support.api import create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error

THIS_MORNING = datetime.now().replace(hour=0, minute=5, second=0, microsecond=0)


def at(days_ago: int, hour: int = 9) -> str:
    return (THIS_MORNING - timedelta(days=days_ago)).replace(hour=hour).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(scope="module")
def world(api, root_id):
    committee = create_org(api, root_id, "组织生活测试党委", "党委")
    branch = create_org(api, committee, "组织生活第一支部")
    other = create_org(api, committee, "组织生活第二支部")
    elsewhere = create_org(api, root_id, "组织生活外单位党委", "党委")
    people = {}
    for name, org, joined in (("甲", branch, "2010-07-01"), ("乙", branch, "2012-07-01"), ("丙", branch, "2015-07-01"),
                              ("新", branch, date.today().isoformat()), ("外", other, "2010-07-01")):
        created = api.post("/members", json=member_data(org, name=f"组织生活{name}", joined_on=joined))
        assert created.status_code == 201, created.text
        people[name] = created.json()["id"]
    return {"committee": committee, "branch": branch, "other": other, "elsewhere": elsewhere, "people": people}


def meeting(world, **changes) -> dict:
    p = world["people"]
    data = {"kind": "支部党员大会", "held_at": at(3), "place": "党员活动室", "host": "张书记", "recorder": "李委员",
            "topic": "学习党章", "content": "一、学习党章\n二、讨论", "attendees": [p["甲"], p["乙"]],
            "absentees": [{"member_id": p["丙"], "reason": "出差"}], "nonvoting": ["上级党委联系人"],
            "decisions": "同意"}
    return {**data, **changes}


def record(api, world, org=None, **changes) -> dict:
    created = api.post(f"/orgs/{org or world['branch']}/meetings", json=meeting(world, **changes))
    assert created.status_code == 201, created.text
    return created.json()


def summary(api, org_id: int, when: str) -> dict:
    """The summary of the year of `when` (early in January, a few days ago is last year)."""
    response = api.get(f"/orgs/{org_id}/org-life/summary", params={"year": when[:4]})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_branch_records_a_meeting_and_reads_it_back(api, world):
    created = record(api, world, held_at=at(2, 14))
    found = api.get(f"/meetings/{created['id']}").json()
    p = world["people"]
    assert found["kind"] == "11" and found["kind_name"] == "支部党员大会" and found["held_at"] == at(2, 14)
    assert [a["member_id"] for a in found["attendees"]] == sorted([p["甲"], p["乙"]])
    assert found["attendees"][0]["name"].startswith("组织生活")
    assert found["absentees"] == [{"member_id": p["丙"], "name": "组织生活丙", "reason": "出差"}]
    assert found["nonvoting"] == ["上级党委联系人"] and found["content"] == "一、学习党章\n二、讨论"
    assert found["status"] == "draft" and found["version"] == 1 and found["org_name"] == "组织生活第一支部"
    assert [h["action"] for h in found["history"]] == ["recorded"]
    year = at(2)[:4]
    listed = api.get(f"/orgs/{world['branch']}/meetings", params={"year": year, "kind": "支部党员大会"}).json()
    assert created["id"] in [item["id"] for item in listed["items"]]
    assert api.get(f"/orgs/{world['branch']}/meetings", params={"year": year, "kind": "党课"}).json()["items"] == []


def test_the_summary_counts_held_against_required_over_the_subtree(api, world):
    before = summary(api, world["committee"], at(5))
    record(api, world, held_at=at(5, 10))
    lecture = record(api, world, held_at=at(5, 15), kind="党课", speaker="张书记", lecture_title="不忘初心")
    record(api, world, org=world["other"], held_at=at(5, 10),
           attendees=[world["people"]["外"]], absentees=[])
    after = summary(api, world["committee"], at(5))
    assert after["organizations"] == 2  # two branches; the 党委 itself is not required to hold them
    assert after["kinds"]["11"]["held"] == before["kinds"]["11"]["held"] + 2
    assert after["kinds"]["11"]["required"] == 8 and after["kinds"]["12"]["required"] == 24
    assert after["kinds"]["14"]["held"] == before["kinds"]["14"]["held"] + 1
    assert 0 < after["completion"] <= 1
    branch = summary(api, world["branch"], at(5))
    assert branch["organizations"] == 1 and branch["kinds"]["11"]["required"] == 4
    # A change of kind moves the count with it, in the same transaction.
    changed = api.patch(f"/meetings/{lecture['id']}", json={"kind": "主题党日", "version": lecture["version"]})
    assert changed.status_code == 200, changed.text
    moved = summary(api, world["committee"], at(5))
    assert moved["kinds"]["14"]["held"] == after["kinds"]["14"]["held"] - 1
    assert moved["kinds"]["21"]["held"] == after["kinds"]["21"]["held"] + 1


def test_a_meeting_in_the_future_cannot_be_recorded_as_held(api, world):
    later = (datetime.now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    error = assert_error(api.post(f"/orgs/{world['branch']}/meetings", json=meeting(world, held_at=later)),
                         400, "validation")
    assert "尚未召开" in error["fields"]["held_at"]


def test_attendees_must_be_on_the_rolls_that_day(api, world):
    p = world["people"]
    other_branch = assert_error(api.post(f"/orgs/{world['branch']}/meetings",
                                         json=meeting(world, attendees=[p["甲"], p["外"]])), 400, "validation")
    assert str(p["外"]) in other_branch["fields"]["attendees"]
    # 新 joined today: not on the rolls of a meeting three days ago.
    too_early = assert_error(api.post(f"/orgs/{world['branch']}/meetings", json=meeting(
        world, absentees=[{"member_id": p["新"], "reason": "病假"}])), 400, "validation")
    assert str(p["新"]) in too_early["fields"]["absentees"]
    unknown = assert_error(api.post(f"/orgs/{world['branch']}/meetings",
                                    json=meeting(world, attendees=[987654321])), 400, "validation")
    assert "名册" in unknown["fields"]["attendees"]


def test_out_of_scope_is_refused(system, api, world):
    outsider = staff_client(system, api, world["elsewhere"], "meet")
    mine = record(api, world, held_at=at(6))
    try:
        assert_error(outsider.post(f"/orgs/{world['branch']}/meetings", json=meeting(world, held_at=at(6, 11))),
                     403, "forbidden")
        assert_error(outsider.get(f"/meetings/{mine['id']}"), 403, "forbidden")
        assert_error(outsider.get(f"/orgs/{world['branch']}/meetings"), 403, "forbidden")
        assert_error(outsider.get(f"/orgs/{world['committee']}/org-life/summary"), 403, "forbidden")
        assert_error(outsider.patch(f"/meetings/{mine['id']}", json={"topic": "改"}), 403, "forbidden")
    finally:
        outsider.close()


def test_sign_lock_and_change_only_with_a_reason(api, world):
    created = record(api, world, held_at=at(7))
    host = api.post(f"/meetings/{created['id']}/sign", json={"role": "host", "version": 1})
    assert host.status_code == 200 and host.json()["status"] == "draft", host.text
    assert_error(api.post(f"/meetings/{created['id']}/sign", json={"role": "host"}), 409, "conflict")
    locked = api.post(f"/meetings/{created['id']}/sign", json={"role": "recorder"})
    assert locked.status_code == 200 and locked.json()["status"] == "locked", locked.text
    version = locked.json()["version"]
    error = assert_error(api.patch(f"/meetings/{created['id']}", json={"topic": "学习新党章", "version": version}),
                         422, "refused")
    assert "修改原因" in error["message"]
    assert api.get(f"/meetings/{created['id']}").json()["topic"] == "学习党章"  # nothing written
    changed = api.patch(f"/meetings/{created['id']}",
                        json={"topic": "学习新党章", "version": version, "reason": "主题记错"})
    assert changed.status_code == 200, changed.text
    found = api.get(f"/meetings/{created['id']}").json()
    assert found["topic"] == "学习新党章" and found["status"] == "locked"
    assert found["signatures"]["host"]["by"] == "张书记" and found["signatures"]["recorder"]["by"] == "李委员"
    latest = found["history"][0]
    assert latest["action"] == "changed" and latest["reason"] == "主题记错"
    assert latest["changes"] == [{"field": "topic", "label": "主题", "old": "学习党章", "new": "学习新党章"}]
    assert_error(api.patch(f"/meetings/{created['id']}", json={"topic": "再改", "version": version,
                                                                 "reason": "旧版本"}), 409, "conflict")


def test_the_same_meeting_keyed_twice_at_once_is_recorded_once(api, world):
    data = meeting(world, held_at=at(9, 16))
    start = threading.Barrier(4)
    answers = []

    def post():
        start.wait()
        answers.append(api.post(f"/orgs/{world['branch']}/meetings", json=data))

    before = summary(api, world["branch"], data["held_at"])["kinds"]["11"]["held"]
    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409], [a.text for a in answers]
    assert summary(api, world["branch"], data["held_at"])["kinds"]["11"]["held"] == before + 1


def test_two_changes_of_one_version_at_once_one_wins(api, world):
    created = record(api, world, held_at=at(10))
    start = threading.Barrier(2)
    answers = []

    def patch(topic):
        start.wait()
        answers.append(api.patch(f"/meetings/{created['id']}", json={"topic": topic, "version": 1}))

    threads = [threading.Thread(target=patch, args=(t,)) for t in ("甲方案", "乙方案")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    assert api.get(f"/meetings/{created['id']}").json()["version"] == 2


def test_bad_input_gets_a_clear_answer(api, world):
    assert_error(api.post(f"/orgs/{world['branch']}/meetings", json={"attendees": "1,2"}), 400, "validation")
    missing = assert_error(api.post(f"/orgs/{world['branch']}/meetings", json={}), 400, "validation")
    assert {"kind", "held_at", "place", "host", "recorder", "topic"} <= set(missing["fields"])
    assert_error(api.get("/meetings/999999999"), 404, "not_found")
    assert_error(api.get(f"/orgs/{world['branch']}/meetings", params={"year": "今年"}), 400, "validation")
    assert_error(api.get(f"/orgs/{world['branch']}/meetings", params={"kind": "茶话会"}), 400, "validation")
