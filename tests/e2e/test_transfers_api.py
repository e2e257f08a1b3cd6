"""组织关系转接 through the JSON API, each call as the account whose step it is: 省内 发起 → 审批 →
审批 → 接收 (the member moves by the saga), 退回 → 重新发起, 撤销, the work lists, the 介绍信 PDF,
and every refusal as the one error body: 400 with Chinese field messages, 403/404 out of scope,
409 in the wrong state or with a stale version, two approvers at once giving one step."""
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.support.api import complete_member, create_org, staff_client
from tests.support.helpers import CJK, assert_error, csrf_of, wait_for

DUES = f"{date.today().year}-01"


@pytest.fixture(scope="module")
def tree(system, api, root_id):
    """Two 党委 under the root, each with branches; a clerk for each organization."""
    orgs = {key: create_org(api, root_id, name, "党委")
            for key, name in (("A", "转出测试党委"), ("B", "转入测试党委"), ("C", "无关测试党委"))}
    orgs["A1"] = create_org(api, orgs["A"], "转出第一支部")
    orgs["A2"] = create_org(api, orgs["A"], "转出第二支部")
    orgs["B1"] = create_org(api, orgs["B"], "转入第一支部")
    orgs["B2"] = create_org(api, orgs["B"], "转入第二支部")
    clerks = {name: staff_client(system, api, org_id, f"tr{name.lower()}") for name, org_id in orgs.items()}
    yield orgs, clerks
    for client in clerks.values():
        client.close()


def apply(client, member_id: int, to_org_id: int, **overrides):
    return client.post("/transfers", json={"member_id": member_id, "kind": "within", "to_org_id": to_org_id,
                                           "reason": "01", "dues_paid_to": DUES, "phone": "13900000000",
                                           "address": "某某市某某路1号", "postcode": "100020", **overrides})


def act(client, transfer: dict, action: str, **data):
    return client.post(f"/transfers/{transfer['id']}/{action}", json={"version": transfer["version"], **data})


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def steps(transfer: dict) -> list[tuple]:
    return [(s["org_id"], s["action"], s["state"]) for s in transfer["route"]]


def ids(client, org_id: int, box: str) -> list[int]:
    return [item["id"] for item in ok(client.get(f"/orgs/{org_id}/transfers", params={"box": box}))["items"]]


def test_within_the_province_from_application_to_receipt(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "省内转出")
    created = ok(apply(clerks["A1"], member_id, orgs["B1"]), 201)
    assert re.fullmatch(rf"{date.today().year}\d{{6}}", created["letter_no"])
    assert created["state"] == "approving"
    assert steps(created) == [(orgs["A"], "approve", "current"), (orgs["B"], "approve", "waiting"),
                              (orgs["B1"], "receive", "waiting")]
    # The work lists push it to each organization on the route.
    assert created["id"] in ids(clerks["A"], orgs["A"], "todo")
    assert created["id"] in ids(clerks["B1"], orgs["B1"], "upcoming")
    assert created["id"] in ids(clerks["A1"], orgs["A1"], "out")
    assert ok(clerks["A"].get(f"/orgs/{orgs['A']}/transfers/counts"))["todo"] >= 1
    # Only the current step's organization acts.
    assert_error(act(clerks["B"], created, "approve"), 403)

    approved = ok(act(clerks["A"], created, "approve", opinion="同意转出"))
    assert steps(approved)[0] == (orgs["A"], "approve", "done")
    assert approved["route"][0]["opinion"] == "同意转出" and approved["route"][0]["handler_name"]
    assert created["id"] in ids(clerks["A"], orgs["A"], "open")
    approved = ok(act(clerks["B"], approved, "approve"))
    assert approved["state"] == "to_receive"
    assert "receive" in ok(clerks["B1"].get(f"/transfers/{created['id']}"))["actions"]

    received = ok(act(clerks["B1"], approved, "receive", date=date.today().isoformat()))
    assert received["state"] in ("receiving", "received")
    done = wait_for(lambda: ok(clerks["B1"].get(f"/transfers/{created['id']}")),
                    lambda t: t["state"] == "received", what="the member service to move the member")
    assert created["id"] in ids(clerks["B1"], orgs["B1"], "in")
    assert [entry["action"] for entry in done["history"]][:1] == ["applied"]
    assert ok(api.get(f"/members/{member_id}"))["org_id"] == orgs["B1"]


