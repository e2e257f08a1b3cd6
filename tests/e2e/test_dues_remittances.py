"""上缴 through the JSON API, each call as the clerk whose organization it is: a branch records what it
remitted to its 总支 (the parent), the 总支 sees per branch 实交 / 上缴 / 差额 and confirms receipt, the
总支 remits a quarter to its 党委, which (or one above it) confirms; corrections and voids keep their
history; the summaries carry `remitted`; the year in Excel. Refusals write nothing: another
organization's clerk recording or confirming, negative and absurd amounts, a period twice (also at
once), overlapping, not begun or with nothing collected, more than was collected."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from services.dues.domain import Month
from tests.support.api import create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error, wait_for

TODAY = date.today()
NOW = Month.of(TODAY)
START, M1, M2 = NOW - 3, NOW - 2, NOW - 1


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def quarter_of(month: Month) -> str:
    return f"{month.year:04d}-Q{(month.month + 2) // 3}"


@pytest.fixture(scope="module")
def tree(system, api, root_id):
    """A county, its 党委 with a 总支 and two branches under it; an unrelated 党委; a clerk of each
    and a second clerk of the first branch; the branches' members paid for M1 and M2."""
    orgs = {"K": create_org(api, root_id, "上缴测试县委", "地方委员会")}
    orgs["A"] = create_org(api, orgs["K"], "上缴测试党委", "党委")
    orgs["Z"] = create_org(api, orgs["A"], "上缴测试总支", "党总支")
    orgs["B1"] = create_org(api, orgs["Z"], "上缴第一支部")
    orgs["B2"] = create_org(api, orgs["Z"], "上缴第二支部")
    orgs["C"] = create_org(api, root_id, "上缴无关党委", "党委")
    clerks = {name: staff_client(system, api, orgs[name], f"rm{name.lower()}") for name in ("K", "A", "Z", "B1", "B2",
                                                                                            "C")}
    clerks["B1b"] = staff_client(system, api, orgs["B1"], "rmb1b")
    people = {}
    for branch, name, base in (("B1", "上缴甲", "5000"), ("B1", "上缴乙", "6000"), ("B2", "上缴丙", "3000")):
        member_id = ok(api.post("/members", json=member_data(orgs[branch], name=name)), 201)["id"]
        wait_for(lambda: clerks[branch].get(f"/members/{member_id}/dues").status_code, lambda status: status == 200,
                 what="the dues service's projection of the new member")
        ok(clerks[branch].put(f"/members/{member_id}/dues/base", json={"kind": "employed", "amount": base,
                                                                       "from_month": str(START)}))
        people[name] = member_id
    for branch in ("B1", "B2"):
        ok(clerks[branch].put(f"/orgs/{orgs[branch]}/dues/settings", json={"registration_start": str(START)}))
    paid_on = TODAY.isoformat()
    ok(clerks["B1"].post(f"/orgs/{orgs['B1']}/dues/payments", json={"month": str(M1), "payments": [
        {"member_id": people[name], "amount": amount, "paid_on": paid_on, "month": str(month)}
        for name, amount in (("上缴甲", "50.00"), ("上缴乙", "60.00")) for month in (M1, M2)]}), 201)
    ok(clerks["B2"].post(f"/orgs/{orgs['B2']}/dues/payments", json={"month": str(M2), "payments": [
        {"member_id": people["上缴丙"], "amount": "15.00", "paid_on": paid_on}]}), 201)
    yield orgs, clerks
    for client in clerks.values():
        client.close()


def remit(client, org_id: int, period, amount, **more):
    return client.post(f"/orgs/{org_id}/dues/remittances", json={
        "period": str(period), "amount": amount, "remitted_on": TODAY.isoformat(), **more})


def overview(client, org_id: int, year: int = M2.year, **params) -> dict:
    return ok(client.get(f"/orgs/{org_id}/dues/remittances", params={"year": year, **params}))


