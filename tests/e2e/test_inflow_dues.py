"""流入党员 through the JSON API (issue 11's inflow side, issue 13's mobile members), each call as the
clerk whose organization it is: 流出 → 流入 → dues paid at the inflow organization go into the
member's one ledger (the home branch sees the month paid, 在流入地交纳; the summary counts it; the
home branch cannot record the month again) → 活动记录 → 返回 shows the participation summary; the
refusals of scope (a member not flowing in, an unrelated organization, months before the inflow or
after it ended); a member from outside this deployment pays into the separate inflow ledger; the
monthly collection sheet in Excel lists the 流入党员 apart from the branch's totals."""
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from services.dues.domain import Month
from tests.support.api import create_org, staff_client
from tests.support.factories import id_number, member_data
from tests.support.helpers import assert_error, wait_for

TODAY = date.today()
NOW = Month.of(TODAY)
START = NOW - 3


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(scope="module")
def tree(system, api, root_id):
    orgs = {"K": create_org(api, root_id, "流入党费测试县委", "地方委员会")}
    orgs["A"] = create_org(api, orgs["K"], "流入党费流出党委", "党委")
    orgs["B"] = create_org(api, orgs["K"], "流入党费流入党委", "党委")
    orgs["C"] = create_org(api, root_id, "流入党费无关党委", "党委")
    orgs["A1"] = create_org(api, orgs["A"], "流入党费流出支部")
    orgs["B1"] = create_org(api, orgs["B"], "流入党费流入支部")
    clerks = {name: staff_client(system, api, orgs[name], f"fd{name.lower()}") for name in ("A1", "B1", "C")}
    yield orgs, clerks
    for client in clerks.values():
        client.close()


def new_member(api, clerk, org_id: int, name: str) -> int:
    member_id = ok(api.post("/members", json=member_data(org_id, name=name)), 201)["id"]
    wait_for(lambda: clerk.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200,
             what="the dues service's projection of the new member")
    return member_id


def pay(client, org_id: int, month: Month, *entries, path: str = "payments", key: str = "member_id"):
    return client.post(f"/orgs/{org_id}/dues/{path}", json={"month": str(month), "payments": [
        {key: record_id, "amount": amount, "paid_on": TODAY.isoformat()} for record_id, amount in entries]})


def inflow_rows(client, org_id: int, month: Month = NOW) -> dict:
    sheet = ok(client.get(f"/orgs/{org_id}/dues/month", params={"month": str(month)}))
    return {row["inflow_id"]: row for row in sheet["inflows"]["members"]}


def flow_in(tree, api, name: str) -> tuple[int, dict, dict]:
    """A member of A1 with a base, registered as 流出 to B1 and confirmed there today."""
    orgs, clerks = tree
    member_id = new_member(api, clerks["A1"], orgs["A1"], name)
    ok(clerks["A1"].put(f"/members/{member_id}/dues/base", json={"kind": "employed", "amount": "5000",
                                                                 "from_month": str(START)}))
    out = ok(clerks["A1"].post(f"/members/{member_id}/outflows", json={
        "from_date": (TODAY - timedelta(days=40)).isoformat(), "reason": "01", "to_org_id": orgs["B1"],
        "destination": {"code": "110105", "text": "北京市朝阳区"}, "phone": "13900000000", "certificate": True}), 201)
    inflow = ok(clerks["B1"].post(f"/orgs/{orgs['B1']}/inflows", json={"outflow_id": out["id"],
                                                                       "from_date": TODAY.isoformat()}), 201)
    wait_for(lambda: inflow_rows(clerks["B1"], orgs["B1"]), lambda rows: inflow["id"] in rows,
             what="the dues service's projection of the inflow")
    return member_id, out, inflow


