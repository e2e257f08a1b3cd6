"""系统设置 through the gateway (docs/SETTINGS.md): a value set at a 党委 applies to its subtree until a
lower organization sets its own; unset gives the default back; every change is in the history and in
操作日志; a bad value writes nothing; scope and 系统工具 rights are the services'; and the reminders
(换届, 转正, 发展党员) follow the organization's lead times."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from services.member.domain.probation import add_years
from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org, staff_client
from tests.support.development import add_applicant
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, wait_for

from ..conftest import login

TODAY = date.today()
HIGHER, OWN, PROBATION, DEVELOPMENT = ("terms_higher_reminder_days", "terms_own_reminder_days",
                                       "probation_reminder_days", "development_due_days")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def by_key(settings: dict) -> dict:
    return {item["key"]: item for item in settings["items"]}


def account(system, admin, org_id: int, prefix: str, role: str):
    username = f"{prefix}{code('')}".lower()
    ok(admin.post("/accounts", json={"username": username, "password": FIRST_PASSWORD, "org_id": org_id,
                                     "role": role}), 201)
    first = login(system.url, username, FIRST_PASSWORD)
    assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                 "new_password": PASSWORD}).status_code == 204
    first.close()
    return login(system.url, username, PASSWORD)


@pytest.fixture(scope="module")
def world(system, api, root_id):
    w = {"P": create_org(api, root_id, "设置测试党委", "党委"), "X": create_org(api, root_id, "设置外单位党委", "党委")}
    w["C"] = create_org(api, w["P"], "设置测试总支", "党总支")
    w["B"] = create_org(api, w["C"], "设置测试支部", "党支部")
    w["T"] = create_org(api, w["P"], "设置换届支部", "党支部")
    admin_c = staff_client(system, api, w["C"], "setadm")  # 系统管理员 of C: it makes C's 业务用户
    clients = {"admin_c": admin_c, "business": account(system, admin_c, w["C"], "setbiz", "业务管理员"),
               "reader": account(system, admin_c, w["C"], "setread", "只读"),
               "branch": staff_client(system, api, w["B"], "setbr")}
    yield w, clients
    for client in clients.values():
        client.close()


def test_defaults_then_inheritance_override_and_unset(api, world):
    w, _ = world
    start = by_key(ok(api.get(f"/orgs/{w['B']}/settings")))
    assert start[HIGHER]["value"] == 180 and start[HIGHER]["default"] == 180 and start[HIGHER]["set_at_org"] is None
    assert start[HIGHER]["name"] == "换届提醒：下级组织届满前天数" and start[HIGHER]["unit"] == "天"
    assert start["report_date"]["value"] == "12-31" and start["report_date"]["unit"] == "月-日"

    at_p = by_key(ok(api.put(f"/orgs/{w['P']}/settings", json={HIGHER: 240})))
    assert at_p[HIGHER]["value"] == 240 and at_p[HIGHER]["set_here"]
    below = by_key(ok(api.get(f"/orgs/{w['B']}/settings")))[HIGHER]
    assert below["value"] == 240 and below["set_at_org"] == {"id": w["P"], "name": "设置测试党委"}
    assert not below["set_here"]

    # (The report date is the root's only: test_report_date.py.)
    ok(api.put(f"/orgs/{w['C']}/settings", json={HIGHER: 90, DEVELOPMENT: 45}))
    below = by_key(ok(api.get(f"/orgs/{w['B']}/settings")))
    assert below[HIGHER]["value"] == 90 and below[HIGHER]["set_at_org"]["id"] == w["C"]
    assert below[DEVELOPMENT]["value"] == 45
    assert by_key(ok(api.get(f"/orgs/{w['P']}/settings")))[HIGHER]["value"] == 240  # above: untouched
    assert by_key(ok(api.get(f"/orgs/{w['X']}/settings")))[HIGHER]["value"] == 180  # sideways: untouched

    ok(api.put(f"/orgs/{w['C']}/settings", json={HIGHER: None, DEVELOPMENT: None}))  # 恢复继承
    below = by_key(ok(api.get(f"/orgs/{w['B']}/settings")))
    assert below[HIGHER]["value"] == 240 and below[HIGHER]["set_at_org"]["id"] == w["P"]
    assert below[DEVELOPMENT]["value"] == 30 and below[DEVELOPMENT]["set_at_org"] is None

    history = ok(api.get(f"/orgs/{w['B']}/settings/history"))
    lines = [(h["org_id"], h["key"], h["before"], h["after"]) for h in history["items"]]
    assert lines == [(w["C"], DEVELOPMENT, 45, None), (w["C"], HIGHER, 90, None),
                     (w["C"], DEVELOPMENT, None, 45), (w["C"], HIGHER, None, 90), (w["P"], HIGHER, None, 240)]
    assert history["items"][-1]["key"] == HIGHER and history["items"][-1]["after_shown"] == "240天"
    assert all(h["username"] == "admin" for h in history["items"]) and history["total"] == 5
    # The same value again changes nothing and writes no history.
    ok(api.put(f"/orgs/{w['P']}/settings", json={HIGHER: 240}))
    assert ok(api.get(f"/orgs/{w['B']}/settings/history"))["total"] == 5


def test_every_change_is_in_the_audit_log(api, world):
    w, _ = world
    entries = wait_for(lambda: ok(api.get("/audit", params={"entity": "settings", "entity_id": w["C"]}))["items"],
                       lambda items: len(items) >= 2, what="the settings' 操作日志")
    unset = entries[0]
    assert unset["action"] == "系统设置" and unset["entity_name"] == "系统设置"
    assert unset["account"]["username"] == "admin"
    assert {"field": "换届提醒：下级组织届满前天数", "before": "90天",
            "after": "未设置（继承上级或缺省）"} in unset["changes"]


@pytest.mark.parametrize("body, field", [
    ({PROBATION: 999}, PROBATION), ({OWN: 0}, OWN), ({OWN: "三十"}, OWN), ({OWN: 30.5}, OWN), ({OWN: True}, OWN),
    ({"report_date": "02-29"}, "report_date"), ({"report_date": "12/31"}, "report_date"),
    ({"no_such_setting": 1}, "no_such_setting"), ({}, "settings"),
    ({DEVELOPMENT: 10, PROBATION: 181}, PROBATION),  # one bad value: the good one is not written either
])
def test_a_bad_value_writes_nothing(api, world, body, field):
    w, _ = world
    before = ok(api.get(f"/orgs/{w['T']}/settings"))
    count = ok(api.get(f"/orgs/{w['T']}/settings/history"))["total"]
    error = assert_error(api.put(f"/orgs/{w['T']}/settings", json=body), 400, "validation")
    assert field in error["fields"], error
    assert ok(api.get(f"/orgs/{w['T']}/settings")) == before
    assert ok(api.get(f"/orgs/{w['T']}/settings/history"))["total"] == count


def test_malformed_and_huge_bodies(api, world):
    w, _ = world
    assert_error(api.put(f"/orgs/{w['T']}/settings", content=b"[1, 2]",
                         headers={"content-type": "application/json"}), 400)
    assert_error(api.put(f"/orgs/{w['T']}/settings", content=b"{not json",
                         headers={"content-type": "application/json"}), 400)
    assert_error(api.put(f"/orgs/{w['T']}/settings", json={f"k{n}": n for n in range(5000)}), 400)
    assert_error(api.put("/orgs/999999999/settings", json={OWN: 10}), 404)
    assert_error(api.get(f"/orgs/{w['T']}/settings/history", params={"size": 100000}), 400)


def test_scope_and_rights_are_checked_in_the_service(world):
    w, c = world
    admin = c["admin_c"]
    # Above or beside its scope: neither read nor changed.
    assert_error(admin.get(f"/orgs/{w['P']}/settings"), 403, "forbidden")
    assert_error(admin.put(f"/orgs/{w['P']}/settings", json={OWN: 10}), 403, "forbidden")
    assert_error(admin.put(f"/orgs/{w['X']}/settings", json={OWN: 10}), 403, "forbidden")
    assert_error(admin.get(f"/orgs/{w['X']}/settings/history"), 403, "forbidden")
    # A value set above the scope: where it comes from is not named, nor are its changes listed.
    mine = by_key(ok(admin.get(f"/orgs/{w['B']}/settings")))[HIGHER]
    assert mine["value"] == 240 and mine["set_at_org"] == {"id": None, "name": "上级党组织"}
    assert all(h["org_id"] != w["P"] for h in ok(admin.get(f"/orgs/{w['B']}/settings/history"))["items"])
    # Its own organization: changed for its subtree.
    ok(admin.put(f"/orgs/{w['C']}/settings", json={OWN: 20}))
    assert by_key(ok(admin.get(f"/orgs/{w['B']}/settings")))[OWN]["set_at_org"]["id"] == w["C"]
    # 只读 reads, changes nothing; 业务管理员 has no 系统工具 at all.
    assert by_key(ok(c["reader"].get(f"/orgs/{w['C']}/settings")))[OWN]["value"] == 20
    error = assert_error(c["reader"].put(f"/orgs/{w['C']}/settings", json={OWN: 25}), 403, "forbidden")
    assert error["message"].startswith("无权操作") and "“系统工具”" in error["message"]
    error = assert_error(c["business"].get(f"/orgs/{w['C']}/settings"), 403, "forbidden")
    assert "“系统工具”" in error["message"]
    assert_error(c["business"].put(f"/orgs/{w['C']}/settings", json={OWN: 25}), 403, "forbidden")
    assert by_key(ok(admin.get(f"/orgs/{w['C']}/settings")))[OWN]["value"] == 20


def test_two_changes_at_once_are_both_kept_in_order(api, world):
    w, _ = world
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda days: api.put(f"/orgs/{w['T']}/settings", json={DEVELOPMENT: days}), (41, 42)))
    assert [a.status_code for a in answers] == [200, 200]
    history = [h for h in ok(api.get(f"/orgs/{w['T']}/settings/history"))["items"] if h["org_id"] == w["T"]]
    last, first = history[0], history[1]
    assert first["before"] is None and first["after"] == last["before"] and {first["after"], last["after"]} == {41, 42}
    assert by_key(ok(api.get(f"/orgs/{w['T']}/settings")))[DEVELOPMENT]["value"] == last["after"]
    ok(api.put(f"/orgs/{w['T']}/settings", json={DEVELOPMENT: None}))


# --- the modules read them ----------------------------------------------------------------------

def test_the_terms_reminders_follow_the_lead_times(api, world):
    w, _ = world
    people = [ok(api.post("/members", json=member_data(w["T"], name=f"设置委员{n}")), 201)["id"] for n in range(3)]
    elected = TODAY.replace(year=TODAY.year - 3) + timedelta(days=200)  # 届满 in about 200 days
    ok(api.post(f"/orgs/{w['T']}/terms", json={
        "elected_on": elected.isoformat(), "method": "党员大会选举",
        "members": [{"member_id": people[0], "post": "书记"}, {"member_id": people[1], "post": "副书记"}]}), 201)

    def due_ids(org):
        return [i["id"] for i in ok(api.get(f"/orgs/{org}/terms/due", params={"size": 200}))["items"]]

    ok(api.put(f"/orgs/{w['P']}/settings", json={HIGHER: 180}))
    assert w["T"] not in due_ids(w["P"])
    assert ok(api.get(f"/orgs/{w['P']}/terms/reminder"))["subordinates_due"] == 0
    assert ok(api.get(f"/orgs/{w['T']}/terms/reminder"))["own"] is None
    ok(api.put(f"/orgs/{w['P']}/settings", json={HIGHER: 240, OWN: 250}))
    assert w["T"] in due_ids(w["P"])
    reminder = ok(api.get(f"/orgs/{w['P']}/terms/reminder"))
    assert reminder["subordinates_due"] == 1 and reminder["within_days"] == 240
    own = ok(api.get(f"/orgs/{w['T']}/terms/reminder"))  # T inherits P's own-term lead time
    assert own["own"] is not None and own["own_within_days"] == 250
    behind = ok(api.get(f"/orgs/{w['P']}/supervision/terms-due", params={"size": 200}))["items"]
    assert [i["id"] for i in behind] == [w["T"]]
    assert w["T"] not in [i["id"] for i in ok(api.get(f"/orgs/{w['P']}/terms/due",  # an explicit value still wins
                                                      params={"within_days": 30}))["items"]]
    ok(api.put(f"/orgs/{w['P']}/settings", json={OWN: None}))


def test_the_probation_reminder_follows_the_lead_time(api, world):
    w, c = world
    ok(api.post("/members", json=member_data(w["B"], name="设置预备党员", category="预备党员",
                                             joined_on=add_years(TODAY + timedelta(days=40), -1).isoformat())), 201)
    ok(api.put(f"/orgs/{w['C']}/settings", json={PROBATION: 30}))
    reminders = ok(c["branch"].get("/reminders"))
    assert reminders["probation_ending"] == [] and reminders["probation_days"] == 30
    ok(api.put(f"/orgs/{w['C']}/settings", json={PROBATION: 45}))
    reminders = ok(c["branch"].get("/reminders"))
    assert [m["name"] for m in reminders["probation_ending"]] == ["设置预备党员"] and reminders["probation_days"] == 45


def test_the_development_due_list_follows_the_lead_time(api, world):
    w, _ = world
    applicant = add_applicant(api, w["B"], applied_on=TODAY.isoformat(), name="设置申请人")  # 谈话 due in a month

    def due_ids():
        return [i["id"] for i in ok(api.get(f"/orgs/{w['C']}/development/due", params={"size": 200}))["items"]]

    ok(api.put(f"/orgs/{w['C']}/settings", json={DEVELOPMENT: 0}))
    assert applicant not in due_ids()
    ok(api.put(f"/orgs/{w['P']}/settings", json={DEVELOPMENT: 60}))
    assert applicant not in due_ids()  # C's own 0 still applies below it
    ok(api.put(f"/orgs/{w['C']}/settings", json={DEVELOPMENT: None}))
    due = ok(api.get(f"/orgs/{w['C']}/development/due", params={"size": 200}))
    assert applicant in [i["id"] for i in due["items"]] and due["within"] == 60
    # A role without 系统工具 gets its lists all the same: the member service asks the org service as
    # a service, under the request's 发展党员 / 日常管理 right.
    business = world[1]["business"]
    assert ok(business.get(f"/orgs/{w['C']}/development/due", params={"size": 200}))["within"] == 60
    assert ok(business.get("/reminders"))["probation_days"] == 45