def test_a_branch_remits_and_the_parent_confirms(tree):
    orgs, clerks = tree
    branch, general = clerks["B1"], clerks["Z"]
    sent = ok(remit(branch, orgs["B1"], M2, "110.00", receipt_no="SJ-001", note="按月上缴"), 201)
    assert (sent["to_org_id"], sent["to_org_name"], sent["state"]) == (orgs["Z"], "上缴测试总支", "recorded")
    assert (sent["collected"], sent["difference"], sent["can_correct"], sent["can_confirm"]) == (
        "110.00", "0.00", True, False)
    # The 总支 sees the branch: its collected (both months), what it remitted, the difference, pending.
    seen = overview(general, orgs["Z"])
    child = {c["org_id"]: c for c in seen["children"]}[orgs["B1"]]
    collected = "220.00" if M1.year == M2.year else "110.00"
    assert (child["collected"], child["remitted"], child["confirmed"], child["pending"]) == (
        collected, "110.00", "0.00", 1)
    received = {r["id"]: r for r in seen["received"]}[sent["id"]]
    assert received["can_confirm"] and not received["can_void"] and not received["can_correct"]
    assert not overview(general, orgs["B1"])["can_record"]  # the 总支's clerk may not record the branch's
    # Only the receiving organization (or above) confirms; an unrelated clerk does not even see it.
    assert "上级党组织" in assert_error(branch.post(f"/dues/remittances/{sent['id']}/confirm", json={}), 403)["message"]
    assert_error(clerks["C"].post(f"/dues/remittances/{sent['id']}/confirm", json={}), 404)
    assert_error(general.post(f"/dues/remittances/{sent['id']}/confirm", json={"version": sent["version"] + 1}), 409)
    confirmed = ok(general.post(f"/dues/remittances/{sent['id']}/confirm", json={"opinion": "已收到",
                                                                                 "version": sent["version"]}))
    assert confirmed["state"] == "confirmed" and "上缴测试总支" in confirmed["confirmed_by"]
    assert confirmed["opinion"] == "已收到" and confirmed["can_void"] and not confirmed["can_confirm"]
    assert_error(general.post(f"/dues/remittances/{sent['id']}/confirm", json={}), 409)
    # Confirmed: the branch can neither correct nor void it; the 总支 may void it (with a reason).
    assert_error(branch.post(f"/dues/remittances/{sent['id']}/correct", json={
        "amount": "100.00", "remitted_on": TODAY.isoformat(), "reason": "金额有误"}), 409)
    assert_error(branch.post(f"/dues/remittances/{sent['id']}/void", json={"reason": "错登"}), 403)
    child = {c["org_id"]: c for c in overview(general, orgs["Z"])["children"]}[orgs["B1"]]
    assert (child["confirmed"], child["pending"]) == ("110.00", 0)


def test_refusals_write_nothing(api, root_id, tree):
    orgs, clerks = tree
    branch = clerks["B1"]

    def own_items() -> list:
        return overview(branch, orgs["B1"])["own"]["items"]

    before = own_items()
    assert "本组织" in assert_error(remit(clerks["Z"], orgs["B1"], M1, "10.00"), 403)["message"]
    assert_error(remit(clerks["C"], orgs["B1"], M1, "10.00"), 403)
    for amount in ("-5", "99999999", "1e3", "12.345", "0"):
        assert "amount" in assert_error(remit(branch, orgs["B1"], M1, amount), 400)["fields"]
    assert "period" in assert_error(remit(branch, orgs["B1"], f"{M1.year}-Q5", "10.00"), 400)["fields"]
    assert "remitted_on" in assert_error(branch.post(f"/orgs/{orgs['B1']}/dues/remittances", json={
        "period": str(M1), "amount": "10.00", "remitted_on": "昨天"}), 400)["fields"]
    assert "不能重复登记" in assert_error(remit(branch, orgs["B1"], M2, "10.00"), 409)["message"]
    assert "重叠" in assert_error(remit(branch, orgs["B1"], quarter_of(M2), "10.00"), 409)["message"]
    assert "尚未开始" in assert_error(remit(branch, orgs["B1"], NOW + 1, "10.00"), 409)["message"]
    assert "超过" in assert_error(remit(branch, orgs["B1"], M1, "110.01"), 409)["message"]
    assert "尚未收缴" in assert_error(remit(clerks["B2"], orgs["B2"], M1, "1.00"), 409)["message"]
    assert "上缴日期早于" in assert_error(remit(branch, orgs["B1"], M1, "10.00", remitted_on="2000-01-01"),
                                       409)["message"]
    assert own_items() == before
    # The root has no parent: nothing to remit.
    assert "没有上级" in assert_error(remit(api, root_id, M1, "10.00"), 409)["message"]
    assert overview(api, root_id)["parent"] is None and not overview(api, root_id)["can_record"]


def test_two_clerks_remit_one_month_at_once(tree):
    orgs, clerks = tree
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda client: remit(client, orgs["B1"], M1, "100.00"), (clerks["B1"], clerks["B1b"])))
    assert sorted(answer.status_code for answer in answers) == [201, 409]
    active = [r for r in overview(clerks["B1"], orgs["B1"], M1.year)["own"]["items"]
              if r["period"] == str(M1) and not r["voided"]]
    assert len(active) == 1


