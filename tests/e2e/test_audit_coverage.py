"""操作日志 beyond members and accounts (docs/AUDIT.md, coverage): a transfer's 发起 and 审批, a dues
base and a large payment, a 组织生活 record — each leaves its entry, with names, under its organization."""
from datetime import date, datetime, timedelta

import pytest

from tests.support.api import complete_member, create_org
from tests.support.factories import code, member_data
from tests.support.helpers import wait_for


@pytest.fixture(scope="module")
def tree(api, root_id):
    a = create_org(api, root_id, "日志覆盖甲党委", "党委")
    b = create_org(api, root_id, "日志覆盖乙党委", "党委")
    return {"A": a, "A1": create_org(api, a, "日志覆盖甲支部"), "B": b, "B1": create_org(api, b, "日志覆盖乙支部")}


def logged(api, entity: str, entity_id, action: str) -> dict:
    items = wait_for(lambda: api.get("/audit", params={"entity": entity, "entity_id": entity_id}).json()["items"],
                     lambda found: any(e["action"] == action for e in found), what=f"{action}的日志")
    return next(e for e in items if e["action"] == action)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_a_transfer_is_logged_at_each_step(api, tree):
    member_id = complete_member(api, tree["A1"], "日志转接党员")
    created = ok(api.post("/transfers", json={"member_id": member_id, "kind": "within", "to_org_id": tree["B1"],
                                              "reason": "01", "dues_paid_to": f"{date.today():%Y-%m}",
                                              "phone": "13900000000", "address": "某某市某某路1号",
                                              "postcode": "100020"}), 201)
    applied = logged(api, "transfer", created["id"], "发起")
    assert {"field": "党员", "before": None, "after": "日志转接党员"} in applied["changes"]
    assert {"field": "状态", "before": None, "after": "审批中"} in applied["changes"]
    path_a1 = api.get(f"/orgs/{tree['A1']}").json()["path"]
    assert applied["org_path"] == path_a1
    ok(api.post(f"/transfers/{created['id']}/approve", json={"version": created["version"], "opinion": "同意转出"}))
    approved = logged(api, "transfer", created["id"], "审批同意")
    assert {"field": "意见或说明", "before": None, "after": "同意转出"} in approved["changes"]


def test_dues_bases_and_payments_are_logged(api, tree):
    member_id = ok(api.post("/members", json=member_data(tree["A1"], name="日志党费党员")), 201)["id"]
    wait_for(lambda: api.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200,
             what="党费中的党员")
    month = f"{date.today():%Y-%m}"
    ok(api.put(f"/orgs/{tree['A1']}/dues/settings", json={"registration_start": month}))
    ok(api.put(f"/members/{member_id}/dues/base", json={"kind": "employed", "amount": "5000", "from_month": month}))
    base = logged(api, "dues_base", member_id, "设定党费基数")
    fields = {c["field"]: c["after"] for c in base["changes"]}
    assert fields["党员"] == "日志党费党员" and fields["起始月份"] == month and fields["基数类型"] != "employed"
    large = ok(api.post(f"/members/{member_id}/dues/large", json={
        "amount": "2000", "paid_on": date.today().isoformat(), "receipt_no": f"R{code('')}"}), 201)
    entry = logged(api, "dues_payment", large["id"], "登记大额党费")
    assert {"field": "金额", "before": None, "after": "2000.00"} in entry["changes"]


def test_a_meeting_is_logged(api, tree):
    people = [ok(api.post("/members", json=member_data(tree["B1"], name=f"日志会议{n}")), 201)["id"] for n in "甲乙"]
    held = (datetime.now() - timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    created = ok(api.post(f"/orgs/{tree['B1']}/meetings", json={
        "kind": "支部党员大会", "held_at": held.strftime("%Y-%m-%dT%H:%M"), "place": "党员活动室", "host": "张书记",
        "recorder": "李委员", "topic": "学习党章", "content": "学习", "attendees": people, "absentees": [],
        "decisions": "同意"}), 201)
    entry = logged(api, "meeting", created["id"], "录入组织生活记录")
    assert entry["changes"][0]["field"] == "会议" and "支部党员大会" in entry["changes"][0]["after"]
    assert entry["org_path"] == api.get(f"/orgs/{tree['B1']}").json()["path"]
