"""大额党费 上缴 through the JSON API and the 工作督查 page (docs/DUES.md "大额党费 上缴"): a branch hands up
the 大额党费 it holds in full (all by default), its 党委 hands them on (chosen ones); a payment twice by the
same level → 409, an amount that is not the sum → 422, a payment of another subtree or an organization not
the caller's → 403, nothing written then; 作废 holds them again; the 大额党费 list shows per payment which
levels forwarded it and the year's 已上缴 / 未上缴; 工作督查 lists the 大额党费 held over 30 days and the
subordinates whose quarterly 上缴 is due. The receiving organization (only its account) confirms a record (then
final for the sender: 409) or returns it with a reason (its payments held again); the root's record to the
Centre stays 报党中央; one answer wins when two come at once; 工作督查 lists what waits over 30 days for the
receiver; the year's records in Excel."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from io import BytesIO

import httpx
import pytest
from openpyxl import load_workbook

from services.dues.domain import Month
from tests.conftest import login
from tests.support.api import PASSWORD, create_org, new_staff_account
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, wait_for

TODAY = date.today()
OLD = TODAY - timedelta(days=40)
PQ = Month.of(TODAY).quarter_start - 3  # the 上缴 reminder's quarter (the last one over)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(scope="module")
def tree(system, api, root_id):
    """A county K, its 党委 A with branches B1 and B2, an unrelated 党委 C; a clerk of each. 大额党费: 甲 (B1)
    1000.00 today and 1500.00 forty days ago, 丙 (B2) 2500.00 today. B1 collected monthly dues in the last
    quarter and has not remitted them."""
    orgs = {"K": create_org(api, root_id, "大额上缴县委", "地方委员会")}
    orgs["A"] = create_org(api, orgs["K"], "大额上缴党委", "党委")
    orgs["B1"] = create_org(api, orgs["A"], "大额上缴一支部")
    orgs["B2"] = create_org(api, orgs["A"], "大额上缴二支部")
    orgs["C"] = create_org(api, root_id, "大额上缴无关党委", "党委")
    users = {name: new_staff_account(system, api, orgs[name], f"lr{name.lower()}{code('')}".lower()) for name in orgs}
    clerks = {name: login(system.url, user, PASSWORD) for name, user in users.items()}
    people = {}
    for branch, name in (("B1", "上缴甲"), ("B2", "上缴丙")):
        member_id = ok(api.post("/members", json=member_data(orgs[branch], name=name)), 201)["id"]
        wait_for(lambda: clerks[branch].get(f"/members/{member_id}/dues").status_code, lambda status: status == 200,
                 what="the dues service's projection of the new member")
        people[name] = member_id
    ok(clerks["B1"].put(f"/orgs/{orgs['B1']}/dues/settings", json={"registration_start": str(PQ)}))
    ok(clerks["B1"].put(f"/members/{people['上缴甲']}/dues/base", json={"kind": "employed", "amount": "4000",
                                                                       "from_month": str(PQ)}))
    ok(clerks["B1"].post(f"/orgs/{orgs['B1']}/dues/payments", json={"month": str(PQ), "payments": [
        {"member_id": people["上缴甲"], "amount": "40.00", "paid_on": TODAY.isoformat()}]}), 201)
    payments = {}
    for name, key, amount, day in (("上缴甲", "甲新", "1000", TODAY), ("上缴甲", "甲旧", "1500.00", OLD),
                                   ("上缴丙", "丙", "2500.00", TODAY)):
        branch = "B2" if name == "上缴丙" else "B1"
        payments[key] = ok(clerks[branch].post(f"/members/{people[name]}/dues/large", json={
            "amount": amount, "paid_on": day.isoformat(), "receipt_no": f"LR-{code('')}"}), 201)["id"]
    yield orgs, clerks, users, payments
    for client in clerks.values():
        client.close()


def held(client, org_id) -> dict:
    return ok(client.get(f"/orgs/{org_id}/dues/large/remittances"))


def test_handing_up_in_full_level_by_level(tree):
    orgs, clerks, _, payments = tree
    b1, a = clerks["B1"], clerks["A"]
    url = f"/orgs/{orgs['B1']}/dues/large/remittances"
    before = held(b1, orgs["B1"])
    assert (before["held"]["count"], before["held"]["amount"], before["can_record"]) == (2, "2500.00", True)
    assert before["to"] == {"id": orgs["A"], "name": "大额上缴党委"} and before["items"] == []
    entry = {"remitted_on": TODAY.isoformat(), "voucher_no": "PZ-001", "note": "一季度大额党费"}
    # Not the sum (a share is not allowed), another branch's payment, someone else's organization: nothing written.
    error = assert_error(b1.post(url, json={**entry, "amount": "2000.00"}), 422)
    assert "2500.00" in error["message"] and "全额" in error["message"]
    assert "不是本组织或下级登记的" in assert_error(
        b1.post(url, json={**entry, "amount": "2500.00", "payment_ids": [payments["丙"]]}), 403)["message"]
    assert_error(clerks["C"].post(url, json={**entry, "amount": "2500.00"}), 403)
    assert "本组织的账号" in assert_error(a.post(url, json={**entry, "amount": "2500.00"}), 403)["message"]
    assert_error(b1.post(url, json={**entry, "amount": "2500.00", "voucher_no": ""}), 400)
    assert_error(b1.post(url, json={**entry, "amount": "2500.00", "remitted_on": (OLD - timedelta(days=1))
                                    .isoformat()}), 422)
    assert held(b1, orgs["B1"])["held"]["count"] == 2
    # The branch hands up everything it holds (the default).
    record = ok(b1.post(url, json={**entry, "amount": "2500.00"}), 201)
    assert (record["org_id"], record["to_org_id"], record["amount"], record["voucher_no"]) == (
        orgs["B1"], orgs["A"], "2500.00", "PZ-001")
    assert sorted(p["id"] for p in record["payments"]) == sorted([payments["甲新"], payments["甲旧"]])
    # Twice by the same level: 409, by id or by default.
    assert "不能重复上缴" in assert_error(b1.post(url, json={**entry, "amount": "1000.00",
                                                             "payment_ids": [payments["甲新"]]}), 409)["message"]
    assert "没有未上缴" in assert_error(b1.post(url, json={**entry, "amount": "1.00"}), 409)["message"]
    after = held(b1, orgs["B1"])
    assert after["held"]["count"] == 0 and [r["id"] for r in after["items"]] == [record["id"]]
    # The 党委 now holds 甲's two (from B1) and 丙's (B2 did not forward it); it hands on 甲's old one only.
    upper = held(a, orgs["A"])
    assert upper["held"]["amount"] == "5000.00"
    by_id = {p["id"]: p for p in upper["held"]["items"]}
    assert by_id[payments["甲旧"]]["held_by"] == "大额上缴党委" and by_id[payments["丙"]]["held_by"] == "大额上缴二支部"
    on = ok(a.post(f"/orgs/{orgs['A']}/dues/large/remittances", json={
        "remitted_on": TODAY.isoformat(), "amount": "1500", "voucher_no": "PZ-A1", "payment_ids": [payments["甲旧"]]}),
        201)
    assert on["to_org_id"] == orgs["K"] and [p["id"] for p in on["payments"]] == [payments["甲旧"]]
    # The 大额党费 list: per payment which levels forwarded it, the year's 已上缴 / 未上缴 for the viewer.
    listing = ok(a.get(f"/orgs/{orgs['A']}/dues/large", params={"year": OLD.year}))
    rows = {item["id"]: item for item in listing["items"]}
    assert [f["org_id"] for f in rows[payments["甲旧"]]["forwarded"]] == [orgs["B1"], orgs["A"]]
    assert rows[payments["甲旧"]]["remitted_on"] == TODAY.isoformat()
    if TODAY.year == OLD.year:
        assert rows[payments["甲新"]]["remitted_on"] is None
        assert [f["to_org_name"] for f in rows[payments["甲新"]]["forwarded"]] == ["大额上缴党委"]
        assert listing["remitted"] == {"count": 1, "amount": "1500.00"}
        assert listing["unremitted"] == {"count": 2, "amount": "3500.00"}
    branch_view = ok(b1.get(f"/orgs/{orgs['B1']}/dues/large", params={"year": TODAY.year}))
    assert branch_view["unremitted"]["amount"] == "0.00"
    # Never in the monthly dues' 上缴 or 实交.
    assert ok(b1.get(f"/orgs/{orgs['B1']}/dues/remittances"))["own"]["items"] == []
    # 作废: B1's record frees its payments at B1 (A's own forwarding stays); only B1's account; once.
    assert_error(a.post(f"/dues/large-remittances/{record['id']}/void", json={"reason": "误登"}), 403)
    assert_error(b1.post(f"/dues/large-remittances/{record['id']}/void", json={}), 400)
    assert_error(clerks["C"].post(f"/dues/large-remittances/{record['id']}/void", json={"reason": "误登"}), 404)
    voided = ok(b1.post(f"/dues/large-remittances/{record['id']}/void", json={"reason": "凭证号填错"}))
    assert voided["voided"] and voided["void_reason"] == "凭证号填错" and not voided["can_void"]
    assert_error(b1.post(f"/dues/large-remittances/{record['id']}/void", json={"reason": "再次"}), 409)
    again = held(b1, orgs["B1"])
    assert (again["held"]["count"], again["held"]["amount"]) == (2, "2500.00")
    assert [f["org_id"] for f in ok(a.get(f"/orgs/{orgs['A']}/dues/large", params={"year": OLD.year}))["items"][0]
            ["forwarded"]] == [orgs["A"]]
    # Recorded again after the void (the partial unique index frees voided items).
    ok(b1.post(url, json={**entry, "voucher_no": "PZ-002", "amount": "1000.00",
                          "payment_ids": [payments["甲新"]]}), 201)


def test_supervision_lists_large_dues_held_too_long_and_the_quarterly_remittance_due(system, tree):
    orgs, clerks, users, payments = tree
    county = ok(clerks["K"].get(f"/orgs/{orgs['K']}/supervision/dues-large-held"))
    # 40 days old and not yet handed up by the county; today's are not overdue.
    assert [item["id"] for item in county["items"]] == [payments["甲旧"]] and county["amount"] == "1500.00"
    assert county["items"][0]["held_by"] == "大额上缴县委"
    assert_error(clerks["C"].get(f"/orgs/{orgs['K']}/supervision/dues-large-held"), 403)
    download = clerks["K"].get(f"/orgs/{orgs['K']}/supervision/dues-large-held.xlsx")
    assert download.status_code == 200, download.text
    rows = [[cell.value for cell in row] for row in load_workbook(BytesIO(download.content)).active.iter_rows()]
    line = next(row for row in rows if row[0] == "上缴甲")
    assert (line[1], line[2], line[5]) == ("大额上缴一支部", 1500, "大额上缴县委")  # the amount a number cell
    with httpx.Client(base_url=system.url, follow_redirects=True) as web:
        page = web.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        web.post("/login", data={"username": users["A"], "password": PASSWORD, "csrf_token": token})
        html = web.get(f"/orgs/{orgs['A']}/supervision").text
    section = html.split('id="remit-due"')[1].split("</table>")[0]
    assert "大额上缴一支部" in section and "大额上缴二支部" not in section and str(PQ) in section
    assert "超过30天未上缴的大额党费（" in html


def test_the_receiver_confirms_or_returns(system, tree):
    orgs, clerks, users, payments = tree
    b2, a, k = clerks["B2"], clerks["A"], clerks["K"]
    url = f"/orgs/{orgs['B2']}/dues/large/remittances"
    entry = {"remitted_on": TODAY.isoformat(), "amount": "2500.00", "voucher_no": "QR-1"}
    sent = ok(b2.post(url, json=entry), 201)
    assert (sent["state"], sent["state_name"], sent["can_void"], sent["can_confirm"]) == (
        "recorded", "待确认", True, False)
    upper = held(a, orgs["A"])
    assert upper["to_confirm"] >= 1
    seen = {r["id"]: r for r in upper["items"]}[sent["id"]]
    assert seen["can_confirm"] and seen["can_return"] and not seen["can_void"]
    confirm = f"/dues/large-remittances/{sent['id']}/confirm"
    # Only the receiving organization's account: not the sender, not the level above, not outside the scope.
    assert "收款的党组织" in assert_error(b2.post(confirm, json={}), 403)["message"]
    assert_error(k.post(confirm, json={}), 403)
    assert_error(clerks["C"].post(confirm, json={}), 404)
    assert_error(clerks["B1"].post(confirm, json={}), 404)
    assert_error(a.post("/dues/large-remittances/99999999/confirm", json={}), 404)
    assert_error(a.post("/dues/large-remittances/abc/confirm", json={}), 404)
    assert_error(a.post(confirm, json={"opinion": "长" * 501}), 400)
    assert_error(a.post(confirm, json={"version": sent["version"] + 1}), 409)
    # Twice at once (two sessions of the receiver's clerk): one confirms, the other gets 409.
    second = login(system.url, users["A"], PASSWORD)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda client: client.post(confirm, json={"opinion": "款已收到"}), (a, second)))
    second.close()
    assert sorted(answer.status_code for answer in answers) == [200, 409], [answer.text for answer in answers]
    done = next(answer.json() for answer in answers if answer.status_code == 200)
    assert (done["state"], done["state_name"], done["opinion"]) == ("confirmed", "已确认", "款已收到")
    assert "大额上缴党委" in done["confirmed_by"] and done["can_void"] and not done["can_confirm"]
    mine = {r["id"]: r for r in held(b2, orgs["B2"])["items"]}[sent["id"]]
    assert mine["state_name"] == "已确认" and not mine["can_void"]
    # Confirmed: final for the sender (409), not returned; the receiver may void it (confirmed by mistake).
    assert "已确认" in assert_error(b2.post(f"/dues/large-remittances/{sent['id']}/void", json={"reason": "撤回"}),
                                   409)["message"]
    assert_error(a.post(f"/dues/large-remittances/{sent['id']}/return", json={"reason": "退回"}), 409)
    assert_error(a.post(confirm, json={}), 409)
    ok(a.post(f"/dues/large-remittances/{sent['id']}/void", json={"reason": "确认有误"}))
    assert held(b2, orgs["B2"])["held"]["count"] == 1
    # 退回 with a reason: kept as 已退回, the payment held again by the sender, who records anew.
    again = ok(b2.post(url, json={**entry, "voucher_no": "QR-2"}), 201)
    back = f"/dues/large-remittances/{again['id']}/return"
    assert_error(a.post(back, json={}), 400)
    assert_error(b2.post(back, json={"reason": "自己退回"}), 403)
    assert_error(k.post(back, json={"reason": "上级退回"}), 403)
    returned = ok(a.post(back, json={"reason": "凭证号不符"}))
    assert (returned["state"], returned["state_name"], returned["voided"]) == ("returned", "已退回", True)
    assert returned["void_reason"] == "退回：凭证号不符" and returned["opinion"] == "凭证号不符"
    assert "已退回" in assert_error(b2.post(f"/dues/large-remittances/{again['id']}/void", json={"reason": "x"}),
                                   409)["message"]
    assert_error(a.post(f"/dues/large-remittances/{again['id']}/confirm", json={}), 409)
    assert held(b2, orgs["B2"])["held"]["count"] == 1
    last = ok(b2.post(url, json={**entry, "voucher_no": "QR-3"}), 201)
    # Confirm and 退回 at once: one answer wins.
    second = login(system.url, users["A"], PASSWORD)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda call: call(), (
            lambda: a.post(f"/dues/large-remittances/{last['id']}/confirm", json={}),
            lambda: second.post(f"/dues/large-remittances/{last['id']}/return", json={"reason": "同时退回"}))))
    second.close()
    assert sorted(answer.status_code for answer in answers) == [200, 409], [answer.text for answer in answers]


def test_the_root_hands_up_to_the_centre_without_a_receiver(api, root_id, tree):
    before = held(api, root_id)
    assert before["to"] == {"id": None, "name": "党中央"} and before["held"]["count"] >= 1
    record = ok(api.post(f"/orgs/{root_id}/dues/large/remittances", json={
        "remitted_on": TODAY.isoformat(), "amount": before["held"]["amount"], "voucher_no": "ZY-1"}), 201)
    assert (record["to_org_id"], record["to_org_name"], record["state"], record["state_name"]) == (
        None, "党中央", "centre", "报党中央")
    assert not record["can_confirm"] and not record["can_return"] and record["can_void"]
    assert "党中央" in assert_error(api.post(f"/dues/large-remittances/{record['id']}/confirm", json={}),
                                   409)["message"]
    voided = ok(api.post(f"/dues/large-remittances/{record['id']}/void", json={"reason": "演示"}))
    assert voided["state_name"] == "已作废"


def test_unconfirmed_records_in_supervision_and_the_year_in_excel(system, tree):
    orgs, clerks, users, payments = tree
    b1, a = clerks["B1"], clerks["A"]
    # B1 handed 甲旧 up 39 days ago (recorded now); the 党委 has not answered.
    ago = OLD + timedelta(days=1)
    old = ok(b1.post(f"/orgs/{orgs['B1']}/dues/large/remittances", json={
        "remitted_on": ago.isoformat(), "amount": "1500.00", "voucher_no": "OLD-1", "payment_ids": [payments["甲旧"]]}),
        201)
    waiting = ok(a.get(f"/orgs/{orgs['A']}/supervision/dues-large-unconfirmed"))
    assert [item["id"] for item in waiting["items"]] == [old["id"]] and waiting["amount"] == "1500.00"
    assert ok(clerks["K"].get(f"/orgs/{orgs['K']}/supervision/dues-large-unconfirmed"))["items"] == []
    assert_error(clerks["C"].get(f"/orgs/{orgs['A']}/supervision/dues-large-unconfirmed"), 403)
    rows = [[cell.value for cell in row] for row in load_workbook(BytesIO(
        ok_download(a.get(f"/orgs/{orgs['A']}/supervision/dues-large-unconfirmed.xlsx")))).active.iter_rows()]
    line = next(row for row in rows if row[0] == "大额上缴一支部")
    assert line[:4] == ["大额上缴一支部", ago.isoformat(), 1500, "OLD-1"]
    with httpx.Client(base_url=system.url, follow_redirects=True) as web:
        token = web.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        web.post("/login", data={"username": users["A"], "password": PASSWORD, "csrf_token": token})
        html = web.get(f"/orgs/{orgs['A']}/supervision").text
    section = html.split('id="dues-large-unconfirmed"')[1].split("</table>")[0]
    assert "大额上缴一支部" in section and "OLD-1" in section and "共 1 笔" in section
    # The year's records of the 党委's subtree in Excel: each record, its payments, the state, the totals.
    sheet = [[cell.value for cell in row] for row in load_workbook(BytesIO(ok_download(a.get(
        f"/orgs/{orgs['A']}/dues/large/remittances.xlsx", params={"year": TODAY.year})))).active.iter_rows()]
    assert "大额党费上缴" in sheet[0][0]
    assert sheet[1][:4] == ["上缴组织／党员", "收款", "上缴日期／交纳日期", "金额（元）"]
    states = [row[5] for row in sheet[2:] if row[0] == "大额上缴二支部"]
    assert any(state.startswith("已退回（退回：凭证号不符") for state in states)
    assert any(state.startswith("已作废（确认有误") for state in states)
    assert any(row[0] == "　上缴丙" and row[3] == 2500 for row in sheet)  # a payment's line, a number cell
    total = next(row for row in sheet if row[0] == "合计")
    assert isinstance(total[3], (int, float)) and total[3] > 0
    assert any(row[0] == "已作废或已退回（不计入合计）" for row in sheet)
    assert clerks["C"].get(f"/orgs/{orgs['A']}/dues/large/remittances.xlsx").status_code == 403
    assert_error(a.get(f"/orgs/{orgs['A']}/dues/large/remittances.xlsx", params={"year": "abc"}), 400)


def ok_download(response) -> bytes:
    assert response.status_code == 200, response.text
    return response.content