def test_corrections_and_voids_keep_their_history(tree):
    orgs, clerks = tree
    branch = clerks["B1"]
    first = next(r for r in overview(branch, orgs["B1"], M1.year)["own"]["items"]
                 if r["period"] == str(M1) and not r["voided"])
    assert_error(branch.post(f"/dues/remittances/{first['id']}/correct", json={
        "amount": "105.00", "remitted_on": TODAY.isoformat()}), 400)  # no reason
    assert_error(clerks["Z"].post(f"/dues/remittances/{first['id']}/correct", json={
        "amount": "105.00", "remitted_on": TODAY.isoformat(), "reason": "金额有误"}), 403)
    assert "超过" in assert_error(branch.post(f"/dues/remittances/{first['id']}/correct", json={
        "amount": "110.01", "remitted_on": TODAY.isoformat(), "reason": "金额有误"}), 409)["message"]
    fixed = ok(branch.post(f"/dues/remittances/{first['id']}/correct", json={
        "amount": "105.00", "remitted_on": TODAY.isoformat(), "reason": "金额有误", "receipt_no": "SJ-002",
        "version": first["version"]}), 201)
    assert (fixed["replaces_id"], fixed["amount"], fixed["period"], fixed["difference"]) == (
        first["id"], "105.00", str(M1), "5.00")
    history = {r["id"]: r for r in overview(branch, orgs["B1"], M1.year)["own"]["items"]}
    assert history[first["id"]]["voided"] and history[first["id"]]["void_reason"] == "更正：金额有误"
    assert_error(branch.post(f"/dues/remittances/{first['id']}/void", json={"reason": "再次"}), 409)
    assert_error(branch.post(f"/dues/remittances/{fixed['id']}/void", json={}), 400)
    voided = ok(branch.post(f"/dues/remittances/{fixed['id']}/void", json={"reason": "上缴退回"}))
    assert voided["voided"] and voided["state_name"] == "已作废"
    again = ok(remit(branch, orgs["B1"], M1, "110.00"), 201)  # the month is free again
    assert again["amount"] == "110.00"


def test_the_general_branch_remits_a_quarter_and_a_committee_above_confirms(tree):
    orgs, clerks = tree
    general, committee = clerks["Z"], clerks["A"]
    quarter = quarter_of(M2)
    figures = {q["period"]: q for q in overview(general, orgs["Z"])["own"]["quarters"]}[quarter]
    collected = figures["collected"]
    assert float(collected) >= 125.00  # B1's 110 for M2 and B2's 15, at least
    sent = ok(remit(general, orgs["Z"], quarter, collected, receipt_no="ZZ-Q"), 201)
    assert sent["to_org_id"] == orgs["A"] and sent["period_label"].endswith("季度")
    assert "重叠" in assert_error(remit(general, orgs["Z"], M2, "1.00"), 409)["message"]
    # B2's remittance to the 总支 is confirmed by the 党委 above it ("or above").
    b2 = ok(remit(clerks["B2"], orgs["B2"], M2, "15.00"), 201)
    assert ok(committee.post(f"/dues/remittances/{b2['id']}/confirm", json={}))["state"] == "confirmed"
    seen = overview(committee, orgs["A"])
    child = {c["org_id"]: c for c in seen["children"]}[orgs["Z"]]
    assert (child["remitted"], child["pending"]) == (collected, 1)
    assert ok(clerks["K"].post(f"/dues/remittances/{sent['id']}/confirm", json={}))["state"] == "confirmed"
    own = {q["period"]: q for q in overview(general, orgs["Z"])["own"]["quarters"]}[quarter]
    assert (own["remitted"], own["confirmed"], own["difference"]) == (collected, collected, "0.00")