def test_the_letter_pdf_has_the_three_parts_and_capital_numerals(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "介绍信党员")
    created = ok(apply(clerks["A1"], member_id, orgs["B1"], dues_paid_to="2026-11", valid_days=30), 201)
    response = clerks["A1"].get(f"/transfers/{created['id']}/letter.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    text = re.sub(r"\s+", "", PdfReader(BytesIO(response.content)).pages[0].extract_text())
    assert text.count(f"第{created['letter_no']}号") == 3
    for part in ("（存根）", "（回执联）", "介绍信党员同志", "转出测试党委", "转入第一支部",
                 "党费已交到贰零贰陆年拾壹月", "（有效期叁拾天）", "13900000000", "某某市某某路1号", "100020"):
        assert part in text, part
    # Out of scope: nothing of the letter leaks.
    assert clerks["C"].get(f"/transfers/{created['id']}/letter.pdf").status_code in (403, 404)


def test_return_needs_a_reason_then_the_sender_reissues_with_the_same_number(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "退回党员")
    created = ok(apply(clerks["A1"], member_id, orgs["B1"]), 201)
    error = assert_error(act(clerks["A"], created, "return"), 400, "validation")
    assert CJK.search(error["fields"]["reason"])
    returned = ok(act(clerks["A"], created, "return", reason="党费未交清"))
    assert returned["state"] == "returned" and returned["route"][0]["state"] == "returned"
    assert_error(act(clerks["A"], returned, "approve"), 409)  # nothing to approve any more
    assert_error(apply(clerks["A1"], member_id, orgs["B1"]), 409)  # the returned one is still open

    reissued = ok(act(clerks["A1"], returned, "reapply", dues_paid_to=f"{date.today().year}-02"))
    assert reissued["state"] == "approving" and reissued["letter_no"] == created["letter_no"]
    assert reissued["dues_paid_to"] == f"{date.today().year}-02"
    assert steps(reissued)[0] == (orgs["A"], "approve", "current")


def test_the_sender_revokes_until_the_receiving_side_acts(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "撤销党员")
    created = ok(apply(clerks["A1"], member_id, orgs["B1"]), 201)
    assert_error(act(clerks["B"], created, "revoke", reason="误发"), 403)  # not the sender
    assert_error(act(clerks["A1"], created, "revoke"), 400, "validation")  # a reason is required
    revoked = ok(act(clerks["A1"], created, "revoke", reason="党员暂缓转出"))
    assert revoked["state"] == "revoked" and revoked["actions"] == []
    assert_error(act(clerks["A1"], revoked, "revoke", reason="再次撤销"), 409)
    # Revoked: the member may be sent again.
    ok(apply(clerks["A1"], member_id, orgs["B1"]), 201)


def test_a_stale_version_and_two_approvers_at_once_give_one_step(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "并发党员")
    created = ok(apply(clerks["A1"], member_id, orgs["B1"]), 201)
    assert_error(act(clerks["A"], {**created, "version": created["version"] + 5}, "approve"), 409)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: act(clerks["A"], created, "approve"), range(2)))
    assert sorted(r.status_code for r in answers) == [200, 409]
    after = ok(clerks["A"].get(f"/transfers/{created['id']}"))
    assert [s["state"] for s in after["route"]] == ["done", "current", "waiting"]
    assert [e["action"] for e in after["history"]].count("approved") == 1