def test_pay_at_the_inflow_organization_and_return(api, tree):
    orgs, clerks = tree
    home, there, other = clerks["A1"], clerks["B1"], clerks["C"]
    ok(home.put(f"/orgs/{orgs['A1']}/dues/settings", json={"registration_start": str(START)}))
    member_id, out, inflow = flow_in(tree, api, "流入交费甲")
    stay_home = new_member(api, home, orgs["A1"], "未流出乙")

    # The inflow organization's roster: the member in 流入党员 with the home ledger's 应交; not in its totals.
    sheet = ok(there.get(f"/orgs/{orgs['B1']}/dues/month", params={"month": str(NOW)}))
    row = {r["inflow_id"]: r for r in sheet["inflows"]["members"]}[inflow["id"]]
    assert row["member_id"] == member_id and row["suggested"] == "50.00" and row["payable"]
    assert row["home_org_name"] == "流入党费流出支部" and not row["external"]
    assert sheet["totals"]["members"] == 0 and member_id not in [m["member_id"] for m in sheet["members"]]

    # Scope refusals, nothing written: a month before the inflow, a member not flowing in, another organization.
    early = assert_error(pay(there, orgs["B1"], NOW - 1, (member_id, "50.00")), 409)
    assert "早于流入月份" in early["message"]
    assert "不是本组织的流入党员" in assert_error(pay(there, orgs["B1"], NOW, (stay_home, "50.00")), 409)["message"]
    assert_error(pay(other, orgs["C"], NOW, (member_id, "50.00")), 409)
    assert_error(pay(other, orgs["B1"], NOW, (member_id, "50.00")), 403)
    assert_error(pay(there, orgs["B1"], NOW, (member_id, "-5")), 400)

    # Paid there: into the member's one ledger, marked with the collecting organization.
    recorded = ok(pay(there, orgs["B1"], NOW, (member_id, "50.00")), 201)["recorded"][0]
    assert recorded["collected_by_org_id"] == orgs["B1"] and recorded["org_id"] == orgs["A1"]
    assert recorded["inflow_id"] == inflow["id"]
    again = assert_error(pay(there, orgs["B1"], NOW, (member_id, "50.00")), 409)
    assert "不能重复登记" in again["message"]

    # The home branch sees the month paid (在流入地交纳) and cannot record it again; the card shows where.
    home_row = {r["member_id"]: r for r in ok(home.get(f"/orgs/{orgs['A1']}/dues/month",
                                                       params={"month": str(NOW)}))["members"]}[member_id]
    assert home_row["status"] == "paid" and home_row["payment"]["collected_by_org_name"] == "流入党费流入支部"
    assert "不能重复登记" in assert_error(pay(home, orgs["A1"], NOW, (member_id, "50.00")), 409)["message"]
    card = ok(home.get(f"/members/{member_id}/dues", params={"year": NOW.year}))
    month = {m["month"]: m for m in card["months"]}[str(NOW)]
    assert month["status"] == "paid" and month["collected_by_org_name"] == "流入党费流入支部"
    assert [p["collected_by_org_name"] for p in card["payments"]] == ["流入党费流入支部"]
    # The home branch's counters count it (the member is counted at home, not at the inflow organization).
    summary = ok(home.get(f"/orgs/{orgs['A1']}/dues/summary", params={"year": NOW.year, "month": NOW.month}))
    assert summary["paid"] == "50.00"
    assert ok(there.get(f"/orgs/{orgs['B1']}/dues/summary", params={"year": NOW.year,
                                                                    "month": NOW.month}))["paid"] == "0.00"
    # Earlier months stay the home branch's: arrears still count them; the home branch pays them.
    ok(pay(home, orgs["A1"], NOW - 1, (member_id, "50.00")), 201)

    # 活动记录 by the inflow organization only, within the inflow.
    activity = {"date": TODAY.isoformat(), "what": "参加支部主题党日活动"}
    view = ok(there.post(f"/inflows/{inflow['id']}/activities", json=activity), 201)
    assert [a["what"] for a in view["activities"]] == ["参加支部主题党日活动"]
    assert view["dues"]["count"] == 1 and view["dues"]["total"] == "50.00"
    assert view["actions"] == ["activity", "end"]
    assert_error(there.post(f"/inflows/{inflow['id']}/activities", json={
        **activity, "date": (TODAY - timedelta(days=1)).isoformat()}), 400)
    assert_error(there.post(f"/inflows/{inflow['id']}/activities", json={**activity, "what": "长" * 201}), 400)
    assert_error(there.post(f"/inflows/{inflow['id']}/activities", json={**activity, "what": "  "}), 400)
    assert_error(there.post(f"/inflows/{inflow['id']}/activities", json=[]), 400)
    assert_error(home.post(f"/inflows/{inflow['id']}/activities", json=activity), 404)
    assert_error(other.post(f"/inflows/{inflow['id']}/activities", json=activity), 404)
    assert_error(there.post("/inflows/99999999/activities", json=activity), 404)
    # The inflow's page: the home organization sees it too, an unrelated one does not.
    seen = ok(home.get(f"/inflows/{inflow['id']}"))
    assert seen["actions"] == [] and seen["dues"]["months"][0]["month"] == str(NOW)
    assert_error(other.get(f"/inflows/{inflow['id']}"), 403)

    # 返回: the outflow's report shows the participation; the inflow ends and no more payments there.
    back = ok(home.post(f"/outflows/{out['id']}/return", json={"date": TODAY.isoformat(),
                                                                "report": "按时参加组织生活"}))
    assert back["state"] == "returned"
    report = ok(home.get(f"/outflows/{out['id']}"))["participation"]
    assert len(report) == 1 and report[0]["state"] == "ended" and report[0]["dues"]["total"] == "50.00"
    assert [a["what"] for a in report[0]["activities"]] == ["参加支部主题党日活动"]
    assert_error(there.post(f"/inflows/{inflow['id']}/activities", json=activity), 409)
    refused = wait_for(lambda: pay(there, orgs["B1"], NOW + 1, (member_id, "50.00")),
                       lambda response: response.status_code == 409, what="the inflow's end in the dues service")
    assert "不是本组织的流入党员" in refused.json()["error"]["message"]


