"""线下转入 (非建库) through the JSON API: a county-level department keys in a person with a paper
letter → the receiving 党委 approves → the branch receives → the member service creates the member
there (进入支部日期 = the 接收 date) and table 1 counts one 转入 of the letter's kind; bad member
data is a 400 with the member's own rules and writes nothing; a member on the rolls is a 409; out
of scope is 403/404; two receives at once give one member; a member who left by 组织关系转出
comes back as the same record."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from tests.support.api import complete_member, create_org, staff_client
from tests.support.factories import id_number
from tests.support.helpers import CJK, assert_error, wait_for

TODAY = date.today()


@pytest.fixture(scope="module")
def tree(system, api, root_id):
    """A county 党委 (keys in) over a 党委 with two branches, an unrelated 党委, a clerk for each."""
    orgs = {"K": create_org(api, root_id, "线下转入测试县委", "党委")}
    orgs["B"] = create_org(api, orgs["K"], "线下转入接收党委", "党委")
    orgs["B1"] = create_org(api, orgs["B"], "线下转入第一支部")
    orgs["B2"] = create_org(api, orgs["B"], "线下转入第二支部")
    orgs["C"] = create_org(api, root_id, "线下转入无关党委", "党委")
    clerks = {name: staff_client(system, api, org_id, f"in{name.lower()}") for name, org_id in orgs.items()}
    yield orgs, clerks
    for client in clerks.values():
        client.close()


def person(name: str = "线下转入党员", **overrides) -> dict:
    return {"name": name, "id_number": id_number(), "ethnicity": "汉族", "category": "正式党员",
            "joined_on": "2012-07-01", "native_place": "河北保定", "phone": "13700000000", **overrides}


def key_in(client, to_org_id: int, member: dict, **overrides):
    return client.post("/transfers/inbound", json={
        "to_org_id": to_org_id, "letter_no": "冀组转字0012345", "from_kind": "cross_province",
        "from_text": "河北省保定市某某区委组织部", "dues_paid_to": f"{TODAY.year}-01", "member": member, **overrides})


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def act(client, transfer: dict, action: str, **data):
    return client.post(f"/transfers/{transfer['id']}/{action}", json={"version": transfer["version"], **data})


def received(client, transfer_id: int) -> dict:
    return wait_for(lambda: ok(client.get(f"/transfers/{transfer_id}")), lambda t: t["state"] == "received",
                    timeout=30, what="the member service to create the member")


def t1(rpc, org_id: int) -> dict:
    report = rpc.call("stats", "counted_report", org_id=org_id, year=TODAY.year)
    return next(t for t in report["tables"] if t["key"] == "t1")["rows"][0]["cells"]


def transfers_in(rpc, org_id: int) -> dict:
    return {key: n for key, n in t1(rpc, org_id).items() if n and "transfer_in" in key}


def reconciled(rpc, org_id: int) -> None:
    wait_for(lambda: rpc.call("stats", "reconcile", org_id=org_id)["total_differences"], lambda n: n == 0,
             timeout=30, what="reconcile to be clean")


def test_keyed_in_routed_received_and_the_member_is_created_and_counted(api, rpc, tree):
    orgs, clerks = tree
    data = person(education="大学本科", occupation="专业技术人员")
    created = ok(key_in(clerks["K"], orgs["B1"], data), 201)
    assert (created["kind"], created["kind_name"], created["member_id"], created["state"]) == (
        "inbound", "线下转入", None, "approving")
    assert (created["letter_no"], created["from_kind"], created["from_text"]) == (
        "冀组转字0012345", "cross_province", "河北省保定市某某区委组织部")
    assert created["member"]["id_number"] == data["id_number"] and created["member"]["sex_name"]
    assert [(s["org_id"], s["action"], s["state"]) for s in created["route"]] == [
        (orgs["K"], "approve", "skipped"), (orgs["B"], "approve", "current"), (orgs["B1"], "receive", "waiting")]
    assert "revoke" in created["actions"]  # the keyer: no 重新发起, no 路径变更
    assert not {"reapply", "reroute"} & set(created["actions"])
    # The work lists: the 党委's 待办, the branch's 即将办理 then 待办, and its 转入历史.
    todo = ok(clerks["B"].get(f"/orgs/{orgs['B']}/transfers", params={"box": "todo"}))["items"]
    assert created["id"] in [item["id"] for item in todo]
    approved = ok(act(clerks["B"], created, "approve", opinion="同意接收"))
    assert approved["state"] == "to_receive"
    for box in ("todo", "in"):
        items = ok(clerks["B1"].get(f"/orgs/{orgs['B1']}/transfers", params={"box": box}))["items"]
        assert created["id"] in [item["id"] for item in items], box
    assert_error(clerks["K"].get(f"/transfers/{created['id']}/letter.pdf"), 409)  # a paper letter came with them

    ok(act(clerks["B1"], approved, "receive", date=TODAY.isoformat()))
    done = received(clerks["B1"], created["id"])
    member = ok(clerks["B1"].get(f"/members/{done['member_id']}"))
    assert (member["org_id"], member["name"], member["id_number"], member["status"]) == (
        orgs["B1"], data["name"], data["id_number"], "active")
    assert (member["branch_joined_on"], member["joined_on"], member["native_place"]) == (
        TODAY.isoformat(), "2012-07-01", "河北保定")
    assert [e["action"] for e in done["history"]] == ["keyed_in", "approved", "received", "transferred"]
    # Table 1 counts one 转入 of the letter's kind (跨省) at the branch and above, and reconcile is clean.
    wait_for(lambda: transfers_in(rpc, orgs["B1"]), lambda cells: cells.get("transfer_in_cross_province") == 1,
             timeout=30, what="stats to count the 转入")
    assert transfers_in(rpc, orgs["K"]) == {"increase_transfer_in": 1, "transfer_in_cross_province": 1}
    cells = t1(rpc, orgs["B1"])  # counted from the arrival (arrived_on), not as a 发展 in 2012
    assert (cells["year_start"], cells["year_end"], cells["increase_develop"], cells["difference"]) == (0, 1, 0, 0)
    reconciled(rpc, orgs["K"])
    # The same person again: on the rolls now.
    error = assert_error(key_in(clerks["K"], orgs["B2"], data), 409, "conflict")
    assert "member.id_number" in error["fields"]


def test_bad_member_data_is_refused_by_the_member_rules_and_writes_nothing(api, tree):
    orgs, clerks = tree
    before = ok(clerks["K"].get(f"/orgs/{orgs['K']}/transfers", params={"box": "out"}))["total"]
    bad_id = person(id_number="110101199001011235")  # wrong check digit
    error = assert_error(key_in(clerks["K"], orgs["B1"], bad_id), 400, "validation")
    assert CJK.search(error["fields"]["member.id_number"])
    error = assert_error(key_in(clerks["K"], orgs["B1"], person(joined_on="", ethnicity="火星族")), 400)
    assert {"member.joined_on", "member.ethnicity"} <= set(error["fields"])
    error = assert_error(key_in(clerks["K"], orgs["B1"], None, letter_no="", from_kind="月球"), 400)
    assert {"letter_no", "from_kind", "member"} <= set(error["fields"])
    assert_error(key_in(clerks["K"], "一", person()), 400)
    assert_error(key_in(clerks["K"], orgs["B1"], person(name="名" * 5000)), 400)
    assert_error(clerks["K"].post("/transfers/inbound", content=b"{not json", headers={
        "content-type": "application/json"}), 400)
    assert ok(clerks["K"].get(f"/orgs/{orgs['K']}/transfers", params={"box": "out"}))["total"] == before
    # A second 线下转入 of the same person while the first is open.
    data = person()
    ok(key_in(clerks["K"], orgs["B1"], data), 201)
    assert_error(key_in(clerks["K"], orgs["B2"], data), 409)


def test_out_of_scope_and_without_rights_is_refused(api, tree):
    orgs, clerks = tree
    assert key_in(clerks["C"], orgs["B1"], person()).status_code in (403, 404)  # not its subtree
    assert_error(key_in(clerks["B1"], orgs["B1"], person()), 403)  # a branch has no right to key in
    assert key_in(clerks["K"], 999999999, person()).status_code in (400, 404)
    created = ok(key_in(clerks["K"], orgs["B2"], person()), 201)
    assert clerks["C"].get(f"/transfers/{created['id']}").status_code in (403, 404)
    assert act(clerks["C"], created, "approve").status_code in (403, 404)
    assert_error(act(clerks["B2"], created, "receive"), 403)  # not its turn yet


def test_two_receives_at_once_give_one_member(api, rpc, tree):
    orgs, clerks = tree
    data = person("并发转入党员")
    with ThreadPoolExecutor(max_workers=2) as pool:  # the same person keyed in twice at once: one transfer
        answers = list(pool.map(lambda _: key_in(clerks["K"], orgs["B2"], data, from_kind="outside"), range(2)))
    assert sorted(r.status_code for r in answers) == [201, 409]
    created = next(r.json() for r in answers if r.status_code == 201)
    approved = ok(act(clerks["B"], created, "approve"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: act(clerks["B2"], approved, "receive"), range(2)))
    assert sorted(r.status_code for r in answers) == [200, 409]
    done = received(clerks["B2"], created["id"])
    assert [e["action"] for e in done["history"]].count("transferred") == 1
    wait_for(lambda: transfers_in(rpc, orgs["B2"]), lambda cells: cells.get("transfer_in_outside") == 1,
             timeout=30, what="stats to count the 转入")
    assert transfers_in(rpc, orgs["B2"]) == {"increase_transfer_in": 1, "transfer_in_outside": 1}


def test_a_member_who_left_by_transfer_comes_back_as_the_same_record(api, rpc, tree, root_id):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["B1"], "转回党员")
    gone = ok(api.post("/transfers", json={
        "member_id": member_id, "kind": "outside", "to_outside": {"party_committee": "某某公司党委"},
        "reason": "01", "dues_paid_to": f"{TODAY.year}-01"}), 201)
    gone = ok(act(api, gone, "approve")) if gone["state"] == "approving" else gone
    ok(act(api, gone, "receipt", handler="王经办"))
    wait_for(lambda: ok(api.get(f"/members/{member_id}")), lambda m: m["status"] == "left", timeout=30,
             what="the member to leave the rolls")
    card = ok(api.get(f"/members/{member_id}"))

    created = ok(key_in(clerks["K"], orgs["B2"], person("转回党员", id_number=card["id_number"]),
                        from_kind="outside", from_text="某某公司党委"), 201)
    assert created["member"]["returning_member_id"] == member_id
    ok(act(clerks["B2"], ok(act(clerks["B"], created, "approve")), "receive"))
    done = received(clerks["B2"], created["id"])
    assert done["member_id"] == member_id
    back = ok(api.get(f"/members/{member_id}"))
    assert (back["status"], back["org_id"], back["leave_kind"]) == ("active", orgs["B2"], None)
    assert back["actions"]["undo"] is False  # the 接收 is not taken back by 回退
    reconciled(rpc, orgs["B"])