def test_summaries_carry_what_was_remitted_and_the_year_in_excel(tree):
    orgs, clerks = tree
    summary = ok(clerks["Z"].get(f"/orgs/{orgs['Z']}/dues/summary", params={"year": M2.year}))
    branch = {c["org_id"]: c for c in summary["children"]}
    assert branch[orgs["B2"]]["remitted"] == "15.00"
    months = {m["month"]: m for m in summary["months"]}
    quarter_end = Month(M2.year, (M2.month + 2) // 3 * 3)
    assert float(months[str(quarter_end)]["remitted"]) >= 125.00 and summary["remitted"] == months[str(quarter_end)][
        "remitted"]
    one = ok(clerks["B1"].get(f"/orgs/{orgs['B1']}/dues/summary", params={"year": M2.year, "month": M2.month}))
    assert one["remitted"] == "110.00"
    sheet = clerks["Z"].get(f"/orgs/{orgs['Z']}/dues/remittances.xlsx", params={"year": M2.year})
    assert sheet.status_code == 200, sheet.text
    rows = [[cell for cell in row if cell is not None]
            for row in load_workbook(BytesIO(sheet.content)).active.iter_rows(values_only=True)]
    assert "党费上缴情况" in rows[0][0] and rows[1][:3] == ["党组织／期间", "所缴期间", "实交（元）"]
    labels = [row[0] for row in rows if row]
    assert "本组织上缴上缴测试党委" in labels and "上缴第一支部" in labels and "下级上缴本组织的记录" in labels
    assert clerks["C"].get(f"/orgs/{orgs['Z']}/dues/remittances.xlsx").status_code == 403
    totals = clerks["Z"].get(f"/orgs/{orgs['Z']}/dues/summary.xlsx", params={"year": M2.year})
    assert totals.status_code == 200, totals.text
    header = list(load_workbook(BytesIO(totals.content)).active.iter_rows(values_only=True))[1]
    assert header[-1] == "上缴（元）"


def test_the_receiver_returns_an_unconfirmed_remittance(tree):
    """退回 (the receiving organization or above, with a reason): the record is kept as 已退回, counts no
    more and frees its period; the remitter records anew. Confirmed or returned records are not returned."""
    orgs, clerks = tree
    branch, general = clerks["B1"], clerks["Z"]
    # This month's dues of the branch (M1 and M2 are remitted by now).
    roster = ok(branch.get(f"/orgs/{orgs['B1']}/dues/month", params={"month": str(NOW)}))["members"]
    ok(branch.post(f"/orgs/{orgs['B1']}/dues/payments", json={"month": str(NOW), "payments": [
        {"member_id": roster[0]["member_id"], "amount": "110.00", "paid_on": TODAY.isoformat()}]}), 201)
    sent = ok(remit(branch, orgs["B1"], NOW, "100.00", receipt_no="TH-1"), 201)
    assert not sent["can_return"]
    received = {r["id"]: r for r in overview(general, orgs["Z"], NOW.year)["received"]}[sent["id"]]
    assert received["can_return"] and received["can_confirm"]
    url = f"/dues/remittances/{sent['id']}/return"
    assert "退回" in assert_error(branch.post(url, json={"reason": "自己退回"}), 403)["message"]
    assert_error(clerks["C"].post(url, json={"reason": "无关"}), 404)
    assert_error(general.post(url, json={}), 400)
    assert_error(general.post(url, json={"reason": "长" * 501}), 400)
    assert_error(general.post(url, json={"reason": "金额不符", "version": sent["version"] + 1}), 409)
    returned = ok(general.post(url, json={"reason": "金额不符", "version": sent["version"]}))
    assert (returned["state"], returned["state_name"], returned["voided"]) == ("returned", "已退回", True)
    assert returned["void_reason"] == "退回：金额不符" and "上缴测试总支" in returned["voided_by"]
    assert not (returned["can_confirm"] or returned["can_return"] or returned["can_void"])
    assert "已作废或已退回" in assert_error(general.post(url, json={"reason": "再次"}), 409)["message"]
    assert_error(general.post(f"/dues/remittances/{sent['id']}/confirm", json={}), 409)
    assert_error(branch.post(f"/dues/remittances/{sent['id']}/void", json={"reason": "作废"}), 409)
    mine = {r["id"]: r for r in overview(branch, orgs["B1"], NOW.year)["own"]["items"]}[sent["id"]]
    assert mine["state_name"] == "已退回"
    # The month is free again; the 总支 and the 党委 above answer the new record at once: one wins.
    again = ok(remit(branch, orgs["B1"], NOW, "110.00", receipt_no="TH-2"), 201)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda call: call(), (
            lambda: general.post(f"/dues/remittances/{again['id']}/confirm", json={}),
            lambda: clerks["A"].post(f"/dues/remittances/{again['id']}/return", json={"reason": "同时退回"}))))
    assert sorted(answer.status_code for answer in answers) == [200, 409], [a.text for a in answers]
    final = {r["id"]: r for r in overview(branch, orgs["B1"], NOW.year)["own"]["items"]}[again["id"]]
    assert final["state"] in ("confirmed", "returned")
    if final["state"] == "confirmed":
        assert "不能退回" in assert_error(general.post(f"/dues/remittances/{again['id']}/return", json={
            "reason": "确认后退回"}), 409)["message"]