def test_the_sender_reroutes_in_flight_and_a_common_superior_closes(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "变更党员")
    created = ok(apply(clerks["A1"], member_id, orgs["B1"]), 201)
    approved = ok(act(clerks["A"], created, "approve"))
    assert_error(act(clerks["A1"], approved, "reroute"), 400, "validation")
    rerouted = ok(act(clerks["A1"], approved, "reroute", to_org_id=orgs["B2"]))
    assert rerouted["to_org_id"] == orgs["B2"] and rerouted["route"][-1]["org_id"] == orgs["B2"]
    assert rerouted["route"][0]["state"] == "done"  # the sending side's approval stands
    assert_error(act(clerks["B"], rerouted, "close", reason="无法联系"), 403)  # not above both sides
    assert_error(act(api, rerouted, "close"), 400, "validation")
    closed = ok(act(api, rerouted, "close", reason="党员出国，无法办理"))
    assert closed["state"] == "closed"
    assert_error(act(api, closed, "close", reason="再次"), 409)


def test_bad_input_gets_chinese_field_messages_and_writes_nothing(api, tree):
    orgs, clerks = tree
    client = clerks["A1"]
    error = assert_error(client.post("/transfers", json={}), 400, "validation")
    assert {"member_id", "kind", "reason"} <= set(error["fields"])
    assert all(CJK.search(message) for message in error["fields"].values())

    member_id = complete_member(api, orgs["A1"], "输入党员")
    error = assert_error(apply(client, member_id, orgs["B1"], valid_days=91, dues_paid_to="2026-13",
                               postcode="12"), 400, "validation")
    assert set(error["fields"]) >= {"valid_days", "dues_paid_to", "postcode"}
    assert "90" in error["fields"]["valid_days"]
    error = assert_error(client.post("/transfers", json={"member_id": "abc", "kind": "within", "valid_days": "x"}),
                         400, "validation")  # wrong JSON types
    assert set(error["fields"]) == {"member_id", "valid_days"}
    assert_error(apply(client, member_id, orgs["B1"], kind="moon"), 400, "validation")
    error = assert_error(apply(client, member_id, None, kind="cross_province", to_outside={"branch": "某支部"}),
                         400, "validation")
    assert {"to_outside.province", "to_outside.party_committee"} <= set(error["fields"])
    assert_error(client.post("/transfers", content=b"{not json", headers={"content-type": "application/json"}),
                 400, "malformed")
    assert_error(client.post("/transfers", content=b"[" * 100 + b"]" * 100), 400, "malformed")
    assert client.post("/transfers", content=b"x" * (65 * 1024)).status_code == 413
    assert_error(client.get(f"/orgs/{orgs['A1']}/transfers", params={"box": "mine"}), 400, "validation")
    assert_error(client.get(f"/orgs/{orgs['A1']}/transfers", params={"page": "x"}), 400, "validation")
    # Nothing was written: the member has no transfer, and can be sent now.
    out = ok(client.get(f"/orgs/{orgs['A1']}/transfers", params={"box": "out", "size": 200}))["items"]
    assert member_id not in [item["member_id"] for item in out]
    ok(apply(client, member_id, orgs["B1"]), 201)


def test_out_of_scope_is_refused(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "范围党员")
    # Another organization's member, and a transfer not on its route.
    assert apply(clerks["C"], member_id, orgs["B1"]).status_code in (403, 404)
    assert apply(clerks["A2"], member_id, orgs["B1"]).status_code in (403, 404)
    created = ok(apply(clerks["A1"], member_id, orgs["B1"]), 201)
    for client in (clerks["C"], clerks["A2"]):
        assert client.get(f"/transfers/{created['id']}").status_code in (403, 404)
        assert act(client, created, "approve").status_code in (403, 404)
    assert clerks["C"].get(f"/orgs/{orgs['A']}/transfers").status_code in (403, 404)
    assert clerks["C"].get(f"/orgs/{orgs['A']}/transfers/counts").status_code in (403, 404)
    assert clerks["C"].get("/transfers/999999999").status_code in (403, 404)
    assert clerks["C"].get("/transfers/abc").status_code == 404
    # The receiving 党委 sees it (it is on the route) but may not act before its turn.
    assert clerks["B"].get(f"/transfers/{created['id']}").status_code == 200
    assert_error(act(clerks["B1"], created, "receive"), 403)