def test_void_by_the_collecting_organization(api, tree):
    orgs, clerks = tree
    member_id, _, inflow = flow_in(tree, api, "流入作废丙")
    recorded = ok(pay(clerks["B1"], orgs["B1"], NOW, (member_id, "50.00")), 201)["recorded"][0]
    assert_error(clerks["C"].post(f"/dues/payments/{recorded['id']}/void", json={"reason": "错登"}), 403)
    voided = ok(clerks["B1"].post(f"/dues/payments/{recorded['id']}/void", json={"reason": "金额错登"}))
    assert voided["voided"]
    assert inflow_rows(clerks["B1"], orgs["B1"])[inflow["id"]]["payable"]


def test_a_member_from_outside_pays_into_the_inflow_ledger(api, tree):
    orgs, clerks = tree
    there = clerks["B1"]
    inflow = ok(there.post(f"/orgs/{orgs['B1']}/inflows", json={"from_date": TODAY.isoformat(), "external": {
        "name": "外省流入丁", "id_number": id_number(), "home_org_text": "外省某支部", "certificate_no": "HB000123"}}),
        201)
    row = wait_for(lambda: inflow_rows(there, orgs["B1"]), lambda rows: inflow["id"] in rows,
                   what="the dues service's projection of the inflow")[inflow["id"]]
    assert row["external"] and row["certificate_no"] == "HB000123" and row["payable"] and row["due"] is None
    # Through the inflow ledger (no member record, no base: the amount the member pays).
    ext = dict(path="inflow-payments", key="inflow_id")
    assert "早于流入月份" in assert_error(pay(there, orgs["B1"], NOW - 1, (inflow["id"], "30.00"), **ext),
                                      409)["message"]
    assert_error(pay(there, orgs["B1"], NOW, (inflow["id"], "1000.00"), **ext), 409)
    assert_error(pay(there, orgs["B1"], NOW, (inflow["id"], "abc"), **ext), 400)
    assert_error(pay(clerks["C"], orgs["C"], NOW, (inflow["id"], "30.00"), **ext), 409)
    recorded = ok(pay(there, orgs["B1"], NOW, (inflow["id"], "30.00"), **ext), 201)["recorded"][0]
    assert recorded["certificate_no"] == "HB000123" and recorded["amount"] == "30.00"
    assert "不能重复登记" in assert_error(pay(there, orgs["B1"], NOW, (inflow["id"], "30.00"), **ext), 409)["message"]
    row = inflow_rows(there, orgs["B1"])[inflow["id"]]
    assert row["status"] == "paid" and row["payment"]["id"] == recorded["id"] and not row["payable"]
    assert ok(there.get(f"/inflows/{inflow['id']}"))["dues"]["total"] == "30.00"
    # A correction: void (the inflow organization only) and record again.
    assert_error(clerks["C"].post(f"/dues/inflow-payments/{recorded['id']}/void", json={"reason": "错"}), 404)
    assert_error(there.post(f"/dues/inflow-payments/{recorded['id']}/void", json={}), 400)
    assert ok(there.post(f"/dues/inflow-payments/{recorded['id']}/void", json={"reason": "金额错登"}))["voided"]
    assert_error(there.post(f"/dues/inflow-payments/{recorded['id']}/void", json={"reason": "再次"}), 409)
    ok(pay(there, orgs["B1"], NOW, (inflow["id"], "35.00"), **ext), 201)
    assert ok(there.get(f"/inflows/{inflow['id']}"))["dues"]["total"] == "35.00"


