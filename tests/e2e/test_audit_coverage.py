"""操作日志 beyond members and accounts (docs/AUDIT.md, coverage): a transfer's 发起 and 审批, a dues
base and a large payment, a 组织生活 record, the dues 上缴 (record, 退回, confirm, void, correct), the
大额党费 上缴 (record, 退回, confirm, void) and a 流入党员's dues on the inflow ledger (record, void) — each
leaves its entry, with names, under its organization."""
from datetime import date, datetime, timedelta

import pytest

from tests.conftest import login
from tests.support.api import PASSWORD, complete_member, create_org, new_staff_account
from tests.support.factories import code, id_number, member_data
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


def fields_of(entry: dict) -> dict:
    return {c["field"]: (c["before"], c["after"]) for c in entry["changes"]}


def test_remittances_and_inflow_dues_are_logged(system, api, tree):
    """B1 (under the 党委 B) remits this month's dues and hands up a 大额党费; B answers; B1 keeps the inflow
    ledger of a 流入党员 from outside."""
    clerks = {name: login(system.url, new_staff_account(system, api, tree[name], f"rz{name.lower()}{code('')}"
                                                        .lower()), PASSWORD) for name in ("B", "B1")}
    b1, b = clerks["B1"], clerks["B"]
    path = api.get(f"/orgs/{tree['B1']}").json()["path"]
    today, month = date.today().isoformat(), f"{date.today():%Y-%m}"
    member_id = ok(api.post("/members", json=member_data(tree["B1"], name="日志上缴党员")), 201)["id"]
    wait_for(lambda: api.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200,
             what="党费中的党员")
    ok(api.put(f"/orgs/{tree['B1']}/dues/settings", json={"registration_start": month}))
    ok(api.put(f"/members/{member_id}/dues/base", json={"kind": "employed", "amount": "5000", "from_month": month}))
    ok(api.post(f"/orgs/{tree['B1']}/dues/payments", json={"month": month, "payments": [
        {"member_id": member_id, "amount": "50.00", "paid_on": today}]}), 201)
    # 上缴: recorded, 退回 by B, recorded again, corrected, confirmed by B, voided by B.
    entry = {"period": month, "amount": "50.00", "remitted_on": today, "receipt_no": "RZ-1"}
    first = ok(b1.post(f"/orgs/{tree['B1']}/dues/remittances", json=entry), 201)
    recorded = logged(api, "dues_remittance", first["id"], "登记上缴")
    assert recorded["org_path"] == path and fields_of(recorded)["上缴组织"] == (None, "日志覆盖乙支部")
    assert fields_of(recorded)["金额"] == (None, "50.00") and fields_of(recorded)["状态"] == (None, "待确认")
    ok(b.post(f"/dues/remittances/{first['id']}/return", json={"reason": "未收到款项"}))
    returned = fields_of(logged(api, "dues_remittance", first["id"], "退回上缴"))
    assert returned["状态"] == ("待确认", "已退回") and returned["作废或退回原因"] == (None, "退回：未收到款项")
    second = ok(b1.post(f"/orgs/{tree['B1']}/dues/remittances", json={**entry, "amount": "40.00"}), 201)
    fixed = ok(b1.post(f"/dues/remittances/{second['id']}/correct", json={
        "amount": "50.00", "remitted_on": today, "reason": "金额填错"}), 201)
    assert fields_of(logged(api, "dues_remittance", fixed["id"], "更正上缴"))["金额"] == ("40.00", "50.00")
    ok(b.post(f"/dues/remittances/{fixed['id']}/confirm", json={"opinion": "已收到"}))
    confirmed = fields_of(logged(api, "dues_remittance", fixed["id"], "确认收到上缴"))
    assert confirmed["状态"] == ("待确认", "已确认") and confirmed["意见"] == (None, "已收到")
    ok(b.post(f"/dues/remittances/{fixed['id']}/void", json={"reason": "确认有误"}))
    assert fields_of(logged(api, "dues_remittance", fixed["id"], "作废上缴记录"))["状态"] == ("已确认", "已作废")
    # 大额党费 上缴: recorded, 退回, recorded again, confirmed, voided by the receiver.
    ok(api.post(f"/members/{member_id}/dues/large", json={"amount": "1200", "paid_on": today,
                                                          "receipt_no": f"RZL{code('')}"}), 201)
    large = {"remitted_on": today, "amount": "1200.00", "voucher_no": "RZ-L1"}
    up = ok(b1.post(f"/orgs/{tree['B1']}/dues/large/remittances", json=large), 201)
    made = logged(api, "dues_large_remittance", up["id"], "登记大额党费上缴")
    assert made["org_path"] == path and fields_of(made)["收款"] == (None, "日志覆盖乙党委")
    assert "日志上缴党员 1200.00" in fields_of(made)["所缴各笔"][1]
    ok(b.post(f"/dues/large-remittances/{up['id']}/return", json={"reason": "凭证不符"}))
    assert fields_of(logged(api, "dues_large_remittance", up["id"], "退回大额党费上缴"))["状态"] == ("待确认", "已退回")
    again = ok(b1.post(f"/orgs/{tree['B1']}/dues/large/remittances", json={**large, "voucher_no": "RZ-L2"}), 201)
    ok(b.post(f"/dues/large-remittances/{again['id']}/confirm", json={}))
    assert fields_of(logged(api, "dues_large_remittance", again["id"], "确认收到大额党费上缴"))["状态"] == (
        "待确认", "已确认")
    ok(b.post(f"/dues/large-remittances/{again['id']}/void", json={"reason": "确认有误"}))
    assert fields_of(logged(api, "dues_large_remittance", again["id"], "作废大额党费上缴"))["状态"] == (
        "已确认", "已作废")
    # The inflow ledger: a 流入党员 from outside pays at B1, the payment is voided.
    inflow = ok(b1.post(f"/orgs/{tree['B1']}/inflows", json={"from_date": today, "external": {
        "name": "日志流入党员", "id_number": id_number(), "home_org_text": "外省某支部", "certificate_no": "RZ0001"}}),
        201)
    paid = wait_for(lambda: b1.post(f"/orgs/{tree['B1']}/dues/inflow-payments", json={"month": month, "payments": [
        {"inflow_id": inflow["id"], "amount": "30.00", "paid_on": today}]}), lambda r: r.status_code == 201,
        what="the dues service's projection of the inflow").json()["recorded"][0]
    inflow_entry = logged(api, "dues_inflow_payment", paid["id"], "登记流入党员党费")
    assert inflow_entry["org_path"] == path
    assert fields_of(inflow_entry)["流入党员"] == (None, "日志流入党员")
    assert fields_of(inflow_entry)["活动证编号"] == (None, "RZ0001")
    ok(b1.post(f"/dues/inflow-payments/{paid['id']}/void", json={"reason": "金额错登"}))
    assert fields_of(logged(api, "dues_inflow_payment", paid["id"], "作废流入党员党费"))["作废原因"] == (
        None, "金额错登")
    for client in clerks.values():
        client.close()
