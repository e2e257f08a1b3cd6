"""换届选举 through the JSON API: a branch elects its committee (winners seated, figures kept), the
higher level records the 批复 and a 延期换届; refused elections write nothing (quorum, 差额, no
majority, a probationary or foreign candidate, a small branch's 支委会, a 临时党支部); 届中 补选 and
离任; a second 换届 closes the old term; the subtree's due list, reminders, 工作督查 and Excel;
scope; and a member who leaves the rolls or transfers out leaves the committee (member events)."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.support.api import complete_member, create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import CJK, assert_error, wait_for

TODAY = date.today()


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def people(api, org_id: int, prefix: str, full: int, probationary: int = 0) -> list[int]:
    ids = [ok(api.post("/members", json=member_data(org_id, name=f"{prefix}{n}")), 201)["id"] for n in range(full)]
    ids += [ok(api.post("/members", json=member_data(org_id, name=f"{prefix}预{n}", category="预备党员",
                                                     joined_on=ago(100))), 201)["id"] for n in range(probationary)]
    return ids


@pytest.fixture(scope="module")
def world(system, api, root_id):
    w = {"P": create_org(api, root_id, "换届测试党委", "党委"), "X": create_org(api, root_id, "换届外单位党委", "党委")}
    for key, parent, name, kind in (("B", "P", "换届第一支部", "党支部"), ("B2", "P", "换届第二支部", "党支部"),
                                    ("S", "P", "换届小支部", "党支部"), ("O", "P", "换届超期支部", "党支部"),
                                    ("T", "P", "换届临时支部", "临时党支部"), ("X1", "X", "换届外单位支部", "党支部")):
        w[key] = create_org(api, w[parent], name, kind)
    w["b"] = people(api, w["B"], "换届甲", 7) + [complete_member(api, w["B"], "换届转出委员")]
    w["b2"] = people(api, w["B2"], "换届乙", 7, probationary=1)
    w["s"] = people(api, w["S"], "换届丙", 3)
    w["o"] = people(api, w["O"], "换届丁", 3)
    w["t"] = people(api, w["T"], "换届戊", 2)
    w["x1"] = people(api, w["X1"], "换届己", 3)
    clerks = {key: staff_client(system, api, w[key], f"hj{key.lower()}") for key in ("P", "B", "X", "X1")}
    yield w, clerks
    for client in clerks.values():
        client.close()


def election(candidates, entitled=8, present=8, seats=3):
    return {"entitled": entitled, "present": present, "seats": seats,
            "candidates": [{"member_id": m, "votes": v, **({"post": p} if p else {})} for m, v, p in candidates]}


def terms_of(client, org_id: int) -> dict:
    return ok(client.get(f"/orgs/{org_id}/terms"))


def test_a_branch_elects_its_committee_and_the_higher_level_approves(world):
    w, clerks = world
    b = w["b"]
    created = ok(clerks["B"].post(f"/orgs/{w['B']}/terms", json={
        "elected_on": ago(30), "method": "党员大会选举", "election": election(
            [(b[0], 8, "书记"), (b[1], 7, "组织委员"), (b[7], 6, "宣传委员"), (b[3], 2, None)])}), 201)
    assert created["number"] == 1
    elected = TODAY - timedelta(days=30)
    assert created["expires_on"] == date(elected.year + 3, elected.month, min(elected.day, 28) if (
        elected.month, elected.day) == (2, 29) else elected.day).isoformat()
    assert sorted((m["member_id"], m["post_name"], m["how_name"]) for m in created["members"]) == sorted(
        [(b[0], "书记", "选举"), (b[1], "组织委员", "选举"), (b[7], "宣传委员", "选举")])
    found = terms_of(clerks["B"], w["B"])
    current = found["current"]
    assert found["history"] == [] and current["id"] == created["id"] and current["method_name"] == "党员大会选举"
    assert current["term_years"] == 3 and current["elected"] and current["days_left"] > 365
    assert current["election"]["present"] == 8 and len(current["election"]["candidates"]) == 4
    assert [c["elected"] for c in current["election"]["candidates"]] == [True, True, True, False]
    assert current["election"]["candidates"][0]["name"] == "换届甲0"
    # The branch itself cannot record its 批复; the 党委 above can.
    assert_error(clerks["B"].post(f"/terms/{created['id']}/approval", json={
        "approved_on": ago(20), "approval_no": "组字〔2026〕1号"}), 403)
    assert_error(clerks["P"].post(f"/terms/{created['id']}/approval", json={
        "approved_on": ago(31), "approval_no": "组字〔2026〕1号"}), 422)
    approved = ok(clerks["P"].post(f"/terms/{created['id']}/approval", json={
        "approved_on": ago(20), "approval_no": "组字〔2026〕1号", "version": current["version"]}))
    assert approved["approval_no"] == "组字〔2026〕1号"
    assert terms_of(clerks["B"], w["B"])["current"]["approved_on"] == ago(20)
    # The member card's posts come from the committee.
    posts = ok(clerks["B"].get(f"/members/{b[0]}/posts"))["items"]
    assert [(p["post_name"], p["org_name"], p["number"]) for p in posts] == [("书记", "换届第一支部", 1)]


def _nothing_written(api, org_id):
    found = terms_of(api, org_id)
    assert found["current"] is None and found["history"] == []


@pytest.mark.parametrize("case, status, words", [
    ("quorum", 422, "五分之四"), ("surplus", 422, "差额"), ("majority", 422, "半数"),
    ("probationary", 422, "正式党员"), ("foreign", 400, "党员名册"), ("small", 422, "不足7人"),
    ("tie", 422, "再次投票"), ("future", 400, "晚于今天"), ("years", 422, "任期应为")])
def test_a_refused_election_writes_nothing(api, world, case, status, words):
    w, _ = world
    b2 = w["b2"]
    body = {"elected_on": ago(10), "method": "党员大会选举",
            "election": election([(b2[0], 7, "书记"), (b2[1], 6, None), (b2[2], 5, None), (b2[3], 1, None)],
                                 entitled=7, present=7)}
    org = w["B2"]
    if case == "quorum":
        body["election"].update(present=5)
        body["election"]["candidates"] = [{"member_id": m, "votes": 5} for m in b2[:3]] + [
            {"member_id": b2[3], "votes": 0}]
    elif case == "surplus":
        body["election"]["candidates"] = body["election"]["candidates"][:3]
    elif case == "majority":
        body["election"]["candidates"] = [{"member_id": m, "votes": 3} for m in b2[:4]]
    elif case == "probationary":
        body["election"]["candidates"][3]["member_id"] = b2[7]
    elif case == "foreign":
        body["election"]["candidates"][3]["member_id"] = w["x1"][0]
    elif case == "small":
        org, body = w["S"], {"elected_on": ago(10), "method": "党员大会选举", "election": election(
            [(w["s"][0], 3, "书记"), (w["s"][1], 3, "组织委员"), (w["s"][2], 0, None)], entitled=3, present=3, seats=2)}
    elif case == "tie":
        body["election"]["candidates"][3]["votes"] = 5
    elif case == "future":
        body["elected_on"] = (TODAY + timedelta(days=1)).isoformat()
    elif case == "years":
        body["term_years"] = 4
    error = assert_error(api.post(f"/orgs/{org}/terms", json=body), status)
    assert words in error["message"] and CJK.search(error["message"]), error
    _nothing_written(api, org)


def test_a_temporary_branch_is_appointed_never_elected(api, world):
    w, _ = world
    error = assert_error(api.post(f"/orgs/{w['T']}/terms", json={
        "elected_on": ago(5), "method": "党员大会选举",
        "election": election([(w["t"][0], 2, "书记"), (w["t"][1], 0, None)], entitled=2, present=2, seats=1)}), 422)
    assert "指派" in error["message"]
    appointed = ok(api.post(f"/orgs/{w['T']}/terms", json={
        "elected_on": ago(5), "method": "上级指派", "members": [{"member_id": w["t"][0], "post": "书记"}]}), 201)
    assert appointed["expires_on"] is None and appointed["members"][0]["how_name"] == "指派"
    none = ok(api.get(f"/orgs/{w['P']}/terms/due", params={"kind": "none", "size": 200}))
    assert w["T"] in [item["id"] for item in none["items"]]  # not elected: listed apart, never reminded
    assert w["T"] not in [i["id"] for i in ok(api.get(f"/orgs/{w['P']}/terms/due", params={"size": 200}))["items"]]


def test_midterm_by_election_and_leaving(world):
    w, clerks = world
    b, clerk = w["b"], clerks["B"]
    term = terms_of(clerk, w["B"])["current"]
    added = ok(clerk.post(f"/terms/{term['id']}/members", json={
        "member_id": b[4], "post": "纪检委员", "since": ago(2), "how": "补选"}), 201)
    assert added["post_name"] == "纪检委员" and added["how_name"] == "补选" and added["name"] == "换届甲4"
    error = assert_error(clerk.post(f"/terms/{term['id']}/members", json={
        "member_id": b[5], "post": "书记", "since": ago(2), "how": "补选"}), 422)
    assert "只能有一名书记" in error["message"]
    error = assert_error(clerk.post(f"/terms/{term['id']}/members", json={
        "member_id": b[5], "post": "委员", "since": ago(40), "how": "补选"}), 422)
    assert "不能早于本届开始日期" in error["message"]
    assert_error(clerk.post(f"/terms/{term['id']}/members", json={
        "member_id": b[4], "post": "委员", "since": ago(1), "how": "指派"}), 409)
    assert_error(clerk.post(f"/terms/{term['id']}/members", json={
        "member_id": b[5], "post": "委员", "since": ago(1), "how": "选举"}), 400)
    error = assert_error(clerk.post(f"/terms/{term['id']}/members/{added['id']}/leave", json={
        "date": ago(3), "reason": "调离"}), 422)
    assert "不能早于任职日期" in error["message"]
    left = ok(clerk.post(f"/terms/{term['id']}/members/{added['id']}/leave", json={"date": ago(1), "reason": "调离"}))
    assert left["left_on"] == ago(1) and left["leave_reason"] == "调离"
    assert_error(clerk.post(f"/terms/{term['id']}/members/{added['id']}/leave", json={
        "date": ago(1), "reason": "调离"}), 409)
    members = terms_of(clerk, w["B"])["current"]["members"]
    assert members[-1]["id"] == added["id"] and members[-1]["left_on"] == ago(1)  # those who left come last
    other_term = terms_of(api_of(clerks), w["T"])["current"]
    assert_error(clerk.post(f"/terms/{term['id']}/members/{other_term['members'][0]['id']}/leave",
                            json={"date": ago(1), "reason": "x"}), 404)


def api_of(clerks):
    return clerks["P"]


def test_a_second_election_closes_the_old_term_and_the_due_lists_follow(api, world):
    w, clerks = world
    s, o = w["s"], w["o"]
    old = ok(api.post(f"/orgs/{w['S']}/terms", json={
        "elected_on": (TODAY.replace(year=TODAY.year - 3) + timedelta(days=10)).isoformat(), "method": "党员大会选举",
        "members": [{"member_id": s[0], "post": "书记"}, {"member_id": s[1], "post": "副书记"}]}), 201)
    ok(api.post(f"/orgs/{w['O']}/terms", json={
        "elected_on": (TODAY.replace(year=TODAY.year - 3) - timedelta(days=5)).isoformat(), "method": "1",
        "members": [{"member_id": o[0], "post": "书记"}]}), 201)
    due = ok(clerks["P"].get(f"/orgs/{w['P']}/terms/due", params={"size": 200}))
    by_org = {item["id"]: item for item in due["items"]}
    assert by_org[w["S"]]["days_left"] == 10 and not by_org[w["S"]]["overdue"]
    assert by_org[w["O"]]["overdue"] and by_org[w["O"]]["days_left"] == -5
    assert w["B"] not in by_org and due["overdue"] >= 1
    assert w["S"] not in [i["id"] for i in ok(clerks["P"].get(f"/orgs/{w['P']}/terms/due",
                                                              params={"within_days": 9}))["items"]]
    reminder = ok(clerks["P"].get(f"/orgs/{w['P']}/terms/reminder"))
    assert reminder["subordinates_due"] >= 2 and reminder["subordinates_overdue"] >= 1 and reminder["own"] is None
    own = ok(api.get(f"/orgs/{w['O']}/terms/reminder"))["own"]
    assert own["overdue"] and own["days_left"] == -5
    behind = ok(clerks["P"].get(f"/orgs/{w['P']}/supervision/terms-due", params={"size": 200}))["items"]
    assert any(item["id"] == w["O"] and "尚未换届" in item["missing"][0] for item in behind)
    sheet = clerks["P"].get(f"/orgs/{w['P']}/terms/due.xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    # The higher level approves a postponement of half a year: O is no longer overdue.
    o_term = terms_of(api, w["O"])["current"]
    assert_error(clerks["P"].post(f"/terms/{o_term['id']}/approval", json={
        "approved_on": ago(1), "approval_no": "延字1号", "postponed_to": ago(-400)}), 422)
    ok(clerks["P"].post(f"/terms/{o_term['id']}/approval", json={
        "approved_on": ago(1), "approval_no": "延字1号", "postponed_to": ago(-150)}))
    item = {i["id"]: i for i in ok(clerks["P"].get(f"/orgs/{w['P']}/terms/due", params={"size": 200}))["items"]}[w["O"]]
    assert not item["overdue"] and item["due_on"] == ago(-150)

    # 换届 of S ten days early: the old term closes, its members 离任 today.
    error = assert_error(api.post(f"/orgs/{w['S']}/terms", json={
        "elected_on": (TODAY.replace(year=TODAY.year - 3)).isoformat(), "method": "党员大会选举",
        "members": [{"member_id": s[2], "post": "书记"}]}), 422)
    assert "应晚于本届" in error["message"]
    body = {"elected_on": TODAY.isoformat(), "method": "党员大会选举",
            "election": election([(s[2], 3, "书记"), (s[0], 1, None)], entitled=3, present=3, seats=1)}
    with ThreadPoolExecutor(2) as pool:  # sent twice at once: one 换届
        answers = list(pool.map(lambda _: api.post(f"/orgs/{w['S']}/terms", json=body), range(2)))
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    new = next(r.json() for r in answers if r.status_code == 201)
    assert new["number"] == 2 and any("提前换届" in warning for warning in new["warnings"])
    found = terms_of(api, w["S"])
    assert found["current"]["id"] == new["id"] and [t["id"] for t in found["history"]] == [old["id"]]
    closed = found["history"][0]
    assert closed["closed_on"] == TODAY.isoformat()
    assert {(m["left_on"], m["leave_reason"]) for m in closed["members"]} == {(TODAY.isoformat(), "换届")}
    assert w["S"] not in [i["id"] for i in ok(api.get(f"/orgs/{w['P']}/terms/due", params={"size": 200}))["items"]]
    sheet = clerks["P"].get(f"/orgs/{w['P']}/committees.xlsx")
    assert sheet.status_code == 200, sheet.text
    cells = [[c for c in row if c is not None] for row in load_workbook(BytesIO(sheet.content)).active.iter_rows(
        values_only=True)]
    assert ["换届小支部", "书记", "换届丙2"] == [c for c in next(r for r in cells if "换届丙2" in r)
                                          if c in ("换届小支部", "书记", "换届丙2")]
    assert not any("换届丙0" in row for row in cells)  # left with the old term


def test_scope_and_hostile_input(world):
    w, clerks = world
    clerk = clerks["B"]
    term = terms_of(clerk, w["B"])["current"]
    assert_error(clerk.get(f"/orgs/{w['X1']}/terms"), 403)
    assert_error(clerk.post(f"/orgs/{w['X1']}/terms", json={"elected_on": ago(1), "method": "1", "members": [
        {"member_id": w["x1"][0], "post": "书记"}]}), 403)
    assert_error(clerks["X"].post(f"/terms/{term['id']}/members", json={
        "member_id": w["b"][6], "post": "委员", "since": ago(1), "how": "补选"}), 403)
    assert_error(clerks["X"].post(f"/terms/{term['id']}/approval", json={"approved_on": ago(1), "approval_no": "1"}),
                 403)
    assert_error(clerk.get(f"/orgs/{w['P']}/terms/due"), 403)
    assert_error(clerks["X"].get(f"/members/{w['b'][0]}/posts"), 403)
    assert_error(clerk.get("/orgs/999999999/terms"), 404)
    assert_error(clerk.post("/terms/999999999/members", json={"member_id": 1, "post": "委员", "since": ago(1),
                                                               "how": "补选"}), 404)
    assert_error(clerk.post(f"/terms/{term['id']}/members/abc/leave", json={}), 404)
    assert_error(clerk.post(f"/orgs/{w['B']}/terms", content=b"{bad", headers={"content-type": "application/json"}),
                 400, "malformed")
    assert clerk.post(f"/orgs/{w['B']}/terms", content=b"x" * (65 * 1024)).status_code == 413
    error = assert_error(clerk.post(f"/orgs/{w['B']}/terms", json={"elected_on": ago(1), "method": "1",
                                                                   "election": "8人"}), 400, "validation")
    assert "election" in error["fields"]
    error = assert_error(clerk.post(f"/orgs/{w['B']}/terms", json={
        "elected_on": ago(1), "method": "1", "election": {"entitled": 8, "present": 8, "seats": 3,
                                                         "candidates": [{"member_id": 1, "votes": 1}] * 201}}), 400)
    assert "election.candidates" in error["fields"]
    assert_error(clerks["P"].get(f"/orgs/{w['P']}/terms/due", params={"within_days": "-1"}), 400)
    assert_error(clerks["P"].get(f"/orgs/{w['P']}/terms/due", params={"kind": "x"}), 400)
    assert_error(clerks["P"].get(f"/orgs/{w['P']}/terms/due", params={"page": "0"}), 400)
    assert terms_of(clerk, w["B"])["current"]["id"] == term["id"]


def test_members_leaving_the_rolls_or_transferring_out_leave_the_committee_and_undo_brings_them_back(api, world):
    w, clerks = world
    b = w["b"]
    term = terms_of(api, w["B"])["current"]
    member = ok(api.get(f"/members/{b[1]}"))
    ok(api.post(f"/members/{b[1]}/leave", json={"kind": "死亡", "date": ago(1), "reason": "病故",
                                                "version": member["version"]}))
    row = wait_for(lambda: next(m for m in terms_of(api, w["B"])["current"]["members"] if m["member_id"] == b[1]),
                   lambda m: m["left_on"] is not None, what="the org service to follow member_updated")
    assert row["left_on"] == ago(1) and "死亡" in row["leave_reason"]
    assert ok(api.get(f"/members/{b[1]}/posts"))["items"] == []
    # 回退 of the death (a mistaken entry): the post it ended is open again, as if never keyed in.
    ok(api.post(f"/members/{b[1]}/status/undo", json={}))
    row = wait_for(lambda: next(m for m in terms_of(api, w["B"])["current"]["members"] if m["member_id"] == b[1]),
                   lambda m: m["left_on"] is None, what="the org service to reopen the post on 回退")
    assert row["leave_reason"] is None and ok(api.get(f"/members/{b[1]}/posts"))["items"]

    # b[7] (宣传委员) transfers to another 党委's branch: each step by its organization's clerk.
    transfer = ok(clerks["B"].post("/transfers", json={
        "member_id": b[7], "kind": "within", "to_org_id": w["X1"], "reason": "01",
        "dues_paid_to": f"{TODAY.year}-01", "phone": "13900000000", "address": "某某市某某路1号",
        "postcode": "100020"}), 201)
    by_org = {w["P"]: clerks["P"], w["X"]: clerks["X"], w["X1"]: clerks["X1"]}
    while transfer["state"] not in ("receiving", "received"):
        step = next(s for s in transfer["route"] if s["state"] == "current")
        extra = {"date": TODAY.isoformat()} if step["action"] == "receive" else {}
        transfer = ok(by_org[step["org_id"]].post(f"/transfers/{transfer['id']}/{step['action']}",
                                                 json={"version": transfer["version"], **extra}))
    row = wait_for(lambda: next(m for m in terms_of(api, w["B"])["current"]["members"] if m["member_id"] == b[7]),
                   lambda m: m["left_on"] is not None, what="the org service to follow member_transferred")
    assert row["left_on"] >= term["elected_on"] and row["leave_reason"] == "组织关系转出"
    still = [m["member_id"] for m in terms_of(api, w["B"])["current"]["members"] if m["left_on"] is None]
    assert b[0] in still and b[7] not in still and term["id"] == terms_of(api, w["B"])["current"]["id"]