def sheet_rows(response) -> list[list]:
    assert response.status_code == 200, response.text
    return [[cell for cell in row if cell is not None]
            for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]


def row_of(rows: list[list], name: str) -> list:
    return next(row for row in rows if row[:1] == [name])


def test_the_month_sheet_in_excel_keeps_the_inflow_members_apart(api, tree):
    """The monthly collection sheet (Excel) lists the organization's 流入党员 after its own totals, as
    on screen: 本系统内 (their ledger's month, where they belong) and 系统外 (the 活动证), each with a
    subtotal; the home branch's sheet says which month was paid at the inflow organization."""
    orgs, clerks = tree
    there = clerks["B1"]
    member_id, _, _ = flow_in(tree, api, "流入表格戊")
    ok(pay(there, orgs["B1"], NOW, (member_id, "50.00")), 201)
    outside = ok(there.post(f"/orgs/{orgs['B1']}/inflows", json={"from_date": TODAY.isoformat(), "external": {
        "name": "外省表格己", "id_number": id_number(), "home_org_text": "外省某支部", "certificate_no": "HB000777"}}),
        201)
    wait_for(lambda: inflow_rows(there, orgs["B1"]), lambda rows: outside["id"] in rows,
             what="the dues service's projection of the inflow")
    ok(pay(there, orgs["B1"], NOW, (outside["id"], "20.00"), path="inflow-payments", key="inflow_id"), 201)

    rows = sheet_rows(there.get(f"/orgs/{orgs['B1']}/dues/month.xlsx", params={"month": str(NOW)}))
    firsts = [row[0] if row else None for row in rows]
    assert rows[1][-1] == "备注"
    total = firsts.index("合计")
    inside, external = (firsts.index("流入党员（本系统内，不计入上面的合计）"),
                        firsts.index("流入党员（系统外，单独记账，不计入上面的合计）"))
    assert total < inside < firsts.index("流入表格戊") < external < firsts.index("外省表格己")
    assert rows[total][1].startswith("0人")  # the branch's own totals: none of the 流入党员
    mine = row_of(rows, "流入表格戊")
    assert 50 in mine and "已交" in mine and any("所在党组织：流入党费流出支部" in str(c) for c in mine)  # 50: a number
    theirs = row_of(rows, "外省表格己")
    assert 20 in theirs and any("活动证编号：HB000777" in str(c) for c in theirs)
    assert firsts.count("小计") == 2
    home = sheet_rows(clerks["A1"].get(f"/orgs/{orgs['A1']}/dues/month.xlsx", params={"month": str(NOW)}))
    assert "在流入地交纳（流入党费流入支部）" in row_of(home, "流入表格戊")