def test_between_branches_has_one_approval_and_no_letter(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "支部间党员")
    created = ok(apply(clerks["A1"], member_id, orgs["A2"], kind="between_branches"), 201)
    assert created["letter_no"] is None
    assert steps(created) == [(orgs["A"], "approve", "current"), (orgs["A2"], "receive", "waiting")]
    assert_error(clerks["A1"].get(f"/transfers/{created['id']}/letter.pdf"), 409)
    approved = ok(act(clerks["A"], created, "approve"))
    ok(act(clerks["A2"], approved, "receive"))
    wait_for(lambda: ok(clerks["A2"].get(f"/transfers/{created['id']}")), lambda t: t["state"] == "received",
             what="the member service to move the member")


def test_the_pages_answer_hostile_input_with_4xx(browser_session, api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "页面党员")
    page = browser_session.get(f"/orgs/{orgs['A1']}/transfers", params={"box": "<script>"})
    assert page.status_code == 200 and "组织关系转接" in page.text and "<script>" not in page.text
    csrf = csrf_of(page.text)
    assert browser_session.get("/transfers/abc").status_code == 404
    assert browser_session.get("/transfers/999999999").status_code in (403, 404)
    created = ok(apply(clerks["A1"], member_id, orgs["B1"]), 201)
    assert browser_session.post(f"/transfers/{created['id']}/explode", data={"csrf_token": csrf}).status_code == 404
    # A refused 发起 comes back to the form, labelled in Chinese, what was typed kept.
    refused = browser_session.post(f"/orgs/{orgs['A1']}/transfers/preview", data={
        "csrf_token": csrf, "member_id": str(member_id), "kind": "within", "to_org_id": str(orgs["B1"]),
        "reason": "01", "dues_paid_to": DUES, "valid_days": "120", "phone": "一二三"})
    assert refused.status_code == 400
    assert "介绍信有效期：" in refused.text and 'value="一二三"' in refused.text
    assert browser_session.post(f"/orgs/{orgs['A1']}/transfers/preview",
                                content=b"a=" + b"x" * (70 * 1024)).status_code == 413
    for path, name in (("/transfers/members", "member_q"), ("/transfers/targets", "target_q")):
        for q in ("x" * 500, "\x00", "%", "' OR 1=1 --"):
            assert browser_session.get(path, params={name: q}).status_code < 500, (path, q)
    # The member card offers the transfer (the one in flight once the member service says so).
    card = browser_session.get(f"/members/{member_id}")
    assert f"/transfers/{created['id']}" in card.text or f"transfers/new?member_id={member_id}" in card.text


def test_the_letters_dues_paid_to_comes_from_the_dues_service(api, tree):
    """Left out, 党费交至 is the dues service's (months before the branch registers dues in PMIS are
    taken as settled, then the unbroken run paid); given, the clerk's stands."""
    from services.dues.domain import Month

    orgs, clerks = tree
    branch = clerks["A1"]
    now = Month.of(date.today())
    member_id = complete_member(api, orgs["A1"], "党费交至党员")
    wait_for(lambda: branch.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200,
             what="the dues service's projection of the new member")
    ok(branch.put(f"/orgs/{orgs['A1']}/dues/settings", json={"registration_start": str(now - 2)}))
    ok(branch.put(f"/members/{member_id}/dues/base", json={"kind": "employed", "amount": "5000",
                                                          "from_month": str(now - 2)}))
    request = {"member_id": member_id, "kind": "within", "to_org_id": orgs["B1"], "reason": "01",
               "phone": "13900000000"}
    assert ok(branch.post("/transfers/preview", json=request))["dues_paid_to"] == str(now - 3)
    for month in (now - 2, now - 1):
        ok(branch.post(f"/orgs/{orgs['A1']}/dues/payments", json={"month": str(month), "payments": [
            {"member_id": member_id, "amount": "50.00", "paid_on": date.today().isoformat()}]}), 201)
    assert ok(branch.post("/transfers/preview", json=request))["dues_paid_to"] == str(now - 1)
    assert ok(branch.post("/transfers/preview", json={**request, "dues_paid_to": DUES}))["dues_paid_to"] == DUES
